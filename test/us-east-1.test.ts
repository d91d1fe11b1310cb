// The full scenario us-east-1-2025-10-20 on a small fleet: the replay's phases, and the what-ifs.
// 9,999 droplets with one DWFM host per AZ give each host the default's load (3,333 droplets).
import { runSingle } from '@cascade/kernel';
import { simulate } from '@cascade/runtime';
import { ConfigError, DEFAULT_SCENARIO, SCENARIOS, US_EAST_1_OFFICIAL, resolveConfig, toUsEast1Params, usEast1Scenario, type Phase } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// 20,000 droplets keep the default's load per DWFM host (2 hosts per AZ, ~3,333 droplets each) and
// its timeline; smaller fleets round launches to whole ones per tick and lose the NLB failover.
const FLEET = '20000';
const QUARTER_HOUR = 900;

interface Action {
  action: string;
  at: number;
  trigger: string;
}

interface Summary {
  phases: Phase[];
  timeToRecovery: number | null;
  clock: { start: string };
  dns: { emptyRecordAt: number | null; restoredAt: number | null };
  dynamodb: { availableAt: number | null };
  leases: { recoveredAt: number | null; collapsed: boolean };
  network: { backlogPeak: number; clearedAt: number | null; impairedFrom: number | null };
  nlb: { flaps: number; capacityRemovedPeak: number; stableAt: number | null; unstableFrom: number | null };
  launches: { attempted: number; succeeded: number; insufficientCapacity: number; throttled: number };
  operator: { mode: string; actions: Action[] };
}

const cache = new Map<string, { summary: Summary; digest: string }>();
function run(sets: string[] = [], fleet = FLEET): { summary: Summary; digest: string } {
  const key = `${fleet} ${sets.join(' ')}`;
  let r = cache.get(key);
  if (r === undefined) {
    const out = runSingle(usEast1Scenario.build(resolveConfig(usEast1Scenario, { fleet, sets })));
    r = { summary: out.summary as unknown as Summary, digest: out.digest };
    cache.set(key, r);
  }
  return r;
}

const phase = (s: Summary, name: string) => s.phases.find((p) => p.name === name);
const actionAt = (s: Summary, name: string) => s.operator.actions.find((a) => a.action === name)?.at;

test('us-east-1-2025-10-20 is the default scenario, sized by fleet.droplets with about 3,333 droplets per DWFM host', () => {
  assert.equal(DEFAULT_SCENARIO, 'us-east-1-2025-10-20');
  assert.equal(SCENARIOS.get(DEFAULT_SCENARIO), usEast1Scenario);
  assert.equal(usEast1Scenario.fleetKey, 'fleet.droplets');
  assert.equal(resolveConfig(usEast1Scenario, {}).fleet.droplets, 50_000);
  assert.equal(toUsEast1Params(resolveConfig(usEast1Scenario, {})).fleet.dwfmHostsPerAz, 5);
  assert.equal(toUsEast1Params(resolveConfig(usEast1Scenario, { fleet: '1M' })).fleet.dwfmHostsPerAz, 100);
});

test('the replay has all four phases in order, each ending, with the DNS record empty near 11:48 PM', () => {
  const { summary } = run();
  assert.deepEqual(summary.phases.map((p) => p.name), ['dns', 'dwfm', 'nlb', 'network']);
  for (let i = 1; i < summary.phases.length; i++) {
    assert.ok((summary.phases[i] as Phase).start >= (summary.phases[i - 1] as Phase).start, 'phases start in order');
  }
  for (const p of summary.phases) assert.ok(p.end !== null && p.end > p.start, `${p.name} ends after it starts`);
  const dns = phase(summary, 'dns') as Phase;
  assert.ok(Math.abs(dns.start - US_EAST_1_OFFICIAL.dnsEmpty) < 60, `DNS empty at ${dns.start}`);
  assert.equal(summary.clock.start, '2025-10-19T23:00:00-07:00');
});

