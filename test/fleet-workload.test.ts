// Launch workload, Network Manager and NLB health checks, each on a small setup.
import { ModelAssembly, runSingle, type Actor, type ActorId, type Context, type Message } from '@cascade/kernel';
import {
  FLEET_KINDS,
  addAzFleet,
  addLaunchWorkloads,
  addNetworkManagers,
  addNlb,
  summarizeLaunches,
  summarizeNetwork,
  summarizeNlb,
  type AzFleetParams,
  type LaunchParams,
  type NetChangesMsg,
  type NetworkParams,
  type NlbParams,
  type TargetsMsg,
} from '@cascade/fleet';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const S = 1_000_000;

/** The script's link to what it drives (it sits in a group of its own: the link needs a latency). */
const SCRIPT_LINK_US = 1;

/** Sends scripted messages at given times (each delay must be at least the model's lookahead). */
class Script implements Actor {
  constructor(private readonly sends: () => { to: ActorId; msg: Message; atUs: number }[]) {}

  init(ctx: Context): void {
    for (const s of this.sends()) ctx.sendAfter(s.atUs - SCRIPT_LINK_US, s.to, s.msg);
  }

  receive(msg: Message): void {
    throw new Error(`the script takes no messages, got ${msg.kind}`);
  }
}

/** A script that sends to actors of `kinds`; each message arrives exactly at its `atUs`. */
function addScript(assembly: ModelAssembly, kinds: readonly string[], sends: () => { to: ActorId; msg: Message; atUs: number }[]): void {
  const group = assembly.newGroups(1);
  for (const kind of kinds) assembly.link('script', kind, SCRIPT_LINK_US);
  assembly.addActors(1, { kind: 'script', name: () => 'script', group: () => group, create: () => new Script(sends) });
}

// --- Network Manager ---

const network = (over: Partial<NetworkParams> = {}): NetworkParams => ({
  changeCostUs: 1 * S,
  nlbTargetFraction: 0,
  nlbLatencyUs: 1 * S,
  impairedDelayUs: 5 * S,
  normalDelayUs: 2 * S,
  monitorIntervalUs: 1 * S,
  reconcile: null,
  endUs: 100 * S,
  sampleIntervalUs: 10 * S,
  ...over,
});

test('Network Manager propagates changes one at a time, and its backlog delays connectivity by queueing arithmetic', () => {
  const p = network();
  const assembly = new ModelAssembly({ scenario: 'nm', seed: 1, endUs: p.endUs, sampleIntervalUs: p.sampleIntervalUs });
  const nms = addNetworkManagers(assembly, 1, p, () => null);
  // at 10.5 s: 5 launches (ready at 11.5 .. 15.5 s) and 5 terminations (done by 20.5 s)
  const changes: NetChangesMsg = { kind: 'net-changes', launchedUs: 10.5 * S, launches: 5, terminations: 5, resyncs: 0 };
  addScript(assembly, [FLEET_KINDS.networkManager], () => [{ to: nms.first, msg: changes, atUs: 10.5 * S }]);
  assembly.summarize((input) => {
    const s = summarizeNetwork(input, nms);
    return { ...s.network, readyLatencyUs: s.readyLatencyUs };
  });
  const out = runSingle(assembly.build());
  assert.equal(out.summary['backlogPeak'], 10);
  // monitor at 11 s: 9.5 s of backlog > 5 s (impaired); at 19 s: 1.5 s <= 2 s (normal again)
  assert.equal(out.summary['impairedFrom'], 11);
  assert.equal(out.summary['clearedAt'], 19);
  assert.deepEqual(out.summary['readyLatencyUs'], [1, 2, 3, 4, 5].map((x) => x * S));
  assert.equal(out.metrics.histograms['launches.networkReadyLatency']?.totalCount, 5);
});

