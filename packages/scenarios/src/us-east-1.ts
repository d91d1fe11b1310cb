// `us-east-1-2025-10-20`: the whole cascade of 19–20 October 2025 (INCIDENT.md) — the DNS race
// empties DynamoDB's regional record, leases lapse, DWFM collapses when DynamoDB returns, the
// operator throttles and restarts DWFM, Network Manager's backlog delays connectivity, NLB health
// checks flap and AZ failover removes capacity until the operator turns it off. t = 0 is 11:00 PM
// PDT; defaults are calibrated in packages/scenarios/CALIBRATION.md. Switches and policies make it a what-if.
import type { Model, SummaryInput } from '@cascade/kernel';
import { ModelAssembly, secondsToUs, usToSeconds } from '@cascade/kernel';
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

export const US_EAST_1 = 'us-east-1-2025-10-20';

/** A link between placement groups: at least 1 µs. */
const linkLatency = () => duration().pipe(z.number().min(1e-6, { error: 'must be at least 1µs (it is a link between placement groups)' }));
/** A time of an operator action; `never` (or `null`) for none. */
const actionTime = () => z.preprocess((v) => (v === 'never' || v === 'null' ? null : v), duration().nullable());
const rate = () => z.number().min(0, { error: 'must be >= 0' });
const fraction = () => z.number().min(0).max(1);

/** Launch, network and NLB sizes are per 100,000 droplets, so the timeline keeps its shape at any fleet size. */
export const US_EAST_1_RATE_UNIT_DROPLETS = 100_000;

/** Official times (seconds after 11:00 PM PDT) the defaults are calibrated against. */
export const US_EAST_1_OFFICIAL = {
  dnsEmpty: 2880, //             11:48 PM
  dnsRestored: 12300, //          2:25 AM
  operatorDwfm: 18840, //         4:14 AM throttles and DWFM restarts
  leasesBack: 23280, //           5:28 AM
  nlbFailoverOff: 38160, //       9:36 AM
  networkNormal: 41760, //       10:36 AM
  throttlesRelaxed: 44580, //    11:23 AM
  nlbStable: 54540, //            2:09 PM
} as const;

/** With `fleet.dwfmHostsPerAz=auto`, each DWFM host manages about this many droplets (the calibrated load). */
export const US_EAST_1_DROPLETS_PER_HOST = 3_333;

const fleetSchema = z
  .object({
    droplets: count().pipe(z.number().min(3, { error: 'must be at least 3 droplets (one per AZ)' }).max(2 ** 31 - 1)).default(50_000),
    azs: z.number().int().min(1).max(16).default(3),
    /** 'auto': droplets / azs / 3,333 rounded (at least 1), so any --fleet keeps the calibrated load per host. */
    dwfmHostsPerAz: z
      .union([z.literal('auto'), count().pipe(z.number().min(1, { error: "must be at least 1 DWFM host per AZ, or 'auto'" }).max(100_000))])
      .default('auto'),
  })
  .strict()
  .prefault({});