test('the reactive replay lands every official time within 15 minutes, each as a consequence of its trigger', () => {
  const { summary: s } = run();
  const o = US_EAST_1_OFFICIAL;
  const landed: [string, number | null | undefined, number][] = [
    ['DNS record empty', s.dns.emptyRecordAt, o.dnsEmpty],
    ['DNS restored', s.dns.restoredAt, o.dnsRestored],
    ['throttles and DWFM restarts', actionAt(s, 'restart-dwfm'), o.operatorDwfm],
    ['leases back', s.leases.recoveredAt, o.leasesBack],
    ['NLB health checks failing', phase(s, 'nlb')?.start, o.nlbFailing],
    ['network impaired', phase(s, 'network')?.start, o.networkImpaired],
    ['failover off', actionAt(s, 'failover-off'), o.nlbFailoverOff],
    ['network normal', s.network.clearedAt, o.networkNormal],
    ['throttles relaxed', actionAt(s, 'relax-throttles'), o.throttlesRelaxed],
    ['failover on, NLB stable', s.nlb.stableAt, o.nlbStable],
  ];
  for (const [what, got, official] of landed) {
    assert.ok(typeof got === 'number' && Math.abs(got - official) <= QUARTER_HOUR, `${what}: ${got} s vs official ${official} s`);
  }
  assert.equal(s.operator.mode, 'reactive');
  for (const a of s.operator.actions) assert.match(a.trigger, /for \d+(\.\d+)? s \(held since/, `${a.action} names its trigger`);
  // the operator repairs exactly what it sees: restarts and throttles come after DynamoDB is back
  assert.ok((actionAt(s, 'restart-dwfm') as number) > (s.dynamodb.availableAt as number));
});

test('timeToRecovery runs from the first failure to the end of the last phase', () => {
  const { summary } = run();
  const start = Math.min(...summary.phases.map((p) => p.start));
  const end = Math.max(...summary.phases.map((p) => p.end as number));
  assert.ok(Math.abs((summary.timeToRecovery as number) - (end - start)) < 1e-6);
  // the NLB is stable only once failover is on again
  assert.ok((summary.nlb.stableAt as number) >= (actionAt(summary, 'failover-on') as number));
});

test('the replay fills the network, nlb and launches sections of the contract', () => {
  const { summary } = run();
  assert.ok(summary.network.backlogPeak > 0 && summary.network.clearedAt !== null);
  assert.ok(summary.nlb.flaps > 0 && summary.nlb.capacityRemovedPeak > 0);
  const l = summary.launches;
  assert.ok(l.insufficientCapacity > 0 && l.throttled > 0 && l.succeeded > 0);
  assert.ok(l.attempted >= l.succeeded + l.insufficientCapacity + l.throttled);
});

test('each DNS safety switch alone prevents every later phase', () => {
  const replay = run(['duration=6h']).summary;
  assert.deepEqual(replay.phases.map((p) => p.name), ['dns', 'dwfm']);
  for (const sw of ['dns.safety.versionCheck=atApply', 'dns.safety.cleanupSparesActive=true', 'dns.safety.rejectEmpty=true']) {
    const { summary } = run([sw, 'duration=6h']);
    assert.equal(summary.dns.emptyRecordAt, null, sw);
    assert.deepEqual(summary.phases, [], sw);
    assert.equal(summary.timeToRecovery, 0, sw);
    assert.deepEqual(summary.operator.actions, [], `${sw}: the operator has nothing to do`);
  }
});

test('drop-expired, lifo and a queue cap each shorten the whole outage: DWFM recovers before the operator\'s DWFM step would fire', () => {
  const replay = run().summary;
  for (const policy of ['policy.queue=drop-expired', 'policy.queue=lifo', 'policy.throttle.queueCap=100']) {
    const { summary } = run([policy]);
    assert.equal(actionAt(summary, 'restart-dwfm'), undefined, `${policy}: no DWFM restart`);
    assert.ok((summary.leases.recoveredAt as number) < US_EAST_1_OFFICIAL.operatorDwfm, `${policy}: leases back at ${summary.leases.recoveredAt}`);
    assert.ok(summary.timeToRecovery !== null && summary.timeToRecovery < (replay.timeToRecovery as number) - 3600, `${policy}: ${summary.timeToRecovery} vs ${replay.timeToRecovery}`);
    // the later phases move earlier with it
    for (const name of ['network', 'nlb']) {
      const p = phase(summary, name);
      if (p !== undefined) assert.ok(p.start < (phase(replay, name) as Phase).start, `${policy}: ${name} starts sooner`);
    }
  }
});

test('velocity control lowers the peak capacity removed and shortens the NLB phase', () => {
  const replay = run().summary;
  const capped = run(['nlb.velocityControl=0.001']).summary;
  assert.ok(capped.nlb.capacityRemovedPeak < replay.nlb.capacityRemovedPeak, `${capped.nlb.capacityRemovedPeak} vs ${replay.nlb.capacityRemovedPeak}`);
  const length = (s: Summary) => ((phase(s, 'nlb') as Phase).end as number) - (phase(s, 'nlb') as Phase).start;
  assert.ok(length(capped) < length(replay), `NLB phase ${length(capped)} s vs ${length(replay)} s`);
  assert.ok((capped.timeToRecovery as number) < (replay.timeToRecovery as number));
});

test('without the operator\'s DWFM step DWFM stays collapsed; with throttling and staggering from the start leases recover on their own', () => {
  const collapsed = run(['operator.dwfmRecovery.enabled=false']).summary;
  assert.equal(collapsed.leases.collapsed, true);
  assert.equal(phase(collapsed, 'dwfm')?.end, null);
  assert.equal(collapsed.timeToRecovery, null);
  const healed = run(['operator.dwfmRecovery.enabled=false', 'policy.throttle.rate=0.8', 'policy.stagger.window=10m']).summary;
  assert.equal(healed.leases.collapsed, false);
  assert.ok((healed.leases.recoveredAt as number) < US_EAST_1_OFFICIAL.operatorDwfm, `leases back at ${healed.leases.recoveredAt}`);
});

test('with operator.enabled=false nobody repairs DNS, so the region is unrecovered at the end', () => {
  const { summary } = run(['operator.enabled=false']);
  assert.equal(summary.dns.restoredAt, null);
  assert.equal(phase(summary, 'dns')?.end, null);
  assert.equal(summary.timeToRecovery, null);
  assert.deepEqual(summary.operator.actions, []);
});

test('a later DNS repair delays every later phase by the same order of time', () => {
  const replay = run().summary;
  const late = run(['operator.dnsRepair.delay=10859']).summary; // 1800 s later than the default
  assert.ok(Math.abs((late.dns.restoredAt as number) - (replay.dns.restoredAt as number) - 1800) < 60);
  for (const name of ['dwfm', 'nlb', 'network']) {
    const shift = ((phase(late, name) as Phase).start - (phase(replay, name) as Phase).start);
    assert.ok(shift > 900 && shift < 2700, `${name} starts ${shift} s later`);
    const endShift = ((phase(late, name) as Phase).end as number) - ((phase(replay, name) as Phase).end as number);
    assert.ok(endShift > 900 && endShift < 2700, `${name} ends ${endShift} s later`);
  }
});

test('the timetable operator acts at the official times whatever happens', () => {
  const { summary } = run(['operator.mode=timetable']);
  const o = US_EAST_1_OFFICIAL;
  assert.equal(summary.operator.mode, 'timetable');
  assert.deepEqual(
    summary.operator.actions.map((a) => [a.action, a.at]),
    [['repair-dns', o.dnsRestored], ['throttle', o.operatorDwfm], ['restart-dwfm', o.operatorDwfm], ['failover-off', o.nlbFailoverOff], ['relax-throttles', o.throttlesRelaxed], ['failover-on', o.nlbStable]],
  );
  // even a fix that removes the whole outage leaves the timetable acting
  const safe = run(['operator.mode=timetable', 'dns.safety.rejectEmpty=true', 'duration=6h']).summary;
  assert.deepEqual(safe.operator.actions.map((a) => a.action), ['repair-dns', 'throttle', 'restart-dwfm']);
});

test('a restart announced ahead takes back the DWFM work it cancels: the same actions booked from t = 0 or announced later give the same DWFM time and items served', () => {
  type DwfmCounts = { served: number; restartsDropped: number; busySeconds: number };
  const reactive = run().summary as unknown as { leases: { wastedWorkFraction: number }; operator: { actions: Action[] }; dwfm: DwfmCounts };
  const timetable = run(['operator.mode=timetable']).summary as unknown as typeof reactive;
  // the calibrated reactive operator restarts DWFM at the official second, as the timetable does
  assert.equal(actionAt(reactive as unknown as Summary, 'restart-dwfm'), actionAt(timetable as unknown as Summary, 'restart-dwfm'));
  assert.equal(reactive.leases.wastedWorkFraction, timetable.leases.wastedWorkFraction);
  // items booked past the restart before it was announced are dropped, not served
  assert.deepEqual(
    [reactive.dwfm.served, reactive.dwfm.restartsDropped, reactive.dwfm.busySeconds],
    [timetable.dwfm.served, timetable.dwfm.restartsDropped, timetable.dwfm.busySeconds],
  );
  assert.ok(reactive.leases.wastedWorkFraction < 0.9, `wasted ${reactive.leases.wastedWorkFraction}`);
});

test('timetable keys are refused outside timetable mode, with the key and what to use instead', () => {
  assert.throws(() => resolveConfig(usEast1Scenario, { sets: ['operator.restartAt=5000'] }), /operator\.restartAt.*operator\.mode=timetable/);
  assert.throws(() => resolveConfig(usEast1Scenario, { sets: ['operator.dwfmRecovery.delay=10s'] }), /attemptTimeout/);
});

test('no model reads an official clock time: only the scenario calibration names them', () => {
  const dirs = ['packages/fleet/src', 'packages/dns/src', 'packages/operator/src', 'packages/kernel/src'];
  const times = Object.values(US_EAST_1_OFFICIAL).map(String);
  for (const dir of dirs) {
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const t of times) assert.ok(!new RegExp(`\\b${t}\\b`).test(text), `${dir}/${file} names ${t}`);
    }
  }
});