test('re-established leases are network work too: resyncs lengthen the backlog', () => {
  const p = network();
  const assembly = new ModelAssembly({ scenario: 'nm', seed: 1, endUs: p.endUs, sampleIntervalUs: p.sampleIntervalUs });
  const nms = addNetworkManagers(assembly, 1, p, () => null);
  const changes: NetChangesMsg = { kind: 'net-changes', launchedUs: 10.5 * S, launches: 0, terminations: 0, resyncs: 30 };
  addScript(assembly, [FLEET_KINDS.networkManager], () => [{ to: nms.first, msg: changes, atUs: 10.5 * S }]);
  assembly.summarize((input) => summarizeNetwork(input, nms).network);
  const out = runSingle(assembly.build());
  assert.equal(out.summary['backlogPeak'], 30);
  // free at 40.5 s: normal (<= 2 s) from the monitor at 39 s
  assert.equal(out.summary['clearedAt'], 39);
});

test('with reconciliation on, resyncs wait until the AZ reports healthy leases, then enter the queue at the reconciliation rate', () => {
  const p = network({ reconcile: { ratePerS: 0.5, validFraction: 0.99 }, endUs: 200 * S });
  const assembly = new ModelAssembly({ scenario: 'nm', seed: 1, endUs: p.endUs, sampleIntervalUs: p.sampleIntervalUs });
  const nms = addNetworkManagers(assembly, 1, p, () => null);
  const resyncs: NetChangesMsg = { kind: 'net-changes', launchedUs: 10 * S, launches: 0, terminations: 0, resyncs: 40 };
  const reading = (share: number): Message => ({ kind: 'observe', signal: 'leases.invalidShare', source: 99, value: share, weight: 1000 }) as Message;
  addScript(assembly, [FLEET_KINDS.networkManager], () => [
    { to: nms.first, msg: resyncs, atUs: 10 * S },
    { to: nms.first, msg: reading(0.5), atUs: 20 * S },
    { to: nms.first, msg: reading(0.005), atUs: 50.5 * S },
  ]);
  assembly.summarize((input) => summarizeNetwork(input, nms).network);
  const out = runSingle(assembly.build());
  assert.equal(out.summary['heldResyncsPeak'], 40);
  // healthy from 50.5 s; at 0.5/s the monitor ticks (every 1 s) feed one resync every other tick, from 52 s
  assert.equal(out.summary['reconcileFrom'], 52);
  // each resync propagates in 1 s, before the next is fed: the queue never holds more than one
  assert.ok((out.summary['backlogPeak'] as number) <= 1, `backlog peak ${out.summary['backlogPeak']}`);
  assert.equal(out.summary['changes'], 40);
});

// --- NLB ---

const nlbParams = (over: Partial<NlbParams> = {}): NlbParams => ({
  azs: 3,
  baseTargetsPerAz: 10,
  checkIntervalUs: 10 * S,
  initialGraceUs: 60 * S,
  unreadyPassProbability: 0.5,
  flapCostChecks: 3,
  checkerCapacityPerS: 5,
  failoverThreshold: 0.3,
  velocityControlPerMin: 0,
  stableRounds: 1,
  sampleIntervalUs: 60 * S,
  endUs: 3600 * S,
  ...over,
});

/** 100 new targets in AZ 0 at 20 s whose network state is ready at `readyS`; failover switched off and on at the given times. */
function nlbRun(p: NlbParams, readyS: number, failover: { offS: number; onS: number } | null = null) {
  const assembly = new ModelAssembly({ scenario: 'nlb', seed: 3, endUs: p.endUs, sampleIntervalUs: 60 * S });
  const nlb = addNlb(assembly, p);
  const msg: TargetsMsg = { kind: 'targets', az: 0, readyUs: Array.from({ length: 100 }, () => readyS * S) };
  const switches = failover === null ? [] : [
    { to: nlb.first, msg: { kind: 'failover', enabled: false } as Message, atUs: failover.offS * S },
    { to: nlb.first, msg: { kind: 'failover', enabled: true } as Message, atUs: failover.onS * S },
  ];
  addScript(assembly, [FLEET_KINDS.nlb], () => [{ to: nlb.first, msg, atUs: 20 * S }, ...switches]);
  assembly.summarize((input) => {
    const s = summarizeNlb(input, nlb, p);
    return { ...s.nlb, phaseStart: s.firstUnstableUs };
  });
  return runSingle(assembly.build()).summary as { flaps: number; capacityRemovedPeak: number; stableAt: number | null; failovers: number; phaseStart: number | null };
}

