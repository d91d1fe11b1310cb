// The lease-storm part of summary.json, computed exactly from every shard's and host's report:
// the fleet's valid-lease count is the sum of the shards' step functions, merged here.
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

export function summarizeLeases(input: SummaryInput, blocks: LeaseFleetBlocks, p: LeaseStormParams): Record<string, unknown> {
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
): { leases: Record<string, unknown>; dwfm: Record<string, unknown>; recoveredUs: number | null } {
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
      attempts: sum(shards, (s) => s.attempts),
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
    },
  };
}
