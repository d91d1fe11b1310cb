// The lease-storm part of summary.json, computed exactly from every shard's and host's report:
// the fleet's valid-lease count is the sum of the shards' step functions, merged here; and the
// DWFM verdict (recovered / recovering / metastable, docs/metastability.md) with its evidence.
import { usToSeconds, type SummaryInput } from '@cascade/kernel';
import type { HostReport } from './host-core.js';
import type { LeaseFleetBlocks, LeaseStormParams } from './lease-fleet.js';
import type { ShardReport } from './shard.js';

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
}

/** Nearest-rank percentiles (seconds) of exact µs values. */
export function latencySummary(valuesUs: Float64Array): LatencySummary {
  const sorted = valuesUs.slice().sort();
  const n = sorted.length;
  const at = (q: number): number | null => (n === 0 ? null : usToSeconds(sorted[Math.max(1, Math.ceil(q * n)) - 1] as number));
  return { count: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) };
}

export interface ValidScan {
  readonly minValid: number;
  /** First time >= fromUs with valid * 100 >= 99 * droplets, µs, or null. */
  readonly recoveredUs: number | null;
}

/** Walks the fleet's valid count (start value, then +1 at each up, -1 at each down; both sorted). */
export function scanValid(validAtStart: number, ups: Float64Array, downs: Float64Array, droplets: number, fromUs: number | null, endUs: number): ValidScan {
  let v = validAtStart;
  let minValid = v;
  let recoveredUs: number | null = null;
  let previous = 0;
  let i = 0;
  let j = 0;
  const meets = (count: number): boolean => count * 100 >= 99 * droplets;
  while (i < ups.length || j < downs.length) {
    const up = i < ups.length ? (ups[i] as number) : Infinity;
    const down = j < downs.length ? (downs[j] as number) : Infinity;
    const t = up < down ? up : down;
    if (recoveredUs === null && fromUs !== null && t > fromUs && meets(v)) recoveredUs = Math.max(previous, fromUs);
    while (i < ups.length && ups[i] === t) {
      v++;
      i++;
    }
    while (j < downs.length && downs[j] === t) {
      v--;
      j++;
    }
    if (v < minValid) minValid = v;
    previous = t;
  }
  if (recoveredUs === null && fromUs !== null && fromUs <= endUs && meets(v)) recoveredUs = Math.max(previous, fromUs);
  return { minValid, recoveredUs };
}

function concat(parts: readonly Float64Array[]): Float64Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function summarizeLeases(input: SummaryInput, blocks: LeaseFleetBlocks, p: LeaseStormParams) {
  const endUs = input.endUs;
  const availableUs = p.outageEndUs <= endUs ? p.outageEndUs : null;
  const { leases, dwfm } = leaseSections(input, blocks, p.droplets, availableUs);
  return {
    fleet: { droplets: p.droplets, dwfmHosts: p.dwfmHosts },
    dynamodb: {
      unavailableFrom: p.outageStartUs <= endUs ? usToSeconds(p.outageStartUs) : null,
      availableAt: availableUs === null ? null : usToSeconds(availableUs),
    },
    leases,
    dwfm,
  };
}

/**
 * The `leases` and `dwfm` sections from the reports of a fleet's shards and hosts; `availableUs` is
 * dynamodb.availableAt (null: DynamoDB never came back in the run).
 */