test('targets in service before their network state flap until it arrives, then the NLB is stable', () => {
  const s = nlbRun(nlbParams(), 600);
  assert.ok(s.flaps > 50, `flaps ${s.flaps}`);
  assert.ok(s.failovers >= 1, 'the loaded checker failed AZ 0 over');
  assert.ok(s.capacityRemovedPeak > 0.5, `removed ${s.capacityRemovedPeak}`);
  // ready at 600 s: the round at 600 s re-adds the last targets; 610 s is the first quiet round
  assert.equal(s.stableAt, 610);
});

test('a target whose network state arrives within the initial grace never flaps', () => {
  const s = nlbRun(nlbParams(), 50);
  assert.equal(s.flaps, 0);
  assert.equal(s.capacityRemovedPeak, 0);
  assert.equal(s.stableAt, null);
  assert.equal(s.phaseStart, null);
});

test('velocity control caps the capacity AZ failover removes', () => {
  const free = nlbRun(nlbParams(), 600);
  const capped = nlbRun(nlbParams({ velocityControlPerMin: 0.05 }), 600);
  assert.ok(capped.capacityRemovedPeak < free.capacityRemovedPeak - 0.1, `${capped.capacityRemovedPeak} vs ${free.capacityRemovedPeak}`);
});

test('with automatic failover switched off no AZ fails over, and the NLB is not back to normal until it is on again', () => {
  const off = nlbRun(nlbParams(), 600, { offS: 1, onS: 1795 });
  assert.equal(off.failovers, 0);
  assert.equal(off.stableAt, 1800);
});

test('the NLB counts as stable only after its calm has lasted stableRounds rounds', () => {
  // calm from 610 s: 30 rounds of 10 s fit before the end at 3600 s, 400 rounds do not
  assert.equal(nlbRun(nlbParams({ stableRounds: 30 }), 600).stableAt, 610);
  assert.equal(nlbRun(nlbParams({ stableRounds: 400 }), 600).stableAt, null);
});

// --- launches ---

function fleetParams(endUs: number): AzFleetParams {
  return {
    droplets: 60,
    azs: 3,
    dwfmHostsPerAz: 1,
    renewIntervalUs: 300 * S,
    renewTickUs: 1,
    renewAheadUs: 0,
    retryAheadUs: 1,
    leaseDurationUs: 900 * S,
    renewCostUs: 2_000,
    establishCostUs: 20_000,
    attemptTimeoutUs: 30 * S,
    rpcLatencyUs: 1 * S,
    backoff: { kind: 'none', baseUs: S, capUs: 300 * S },
    queue: 'fifo',
    staggerWindowUs: 0,
    throttleRatePerS: 0,
    throttleQueueCap: 0,
    throttleFromUs: 0,
    throttleUntilUs: Infinity,
    minThrottledRetryUs: S,
    restartAtUs: [],
    launchProbes: 3,
    endUs,
    sampleIntervalUs: 60 * S,
  };
}

const launchParams = (endUs: number, over: Partial<LaunchParams> = {}): LaunchParams => ({
  ec2RatePerS: 0.5,
  serviceRatePerS: 0.5,
  terminationRatePerS: 0.2,
  retryProbability: 0.5,
  tickUs: 10 * S,
  apiLatencyUs: 1 * S,
  throttleRatePerS: 0,
  sampleIntervalUs: 60 * S,
  endUs,
  ...over,
});

