// The cells of a phase map: per (x, y), how many runs collapsed, the collapse probability with its
// Wilson 95% interval, and the recovery time (leases.recoveredAt - dynamodb.availableAt) of the rest.
import type { KeyValue } from './base.js';
import type { RunRecord } from './runlog.js';
import { sampleStats } from './stats.js';

const Z975 = 1.959963984540054;

/** Wilson score 95% interval of a proportion: `k` successes in `n` trials (n >= 1). */
export function wilson95(k: number, n: number): [number, number] {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(k) && k >= 0 && k <= n)) throw new RangeError(`wilson95: need whole 0 <= k <= n, n >= 1; got k=${k}, n=${n}`);
  const p = k / n;
  const z2 = Z975 * Z975;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (Z975 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** A run collapsed in the contract's sense: leases.recoveredAt is null at the end. */
export function runCollapsed(record: RunRecord): boolean {
  return record.metrics['leases.recoveredAt'] === null;
}

export interface MapCell {
  readonly x: number;
  /** The y value; null in a 1-D map. */
  readonly y: KeyValue | null;
  readonly runs: number;
  readonly collapsed: number;
  readonly collapseProbability: number;
  readonly ci95: [number, number];
  /** Seconds from dynamodb.availableAt to leases.recoveredAt over the runs that recovered. */
  readonly recovery: { readonly mean: number | null; readonly ci95: [number, number] | null; readonly n: number };
  /** Part of the coarse grid, or a bisection step. */
  readonly source: 'grid' | 'bisection';
}

export function summarizeCell(x: number, y: KeyValue | null, records: readonly RunRecord[], source: MapCell['source']): MapCell {
  const collapsed = records.filter(runCollapsed).length;
  const recoveries = records.filter((r) => !runCollapsed(r)).map((r) => {
    const at = r.metrics['leases.recoveredAt'];
    const from = r.metrics['dynamodb.availableAt'] ?? 0;
    return typeof at === 'number' ? at - from : null;
  });
  const stats = sampleStats(recoveries);
  return {
    x,
    y,
    runs: records.length,
    collapsed,
    collapseProbability: collapsed / records.length,
    ci95: wilson95(collapsed, records.length),
    recovery: { mean: stats.mean, ci95: stats.ci95, n: stats.n },
    source,
  };
}

/** The side of the boundary a cell is on: collapsed when at least half its runs collapsed. */
export function cellCollapsed(cell: MapCell): boolean {
  return cell.collapseProbability >= 0.5;
}