test('every recovery policy and operator key is settable with --set', () => {
  const c = resolveConfig(usEast1Scenario, {
    sets: [
      'policy.backoff.kind=decorrelated', 'policy.backoff.base=2s', 'policy.backoff.cap=5m', 'policy.queue=drop-expired',
      'policy.stagger.window=15m', 'policy.throttle.rate=2', 'policy.throttle.queueCap=100', 'operator.mode=timetable', 'operator.restartAt=5000,9000',
      'operator.throttleAt=never', 'operator.nlbFailoverOffAt=never', 'nlb.velocityControl=0.05', 'dwfm.rpcLatency=50ms',
      'operator.dwfmRecovery.hold=2h', 'operator.failoverOn.enabled=false',
    ],
  });
  assert.equal(c.policy.backoff.kind, 'decorrelated');
  assert.equal(c.policy.queue, 'drop-expired');
  assert.equal(c.policy.stagger.window, 900);
  assert.deepEqual(c.operator.restartAt, [5000, 9000]);
  assert.equal(c.operator.throttleAt, null);
  assert.equal(c.operator.nlbFailoverOffAt, null);
  assert.equal(c.operator.relaxAt, US_EAST_1_OFFICIAL.throttlesRelaxed);
  assert.equal(c.operator.dwfmRecovery.hold, 7200);
  assert.equal(c.operator.failoverOn.enabled, false);
  assert.equal(c.nlb.velocityControl, 0.05);
  assert.equal(c.dwfm.rpcLatency, 0.05);
  assert.throws(() => resolveConfig(usEast1Scenario, { sets: ['policy.queue=random'] }), ConfigError);
  assert.throws(() => resolveConfig(usEast1Scenario, { sets: ['dwfm.rpcLatency=40s'] }), /attemptTimeout/);
  assert.equal(resolveConfig(usEast1Scenario, { sets: ['lease.renewTick=1us'] }).lease.renewTick, 1e-6);
  assert.throws(() => resolveConfig(usEast1Scenario, { sets: ['lease.renewTick=7s'] }), /lease\.renewTick.*must divide lease\.renewInterval \(300s\)/);
});