interface Launches {
  attempted: number;
  succeeded: number;
  insufficientCapacity: number;
  throttled: number;
  abandoned: number;
}

/** A 60-droplet fleet in 3 AZs with a launch workload; DynamoDB goes away at `outageS` (never back). */
function launchRun(outageS: number | null, over: Partial<LaunchParams> = {}, throttle: { rate: number; fromS: number; untilS: number } | null = null) {
  const endUs = 3005 * S;
  const assembly = new ModelAssembly({ scenario: 'launches', seed: 1, endUs, sampleIntervalUs: 60 * S });
  const fp = fleetParams(endUs);
  let firstNm = -1;
  const fleet = addAzFleet(assembly, fp, { networkManager: (a) => firstNm + a, networkLatencyUs: 1 * S });
  const nms = addNetworkManagers(assembly, 3, network({ endUs, changeCostUs: 10_000, sampleIntervalUs: 60 * S }), () => null);
  firstNm = nms.first;
  const lp = launchParams(endUs, over);
  const launches = addLaunchWorkloads(assembly, lp, { azs: 3, shardsOfAz: (a) => fleet.shardsOfAz(a), networkManager: (a) => nms.first + a });
  if (outageS !== null) {
    addScript(assembly, [FLEET_KINDS.host], () =>
      [0, 1, 2].flatMap((a) => fleet.hostsOfAz(a)).map((h) => ({ to: h, msg: { kind: 'dynamodb-availability', available: false, resolver: 0 } as Message, atUs: outageS * S })),
    );
  }
  if (throttle !== null) {
    addScript(assembly, [FLEET_KINDS.launches], () =>
      [0, 1, 2].flatMap((a) => [
        { to: launches.first + a, msg: { kind: 'launch-throttle', ratePerS: throttle.rate } as Message, atUs: throttle.fromS * S },
        { to: launches.first + a, msg: { kind: 'launch-throttle', ratePerS: 0 } as Message, atUs: throttle.untilS * S },
      ]),
    );
  }
  assembly.summarize((input) => ({ ...summarizeLaunches(input, launches, {}), network: summarizeNetwork(input, nms).network }));
  const out = runSingle(assembly.build());
  return { launches: out.summary['launches'] as Launches, network: out.summary['network'] as { changes: number } };
}

test('with every lease valid every launch succeeds, and each success and termination is a network change', () => {
  const { launches, network: nm } = launchRun(null);
  assert.ok(launches.attempted > 100);
  assert.equal(launches.succeeded, launches.attempted);
  assert.equal(launches.insufficientCapacity, 0);
  const terminations = (launches as unknown as { terminations: number }).terminations;
  assert.equal(nm.changes, launches.succeeded + terminations);
});

test('launches need a droplet with a valid lease: once leases lapse they fail as insufficient capacity', () => {
  const { launches } = launchRun(100);
  assert.ok(launches.insufficientCapacity > 0);
  // every attempt is accounted for (the run ends after the last reply)
  assert.equal(launches.attempted, launches.succeeded + launches.insufficientCapacity + launches.throttled);
  // leases lapse by 100 + 900 s: later launches all fail, so successes stay below the first 1000 s of demand
  assert.ok(launches.succeeded < 1.1 * 1000 * 3, `succeeded ${launches.succeeded}`);
});

test('while the operator launch throttle is on, launches beyond its rate fail as throttled', () => {
  const { launches } = launchRun(null, {}, { rate: 0.2, fromS: 1000, untilS: 2000 });
  assert.ok(launches.throttled > 0);
  // demand 1/s per AZ plus half the rejected retried: about 1.6 throttled per second per AZ for 1000 s
  assert.ok(launches.throttled > 3 * 1000 && launches.throttled < 3 * 2200, `throttled ${launches.throttled}`);
  assert.equal(launches.attempted, launches.succeeded + launches.insufficientCapacity + launches.throttled);
  assert.equal(launches.insufficientCapacity, 0);
});