export const usEast1Schema = z.preprocess(
  withUsEast1Defaults,
  z
    .object({
      seed: z.number().int().nonnegative().default(1),
      duration: positiveDuration('the simulated time').default(16 * 3600),
      sampleInterval: positiveDuration('the time-series bucket').default(60),
      dns: dnsSchema,
      faults: dnsRaceSchema.shape.faults,
      fleet: fleetSchema,
      lease: leaseSchema({ establishCost: 0.4, attemptTimeout: 60 }),
      dwfm: z
        .object({
          /** One-way latency of the droplet-side shard <-> DWFM host RPC. */
          rpcLatency: linkLatency().default(1),
          /** A droplet whose establish attempt was throttled retries after at least this. */
          throttledRetry: positiveDuration('the retry after a throttled attempt').default(60),
        })
        .strict()
        .prefault({}),
      policy: policySchema,
      operator: z
        .object({
          /** false: nobody acts (the DNS record is never repaired either). */
          enabled: z.boolean().default(true),
          dnsRepairAt: actionTime().default(US_EAST_1_OFFICIAL.dnsRestored),
          /** DWFM host restarts (4:14 AM). */
          restartAt: z.array(duration()).default([US_EAST_1_OFFICIAL.operatorDwfm]),
          /** Throttles of incoming work from `throttleAt` until `relaxAt` (4:14 AM – 11:23 AM). */
          throttleAt: actionTime().default(US_EAST_1_OFFICIAL.operatorDwfm),
          relaxAt: actionTime().default(US_EAST_1_OFFICIAL.throttlesRelaxed),
          /** DWFM establish attempts admitted per second per host while throttled; 0 = none. */
          dwfmThrottleRate: rate().max(TOKEN_RATE_MAX).default(0.82),
          /** Launches admitted per second (region, per 100k droplets) while throttled; 0 = none. */
          launchThrottleRate: rate().default(3),
          /** NLB automatic AZ failover switched off (9:36 AM) and on again (2:09 PM). */
          nlbFailoverOffAt: actionTime().default(US_EAST_1_OFFICIAL.nlbFailoverOff),
          nlbFailoverOnAt: actionTime().default(US_EAST_1_OFFICIAL.nlbStable),
        })
        .strict()
        .prefault({}),
      launches: z
        .object({
          /** Demand per second (region, per 100k droplets): EC2 RunInstances, Lambda/ECS/Fargate, terminations. */
          ec2Rate: rate().default(3),
          serviceRate: rate().default(1),
          terminationRate: rate().default(2),
          retryProbability: fraction().default(0.9),
          tick: positiveDuration('the workload tick').default(10),
          /** One-way EC2 API latency (workload <-> fleet, workload -> Network Manager). */
          apiLatency: linkLatency().default(1),
          /** Droplets a launch tries before it fails as insufficient capacity. */
          probes: z.number().int().min(1).max(100).default(3),
        })
        .strict()
        .prefault({}),
      network: z
        .object({
          /** Network changes propagated per second (region, per 100k droplets), split evenly over AZs. */
          rate: z.number().positive().default(9.2),
          /** Connectivity counts as impaired above this propagation delay, normal again at or below `normalDelay`. */
          impairedDelay: positiveDuration('the impaired threshold').default(600),
          normalDelay: duration().default(60),
          monitorInterval: positiveDuration('the monitor interval').default(10),
          /** Network Manager -> NLB latency. */
          latency: linkLatency().default(1),
        })
        .strict()
        .prefault({}),
      nlb: z
        .object({
          /** Established targets (region, per 100k droplets), and the fraction of launches that register as targets. */
          baseTargets: z.number().min(0).default(3000),
          targetFraction: fraction().default(0.5),
          checkInterval: positiveDuration('the health-check interval').default(10),
          /** A new target is first judged this long after registration. */
          initialGrace: duration().default(60),
          unreadyPassProbability: fraction().default(0.5),
          flapCost: z.number().min(0).default(3),
          /** Checks per second (region, per 100k droplets) the checkers handle before they time out. */
          checkerCapacity: z.number().positive().default(600),
          failoverThreshold: fraction().default(0.3),
          /** Most NLB capacity (fraction) failover may remove per minute; 0 = off (the 2025 behaviour). */
          velocityControl: fraction().default(0),
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
      c.operator.restartAt.forEach((t, i) => {
        if (t > c.duration) ctx.addIssue({ code: 'custom', path: ['operator', 'restartAt', i], message: `must be within [0, duration] = [0, ${c.duration}]s` });
      });
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
  const on = op.enabled;
  const at = (t: number | null): number | null => (on && t !== null ? us(t) : null);
  const scale = c.fleet.droplets / US_EAST_1_RATE_UNIT_DROPLETS;
  const azs = c.fleet.azs;
  const throttleFromUs = at(op.throttleAt);
  const relaxUs = at(op.relaxAt) ?? Infinity;
  const policyThrottle = c.policy.throttle.rate > 0 || c.policy.throttle.queueCap > 0;
  const operatorThrottle = !policyThrottle && throttleFromUs !== null && op.dwfmThrottleRate > 0;
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
    // the policy throttle (a fix) runs from t = 0; otherwise the operator's from 4:14 AM until relaxed
    throttleRatePerS: policyThrottle ? c.policy.throttle.rate : operatorThrottle ? op.dwfmThrottleRate : 0,
    throttleQueueCap: policyThrottle ? c.policy.throttle.queueCap : 0,
    throttleFromUs: policyThrottle ? 0 : (throttleFromUs ?? 0),
    throttleUntilUs: policyThrottle ? Infinity : relaxUs,
    minThrottledRetryUs: us(c.dwfm.throttledRetry),
    restartAtUs: on ? c.operator.restartAt.map(us) : [],
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
    throttleRatePerS: throttleFromUs === null ? 0 : (op.launchThrottleRate * scale) / azs,
    throttleFromUs: throttleFromUs ?? 0,
    throttleUntilUs: relaxUs,
    endUs,
  };
  const network: NetworkParams = {
    changeCostUs: Math.max(1, Math.round(1e6 / ((c.network.rate * scale) / azs))),
    nlbTargetFraction: c.nlb.targetFraction,
    nlbLatencyUs: us(c.network.latency),
    impairedDelayUs: us(c.network.impairedDelay),
    normalDelayUs: us(c.network.normalDelay),
    monitorIntervalUs: us(c.network.monitorInterval),
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
    failoverOffUs: at(op.nlbFailoverOffAt),
    failoverOnUs: at(op.nlbFailoverOnAt),
    endUs,
  };
  const dns = toDnsParams(c.dns, c.faults, { dnsRepairAt: on ? op.dnsRepairAt : null });
  return { endUs, sampleIntervalUs, fleet, launches, network, nlb, dns };
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
  // DNS first: its actor ids, hence its random streams, do not depend on the fleet's size.
  // AZ a's DWFM hosts learn about DynamoDB from resolver a mod resolvers (resolved at build time).
  let hostsOfAz: (az: number) => number[] = () => [];
  const dns = addDns(assembly, {
    params: p.dns,
    sampleIntervalUs: p.sampleIntervalUs,
    subscribers: (i) => Array.from({ length: azs }, (_, a) => a).filter((a) => a % resolvers === i).flatMap((a) => hostsOfAz(a)),
  });
  let firstManager = -1;
  const fleet = addAzFleet(assembly, p.fleet, { networkManager: (a) => firstManager + a, networkLatencyUs: p.launches.apiLatencyUs });
  hostsOfAz = (a) => fleet.hostsOfAz(a);
  const nlb = addNlb(assembly, p.nlb);
  const managers = addNetworkManagers(assembly, azs, p.network, () => nlb.first);
  firstManager = managers.first;
  const launches = addLaunchWorkloads(assembly, p.launches, {
    azs,
    shardsOfAz: (a) => fleet.shardsOfAz(a),
    networkManager: (a) => managers.first + a,
  });
  assembly.summarize((input) => summarize(input, { fleet, dns, nlb, managers, launches }, p));
  return assembly.build();
}

type Parts = {
  fleet: ReturnType<typeof addAzFleet>;
  dns: ReturnType<typeof addDns>;
  nlb: ReturnType<typeof addNlb>;
  managers: ReturnType<typeof addNetworkManagers>;
  launches: ReturnType<typeof addLaunchWorkloads>;
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
  const readyLatency = latencySummary(Float64Array.from(network.readyLatencyUs));
  return {
    ...fleet.sections,
    network: network.network,
    nlb: nlb.nlb,
    ...summarizeLaunches(input, parts.launches, { ...readyLatency }),
    phases,
    timeToRecovery: timeToRecovery(phases),
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
  build: buildUsEast1,
  // Its links have 1 s latencies, so 16 h is 57,600 windows: at the default 50,000 droplets one
  // thread (13.2 s) beats two (16.6 s). Larger fleets can ask for --threads 2.
  defaultThreads: 1,
  // Measured on one thread: 162 MB peak at 1e4 droplets, 263 MB at 1e5 (about 1.1 KB per droplet).
  estimateMemoryBytes: (c) => 150e6 + c.fleet.droplets * 1500,
};