test('a what-if policy changes the run; the same config replays the same digest', () => {
  // 6 h covers the DNS outage and the DWFM storm, where a backoff policy acts
  const a = run(['duration=6h']);
  const again = runSingle(usEast1Scenario.build(resolveConfig(usEast1Scenario, { fleet: FLEET, sets: ['duration=6h'] })));
  assert.equal(again.digest, a.digest);
  assert.notEqual(run(['duration=6h', 'policy.backoff.kind=full-jitter']).digest, a.digest);
});

test('the replay has the same digest on 1 and 2 threads', async () => {
  const config = resolveConfig(usEast1Scenario, { fleet: '3000', sets: ['fleet.dwfmHostsPerAz=1'] });
  const modelModule = import.meta.resolve('@cascade/scenarios');
  const one = await simulate({ modelModule, scenario: usEast1Scenario.name, config, threads: 1 });
  const two = await simulate({ modelModule, scenario: usEast1Scenario.name, config, threads: 2 });
  assert.equal(two.partitions, 2);
  assert.equal(two.digest, one.digest);
});

test('the timeline holds as the fleet grows: at twice the droplets every phase starts and ends within 15 minutes', () => {
  const small = run().summary;
  const large = run([], String(2 * Number(FLEET))).summary;
  assert.deepEqual(large.phases.map((p) => p.name), small.phases.map((p) => p.name));
  for (const p of small.phases) {
    const q = phase(large, p.name) as Phase;
    assert.ok(Math.abs(q.start - p.start) <= QUARTER_HOUR, `${p.name} starts at ${q.start} s against ${p.start} s`);
    assert.ok(p.end !== null && q.end !== null && Math.abs(q.end - p.end) <= QUARTER_HOUR, `${p.name} ends at ${q.end} s against ${p.end} s`);
  }
  assert.ok(large.launches.attempted > 1.5 * small.launches.attempted, 'the larger fleet has more launches');
});