export function leaseSections(
  input: SummaryInput,
  blocks: LeaseFleetBlocks,
  droplets: number,
  availableUs: number | null,
) {
  const shards: ShardReport[] = [];
  for (let s = 0; s < blocks.shards.count; s++) shards.push(input.reports[blocks.shards.first + s] as ShardReport);
  const hosts: HostReport[] = [];
  for (let h = 0; h < blocks.hosts.count; h++) hosts.push(input.reports[blocks.hosts.first + h] as HostReport);
  const sum = <T>(rows: readonly T[], f: (row: T) => number): number => rows.reduce((a, row) => a + f(row), 0);

  const endUs = input.endUs;
  const ups = concat(shards.map((s) => s.validUpUs)).sort();
  const downs = concat(shards.map((s) => s.validDownUs)).sort();
  const scan = scanValid(sum(shards, (s) => s.validAtStart), ups, downs, droplets, availableUs, endUs);
  const busyUs = sum(hosts, (h) => h.busyUs);
  const wastedUs = sum(hosts, (h) => h.wastedUs);
  const attempts = sum(shards, (s) => s.attempts);
  const verdict = judge(hosts, { validAtStart: sum(shards, (s) => s.validAtStart), ups, downs, droplets }, availableUs, scan.recoveredUs, endUs);
  return {
    recoveredUs: scan.recoveredUs,
    leases: {
      validFractionMin: scan.minValid / droplets,
      recoveredAt: scan.recoveredUs === null ? null : usToSeconds(scan.recoveredUs),
      collapsed: scan.recoveredUs === null,
      wastedWorkFraction: availableUs === null ? null : busyUs > 0 ? wastedUs / busyUs : 0,
      establishedTotal: ups.length,
      establishLatency: latencySummary(concat(shards.map((s) => s.establishLatencyUs))),
      renewalsSent: sum(shards, (s) => s.renewalsSent),
      renewalsOk: sum(shards, (s) => s.renewalsOk),
      attempts,
      verdict: verdict.verdict,
      verdictEvidence: verdict.evidence,
      attemptsPerEstablished: ups.length > 0 ? attempts / ups.length : null,
      retriesPerDroplet: droplets > 0 ? sum(shards, (s) => s.timeouts + s.throttled + s.restartDrops) / droplets : null,
    },
    dwfm: {
      timeouts: sum(shards, (s) => s.timeouts),
      throttled: sum(hosts, (h) => h.throttled),
      restartsDropped: sum(hosts, (h) => h.restartsDropped),
      queuePeak: hosts.reduce((m, h) => Math.max(m, h.queuePeak), 0),
      enqueued: sum(hosts, (h) => h.enqueued),
      served: sum(hosts, (h) => h.served),
      discarded: sum(hosts, (h) => h.discarded),
      busySeconds: usToSeconds(busyUs),
      wastedSeconds: usToSeconds(wastedUs),
      // busy seconds per useful second since dynamodb.availableAt; null when nothing useful was done
      workAmplification: busyUs > wastedUs ? busyUs / (busyUs - wastedUs) : null,
    },
  };
}

/** The evidence window is the last max(VERDICT_WINDOW_TIMEOUTS attempt timeouts, VERDICT_WINDOW_MIN_US), in whole sample intervals. */
export const VERDICT_WINDOW_TIMEOUTS = 10;
export const VERDICT_WINDOW_MIN_US = 300_000_000;
/** "Busy": the hosts' servers were busy at least this share of every interval of the window. */
export const VERDICT_BUSY_MIN = 0.9;
/** "Goodput near zero": at most this share of the items completed in each interval were on time. */
export const VERDICT_GOODPUT_SHARE_MAX = 0.05;

export type Verdict = 'recovered' | 'recovering' | 'metastable';

export interface VerdictEvidence {
  /** The window [windowStart, windowStart + windowSeconds), seconds. */
  readonly windowStart: number | null;
  readonly windowSeconds: number;
  /** DWFM items completed per second, and those completed on time, over the window. */
  readonly throughput: number | null;
  readonly goodput: number | null;
  /** Share of the hosts' time their servers were busy over the window. */
  readonly utilization: number | null;
  /** Items waiting at all hosts at the window's start and end, and the change per second. */
  readonly backlogStart: number | null;
  readonly backlogEnd: number | null;
  readonly backlogTrend: number | null;
  /** Valid leases at the window's start and end. */
  readonly validStart: number | null;
  readonly validEnd: number | null;
  /** When 99% of leases would be valid at the window's rate of gain; null unless recovering with a gain. */
  readonly projectedRecoveryAt: number | null;
  readonly reason: string;
}

interface ValidSteps {
  readonly validAtStart: number;
  readonly ups: Float64Array;
  readonly downs: Float64Array;
  readonly droplets: number;
}

/**
 * The verdict of docs/metastability.md: `recovered` iff leases.recoveredAt is set; `metastable` iff
 * DynamoDB was back before the window and in every sample interval of it the servers were busy
 * >= 90% of the time with <= 5% of completed items on time; `recovering` otherwise. null (no
 * verdict) when the trigger was still there at the window's start or the run is shorter than it.
 */
