// `us-east-1-2025-10-20`: the whole cascade of 19–20 October 2025 (INCIDENT.md) — the DNS race
// empties DynamoDB's regional record, leases lapse, DWFM collapses when DynamoDB returns, the
// operator throttles and restarts DWFM, Network Manager's backlog delays connectivity, NLB health
// checks flap and AZ failover removes capacity until the operator turns it off. t = 0 is 11:00 PM
// PDT; defaults are calibrated in packages/scenarios/CALIBRATION.md. Switches and policies make it a what-if.
import type { ActorId, Message, Model, Observer, SummaryInput } from '@cascade/kernel';
import { ModelAssembly, secondsToUs, usToSeconds } from '@cascade/kernel';
import { Operator, type Delivery, type OperatorReport } from '@cascade/operator';
import { addDns, summarizeDns } from '@cascade/dns';
import {
  TOKEN_RATE_MAX,
  addAzFleet,
  addLaunchWorkloads,
  addNetworkManagers,
  addNlb,
  latencySummary,
  summarizeAzFleet,
  summarizeLaunches,
  summarizeNetwork,
  summarizeNlb,
  type AzFleetParams,
  type LaunchParams,
  type NetworkParams,
  type NlbParams,
} from '@cascade/fleet';
import { z } from 'zod';
import { DNS_RACE_CLOCK_START, checkDnsKeys, dnsRaceSchema, dnsSchema, toDnsParams } from './dns-race.js';
import type { ScenarioDef } from './registry.js';
import { leaseSchema, policySchema } from './lease-storm.js';
import { count, duration, positiveDuration } from './units.js';
import { OPERATOR_SIGNALS, TIMETABLE_KEYS, US_EAST_1_OFFICIAL, US_EAST_1_OFFICIAL_PHASES, checkOperator, operatorSchema, playbook, timetable, withTimetableDefaults } from './us-east-1-operator.js';

export { US_EAST_1_OFFICIAL };

export const US_EAST_1 = 'us-east-1-2025-10-20';

/** A link between placement groups: at least 1 µs. */
const linkLatency = () => duration().pipe(z.number().min(1e-6, { error: 'must be at least 1µs (it is a link between placement groups)' }));
const rate = () => z.number().min(0, { error: 'must be >= 0' });
const fraction = () => z.number().min(0).max(1);

/** Launch, network and NLB sizes are per 100,000 droplets, so the timeline keeps its shape at any fleet size. */
export const US_EAST_1_RATE_UNIT_DROPLETS = 100_000;

/** With `fleet.dwfmHostsPerAz=auto`, each DWFM host manages about this many droplets (the calibrated load). */
export const US_EAST_1_DROPLETS_PER_HOST = 3_333;

const fleetSchema = z
  .object({
    droplets: count().pipe(z.number().min(3, { error: 'must be at least 3 droplets (one per AZ)' }).max(2 ** 31 - 1)).default(50_000).describe('droplets in the region (split evenly over the AZs)'),
    azs: z.number().int().min(1).max(16).default(3).describe('availability zones, each with its own DWFM hosts, resolver, Network Manager and launches'),
    /** 'auto': droplets / azs / 3,333 rounded (at least 1), so any --fleet keeps the calibrated load per host. */
    dwfmHostsPerAz: z
      .union([z.literal('auto'), count().pipe(z.number().min(1, { error: "must be at least 1 DWFM host per AZ, or 'auto'" }).max(100_000))])
      .default('auto')
      .describe("DWFM hosts per AZ; 'auto': about 3,333 droplets per host (the calibrated load)"),
  })
  .strict()
  .prefault({});