export function judge(hosts: readonly HostReport[], valid: ValidSteps, availableUs: number | null, recoveredUs: number | null, endUs: number): { verdict: Verdict | null; evidence: VerdictEvidence } {
  const first = hosts[0];
  const dtUs = first?.sampleIntervalUs ?? 1;
  const timeoutUs = first?.attemptTimeoutUs ?? 0;
  const wantUs = Math.max(VERDICT_WINDOW_TIMEOUTS * timeoutUs, VERDICT_WINDOW_MIN_US);
  const k = Math.ceil(wantUs / dtUs);
  const bEnd = Math.floor(endUs / dtUs);
  const bStart = bEnd - k;
  const windowSeconds = usToSeconds(k * dtUs);
  if (first === undefined || bStart < 0) {
    return { verdict: recoveredUs === null ? null : 'recovered', evidence: noEvidence(windowSeconds, 'the run is shorter than the evidence window') };
  }
  const capacityUs = hosts.length * dtUs;
  let served = 0;
  let useful = 0;
  let busyUs = 0;
  let stuck = true;
  for (let b = bStart; b < bEnd; b++) {
    let servedB = 0;
    let usefulB = 0;
    let busyB = 0;
    for (const h of hosts) {
      servedB += h.servedByBucket[b] as number;
      usefulB += h.usefulByBucket[b] as number;
      busyB += h.busyByBucket[b] as number;
    }
    if (busyB < VERDICT_BUSY_MIN * capacityUs || usefulB > VERDICT_GOODPUT_SHARE_MAX * servedB) stuck = false;
    served += servedB;
    useful += usefulB;
    busyUs += busyB;
  }
  const startUs = bStart * dtUs;
  const stopUs = bEnd * dtUs;
  const backlogAt = (b: number) => hosts.reduce((n, h) => n + (h.waitingByBucket[b] ?? 0), 0);
  const backlogStart = backlogAt(bStart);
  const backlogEnd = backlogAt(bEnd);
  const validStart = validAt(valid, startUs);
  const validEnd = validAt(valid, stopUs);
  const gainPerS = (validEnd - validStart) / windowSeconds;
  const triggerGone = availableUs !== null && availableUs <= startUs;
  const verdict: Verdict | null = recoveredUs !== null ? 'recovered' : !triggerGone ? null : stuck ? 'metastable' : 'recovering';
  const needed = Math.ceil((99 * valid.droplets) / 100);
  const reason =
    verdict === 'recovered' ? '99% of leases valid again after DynamoDB came back'
      : verdict === null ? 'DynamoDB was not back before the evidence window: the trigger is still there'
        : verdict === 'metastable' ? `DynamoDB back, servers >= ${VERDICT_BUSY_MIN * 100}% busy and <= ${VERDICT_GOODPUT_SHARE_MAX * 100}% of completed items on time in every interval of the last ${windowSeconds} s`
          : 'not recovered, but not stuck: useful work or idle servers in the evidence window';
  return {
    verdict,
    evidence: {
      windowStart: usToSeconds(startUs),
      windowSeconds,
      throughput: served / windowSeconds,
      goodput: useful / windowSeconds,
      // busy seconds are float sums of µs spans: a fully busy window may come out a hair above 1
      utilization: Math.min(1, busyUs / (capacityUs * k)),
      backlogStart,
      backlogEnd,
      backlogTrend: (backlogEnd - backlogStart) / windowSeconds,
      validStart,
      validEnd,
      projectedRecoveryAt: verdict === 'recovering' && gainPerS > 0 ? usToSeconds(stopUs) + Math.max(0, needed - validEnd) / gainPerS : null,
      reason,
    },
  };
}

function noEvidence(windowSeconds: number, reason: string): VerdictEvidence {
  return { windowStart: null, windowSeconds, throughput: null, goodput: null, utilization: null, backlogStart: null, backlogEnd: null, backlogTrend: null, validStart: null, validEnd: null, projectedRecoveryAt: null, reason };
}

/** Valid leases just after `tUs` (every step at or before it applied). */
function validAt(v: ValidSteps, tUs: number): number {
  return v.validAtStart + countAtOrBefore(v.ups, tUs) - countAtOrBefore(v.downs, tUs);
}

function countAtOrBefore(sorted: Float64Array, tUs: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= tUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