export const usEast1Schema = z.preprocess(
  withUsEast1Defaults,
  z
    .object({
      seed: z.number().int().nonnegative().default(1).describe('the seed every random stream of the run derives from'),
      duration: positiveDuration('the simulated time').default(16 * 3600).describe('simulated time from 11:00 PM PDT'),
      sampleInterval: positiveDuration('the time-series bucket').default(60).describe("time-series bucket, and the monitors' reporting interval to the operator"),
      dns: dnsSchema,
      faults: dnsRaceSchema.shape.faults,
      fleet: fleetSchema,
      lease: leaseSchema({ establishCost: 0.4, attemptTimeout: 60 }),
      dwfm: z
        .object({
          rpcLatency: linkLatency().default(1).describe('One-way latency of the droplet-side shard <-> DWFM host RPC.'),
          throttledRetry: positiveDuration('the retry after a throttled attempt').default(60).describe('A droplet whose establish attempt was throttled retries after at least this.'),
        })
        .strict()
        .prefault({}),
      policy: policySchema,
      operator: operatorSchema,
      launches: z
        .object({
          ec2Rate: rate().default(3).describe('Demand per second (region, per 100k droplets): EC2 RunInstances, Lambda/ECS/Fargate, terminations.'),
          serviceRate: rate().default(1).describe('Lambda/ECS/Fargate launches per second (region, per 100k droplets)'),
          terminationRate: rate().default(2).describe('instance terminations per second (region, per 100k droplets)'),
          retryProbability: fraction().default(0.9).describe('chance a failed launch is retried next tick'),
          tick: positiveDuration('the workload tick').default(10).describe('launches are sent in batches this often'),
          apiLatency: linkLatency().default(1).describe('One-way EC2 API latency (workload <-> fleet, workload -> Network Manager).'),
          probes: z.number().int().min(1).max(100).default(3).describe('Droplets a launch tries before it fails as insufficient capacity.'),
        })
        .strict()
        .prefault({}),
      network: z
        .object({
          rate: z.number().positive().default(10.7).describe('Network changes propagated per second (region, per 100k droplets), split evenly over AZs.'),
          impairedDelay: positiveDuration('the impaired threshold').default(600).describe('Connectivity counts as impaired above this propagation delay, normal again at or below `normalDelay`.'),
          reconcileRate: z.number().positive().default(7.7).describe('Resyncs of re-established droplets fed to propagation per second (region, per 100k droplets) once an AZ\'s leases are healthy.'),
          reconcileWhenValid: fraction().default(0.99).describe('An AZ\'s network state is reconciled once this fraction of its droplets holds a valid lease.'),
          normalDelay: duration().default(60).describe('connectivity is normal again at or below this propagation delay'),
          monitorInterval: positiveDuration('the monitor interval').default(10).describe('Network Manager checks its delay (and reconciles) this often'),
          latency: linkLatency().default(1).describe('Network Manager -> NLB latency.'),
        })
        .strict()
        .prefault({}),
      nlb: z
        .object({
          baseTargets: z.number().min(0).default(3000).describe('Established targets (region, per 100k droplets), and the fraction of launches that register as targets.'),
          targetFraction: fraction().default(0.5).describe('fraction of launched instances that register as NLB targets'),
          checkInterval: positiveDuration('the health-check interval').default(10).describe('NLB health-check round interval'),
          initialGrace: duration().default(60).describe('A new target is first judged this long after registration.'),
          unreadyPassProbability: fraction().default(0.5).describe('chance a check of a target without network state passes'),
          flapCost: z.number().min(0).default(3).describe('checker work per target state change, in checks'),
          checkerCapacity: z.number().positive().default(600).describe('Checks per second (region, per 100k droplets) the checkers handle before they time out.'),
          failoverThreshold: fraction().default(0.3).describe('an AZ fails over when more than this fraction of its targets fails'),
          velocityControl: fraction().default(0).describe('Most NLB capacity (fraction) failover may remove per minute; 0 = off (the 2025 behaviour).'),
          stableRounds: z.number().int().min(1).max(100_000).default(30).describe('Calm check rounds in a row (no flap, nothing removed, checker within capacity, failover on) before the NLB counts as stable.'),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .superRefine((c, ctx) => {
      checkDnsKeys(c, ctx);
      if (c.dns.resolvers.count < 1) {
        ctx.addIssue({ code: 'custom', path: ['dns', 'resolvers', 'count'], message: 'must be at least 1: the DWFM hosts learn about DynamoDB from the resolvers' });
      }
      const slowest = Math.max(c.lease.renewCost, c.lease.establishCost) + 2 * c.dwfm.rpcLatency;
      if (c.lease.attemptTimeout <= slowest) {
        ctx.addIssue({ code: 'custom', path: ['lease', 'attemptTimeout'], message: `must exceed the largest cost plus the RPC round trip (${slowest}s)` });
      }
      if (c.policy.backoff.cap < c.policy.backoff.base) {
        ctx.addIssue({ code: 'custom', path: ['policy', 'backoff', 'cap'], message: `must be at least policy.backoff.base (${c.policy.backoff.base}s)` });
      }
      for (const issue of checkOperator(c.operator, c.duration, c.lease.attemptTimeout)) ctx.addIssue({ code: 'custom', ...issue });
    }),
);

/** Defaults of the shared `dns` section that differ here: one resolver per AZ, and their latency. */
function withUsEast1Defaults(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out = { ...(raw as Record<string, unknown>) };
  const dns = isRecord(out['dns']) ? { ...out['dns'] } : out['dns'] === undefined ? {} : null;
  if (dns === null) return raw;
  const resolvers = isRecord(dns['resolvers']) ? { ...dns['resolvers'] } : dns['resolvers'] === undefined ? {} : null;
  if (resolvers === null) return raw;
  const fleet = isRecord(out['fleet']) ? out['fleet'] : {};
  resolvers['count'] ??= typeof fleet['azs'] === 'number' ? fleet['azs'] : 3;
  // the resolver <-> Route53 link bounds the lookahead: see CALIBRATION.md
  resolvers['latency'] ??= 1;
  dns['resolvers'] = resolvers;
  // The night's race is the forced stall (faults.enactorStall); random stalls are the explorer's
  // business, and after the repair AWS had the automation off, so none here by default.
  const enactor = isRecord(dns['enactor']) ? { ...dns['enactor'] } : dns['enactor'] === undefined ? {} : null;
  if (enactor === null) return raw;
  enactor['stallProbability'] ??= 0;
  dns['enactor'] = enactor;
  out['dns'] = dns;
  if (isRecord(out['operator'])) out['operator'] = withTimetableDefaults(out['operator']);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export type UsEast1Config = z.output<typeof usEast1Schema>;

/** Model parameters of every component (integer µs, absolute rates). */
export function toUsEast1Params(c: UsEast1Config) {
  const us = secondsToUs;
  const endUs = us(c.duration);
  const sampleIntervalUs = us(c.sampleInterval);
  const op = c.operator;
  const scale = c.fleet.droplets / US_EAST_1_RATE_UNIT_DROPLETS;
  const azs = c.fleet.azs;
  // the policy throttle (a fix) runs from t = 0 and replaces the operator's DWFM throttle
  const policyThrottle = c.policy.throttle.rate > 0 || c.policy.throttle.queueCap > 0;
  const hostsPerAz = c.fleet.dwfmHostsPerAz === 'auto' ? Math.max(1, Math.round(c.fleet.droplets / azs / US_EAST_1_DROPLETS_PER_HOST)) : c.fleet.dwfmHostsPerAz;
  const fleet: AzFleetParams = {
    droplets: c.fleet.droplets,
    azs,
    dwfmHostsPerAz: hostsPerAz,
    renewIntervalUs: us(c.lease.renewInterval),
    leaseDurationUs: us(c.lease.duration),
    renewCostUs: us(c.lease.renewCost),
    establishCostUs: us(c.lease.establishCost),
    attemptTimeoutUs: us(c.lease.attemptTimeout),
    rpcLatencyUs: us(c.dwfm.rpcLatency),
    backoff: { kind: c.policy.backoff.kind, baseUs: us(c.policy.backoff.base), capUs: us(c.policy.backoff.cap) },
    queue: c.policy.queue,
    staggerWindowUs: us(c.policy.stagger.window),
    throttleRatePerS: policyThrottle ? c.policy.throttle.rate : 0,
    throttleQueueCap: policyThrottle ? c.policy.throttle.queueCap : 0,
    throttleFromUs: 0,
    throttleUntilUs: Infinity,
    minThrottledRetryUs: us(c.dwfm.throttledRetry),
    // restarts come from the operator, as messages
    restartAtUs: [],
    launchProbes: c.launches.probes,
    endUs,
    sampleIntervalUs,
  };
  const launches: LaunchParams = {
    ec2RatePerS: (c.launches.ec2Rate * scale) / azs,
    serviceRatePerS: (c.launches.serviceRate * scale) / azs,
    terminationRatePerS: (c.launches.terminationRate * scale) / azs,
    retryProbability: c.launches.retryProbability,
    tickUs: us(c.launches.tick),
    apiLatencyUs: us(c.launches.apiLatency),
    throttleRatePerS: 0,
    sampleIntervalUs,
    endUs,
  };
  const network: NetworkParams = {
    changeCostUs: Math.max(1, Math.round(1e6 / ((c.network.rate * scale) / azs))),
    nlbTargetFraction: c.nlb.targetFraction,
    nlbLatencyUs: us(c.network.latency),
    impairedDelayUs: us(c.network.impairedDelay),
    normalDelayUs: us(c.network.normalDelay),
    monitorIntervalUs: us(c.network.monitorInterval),
    reconcile: { ratePerS: (c.network.reconcileRate * scale) / azs, validFraction: c.network.reconcileWhenValid },
    endUs,
    sampleIntervalUs,
  };
  const nlb: NlbParams = {
    azs,
    baseTargetsPerAz: (c.nlb.baseTargets * scale) / azs,
    checkIntervalUs: us(c.nlb.checkInterval),
    initialGraceUs: us(c.nlb.initialGrace),
    unreadyPassProbability: c.nlb.unreadyPassProbability,
    flapCostChecks: c.nlb.flapCost,
    checkerCapacityPerS: (c.nlb.checkerCapacity * scale) / azs,
    failoverThreshold: c.nlb.failoverThreshold,
    velocityControlPerMin: c.nlb.velocityControl,
    stableRounds: c.nlb.stableRounds,
    sampleIntervalUs,
    endUs,
  };
  // the operator repairs DNS itself (the DNS component's timetable operator stays idle)
  const dns = toDnsParams(c.dns, c.faults, { dnsRepairAt: null });
  const operator = {
    mode: op.mode,
    latencyUs: us(op.latency),
    steps: playbook(op),
    timetable: timetable(op),
    dwfmThrottleRatePerS: policyThrottle ? 0 : op.dwfmThrottleRate,
    launchThrottleRatePerS: (op.launchThrottleRate * scale) / azs,
  };
  return { endUs, sampleIntervalUs, fleet, launches, network, nlb, dns, operator };
}

export interface Phase {
  readonly name: string;
  readonly start: number;
  readonly end: number | null;
}

export function buildUsEast1(config: UsEast1Config): Model {
  const p = toUsEast1Params(config);
  const assembly = new ModelAssembly({ scenario: US_EAST_1, seed: config.seed, endUs: p.endUs, sampleIntervalUs: p.sampleIntervalUs });
  const azs = p.fleet.azs;
  const resolvers = p.dns.resolvers.count;
  // The operator is added last, so its id is known only then: monitors resolve it at build time.
  let operatorId = -1;
  const toOperator = (): Observer[] => [{ id: operatorId, delayUs: p.operator.latencyUs }];
  assembly.link(p.operator.latencyUs);
  // DNS first: its actor ids, hence its random streams, do not depend on the fleet's size.
  // AZ a's DWFM hosts learn about DynamoDB from resolver a mod resolvers (resolved at build time).
  let hostsOfAz: (az: number) => number[] = () => [];
  const dns = addDns(assembly, {
    params: p.dns,
    sampleIntervalUs: p.sampleIntervalUs,
    subscribers: (i) => Array.from({ length: azs }, (_, a) => a).filter((a) => a % resolvers === i).flatMap((a) => hostsOfAz(a)),
    observers: toOperator,
  });
  let firstManager = -1;
  const fleet = addAzFleet(assembly, p.fleet, {
    networkManager: (a) => firstManager + a,
    networkLatencyUs: p.launches.apiLatencyUs,
    observers: (a) => [...toOperator(), { id: firstManager + a, delayUs: p.launches.apiLatencyUs }],
  });
  hostsOfAz = (a) => fleet.hostsOfAz(a);
  const nlb = addNlb(assembly, p.nlb, toOperator);
  const managers = addNetworkManagers(assembly, azs, p.network, () => nlb.first, toOperator);
  firstManager = managers.first;
  const launches = addLaunchWorkloads(assembly, p.launches, {
    azs,
    shardsOfAz: (a) => fleet.shardsOfAz(a),
    networkManager: (a) => managers.first + a,
    observers: toOperator,
  });
  const operatorGroup = assembly.newGroups(1);
  const operator = assembly.addActors(1, {
    name: () => 'operator',
    group: () => operatorGroup,
    create: () =>
      new Operator({
        mode: p.operator.mode,
        signals: OPERATOR_SIGNALS,
        steps: p.operator.steps,
        timetable: p.operator.timetable,
        deliveries: deliveries(p, { route53: dns.route53, hosts: fleet.hosts, launches, nlb: nlb.first }),
        latencyUs: p.operator.latencyUs,
        evaluateIntervalUs: p.sampleIntervalUs,
        evaluateOffsetUs: p.operator.latencyUs,
        endUs: p.endUs,
      }),
  });
  operatorId = operator.first;
  assembly.summarize((input) => summarize(input, { fleet, dns, nlb, managers, launches, operator: operator.first }, p));
  return assembly.build();
}

/** What each operator action sends, and to whom. */
function deliveries(
  p: ReturnType<typeof toUsEast1Params>,
  to: { route53: ActorId; hosts: { first: ActorId; count: number }; launches: { first: ActorId; count: number }; nlb: ActorId },
): Record<string, Delivery[]> {
  const each = (block: { first: ActorId; count: number }, msg: Message, announce = false): Delivery[] =>
    Array.from({ length: block.count }, (_, i) => ({ to: block.first + i, msg, announce }));
  const dwfmRate = p.operator.dwfmThrottleRatePerS;
  const launchRate = p.operator.launchThrottleRatePerS;
  return {
    'repair-dns': [{ to: to.route53, msg: { kind: 'repair' }, announce: false }],
    throttle: [
      ...(dwfmRate > 0 ? each(to.hosts, { kind: 'throttle', ratePerS: dwfmRate } as Message) : []),
      ...(launchRate > 0 ? each(to.launches, { kind: 'launch-throttle', ratePerS: launchRate } as Message) : []),
    ],
    // announced ahead: a FIFO host fixes each item's fate when it is enqueued
    'restart-dwfm': each(to.hosts, { kind: 'restart-at', atUs: 0 } as Message, true),
    'relax-throttles': [...each(to.hosts, { kind: 'throttle', ratePerS: 0 } as Message), ...each(to.launches, { kind: 'launch-throttle', ratePerS: 0 } as Message)],
    'failover-off': [{ to: to.nlb, msg: { kind: 'failover', enabled: false } as Message, announce: false }],
    'failover-on': [{ to: to.nlb, msg: { kind: 'failover', enabled: true } as Message, announce: false }],
  };
}

type Parts = {
  fleet: ReturnType<typeof addAzFleet>;
  dns: ReturnType<typeof addDns>;
  nlb: ReturnType<typeof addNlb>;
  managers: ReturnType<typeof addNetworkManagers>;
  launches: ReturnType<typeof addLaunchWorkloads>;
  operator: ActorId;
};

function summarize(input: SummaryInput, parts: Parts, p: ReturnType<typeof toUsEast1Params>): Record<string, unknown> {
  const s = usToSeconds;
  const dnsPart = summarizeDns(input, parts.dns, p.dns) as { dns: { emptyRecordAt: number | null; restoredAt: number | null } };
  const fleet = summarizeAzFleet(input, parts.fleet, p.fleet);
  const network = summarizeNetwork(input, parts.managers);
  const nlb = summarizeNlb(input, parts.nlb, p.nlb);
  const leases = fleet.sections['leases'] as { validFractionMin: number };
  const phases: Phase[] = [];
  const { emptyRecordAt, restoredAt } = dnsPart.dns;
  if (emptyRecordAt !== null) phases.push({ name: 'dns', start: emptyRecordAt, end: restoredAt });
  if (leases.validFractionMin < 0.99) {
    const dwfm = fleet.sections['dwfm'] as { dynamodbLostAt: number | null };
    const start = fleet.availableUs !== null && fleet.availableUs > 0 ? s(fleet.availableUs) : (dwfm.dynamodbLostAt ?? 0);
    phases.push({ name: 'dwfm', start, end: fleet.recoveredUs === null ? null : s(fleet.recoveredUs) });
  }
  if (network.impairedFromUs !== null) phases.push({ name: 'network', start: s(network.impairedFromUs), end: network.clearedUs === null ? null : s(network.clearedUs) });
  if (nlb.firstUnstableUs !== null) phases.push({ name: 'nlb', start: s(nlb.firstUnstableUs), end: nlb.stableUs === null ? null : s(nlb.stableUs) });
  phases.sort((a, b) => a.start - b.start);
  const readyLatency = latencySummary(Float64Array.from(network.readyLatencyUs));
  const op = input.reports[parts.operator] as OperatorReport;
  return {
    ...fleet.sections,
    network: network.network,
    nlb: nlb.nlb,
    ...summarizeLaunches(input, parts.launches, { ...readyLatency }),
    phases,
    timeToRecovery: timeToRecovery(phases),
    operator: { mode: op.mode, actions: op.actions, steps: op.steps },
    clock: { start: DNS_RACE_CLOCK_START },
  };
}

/** Seconds from the first phase's start to the last phase's end; null while one is open; 0 without phases. */
export function timeToRecovery(phases: readonly Phase[]): number | null {
  if (phases.length === 0) return 0;
  if (phases.some((ph) => ph.end === null)) return null;
  const start = Math.min(...phases.map((ph) => ph.start));
  const end = Math.max(...phases.map((ph) => ph.end as number));
  return Math.round((end - start) * 1e6) / 1e6;
}

export const usEast1Scenario: ScenarioDef<UsEast1Config> = {
  name: US_EAST_1,
  description: 'the whole us-east-1 cascade of 19–20 October 2025 (DNS race -> DWFM collapse -> Network Manager backlog -> NLB flapping); switches and policies make it a what-if',
  schema: usEast1Schema as unknown as z.ZodType<UsEast1Config>,
  fleetKey: 'fleet.droplets',
  keyRequires: Object.fromEntries(TIMETABLE_KEYS.map((k) => [`operator.${k}`, ['operator.mode=timetable']])),
  official: US_EAST_1_OFFICIAL_PHASES,
  build: buildUsEast1,
  // Its links have 1 s latencies, so 16 h is 57,600 windows: at the default 50,000 droplets one
  // thread (13.2 s) beats two (16.6 s). Larger fleets can ask for --threads 2.
  defaultThreads: 1,
  // Measured on one thread: 162 MB peak at 1e4 droplets, 263 MB at 1e5 (about 1.1 KB per droplet).
  estimateMemoryBytes: (c) => 150e6 + c.fleet.droplets * 1500,
};
