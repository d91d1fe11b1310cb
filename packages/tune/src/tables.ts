// Which metrics a sweep summarises, and the CSV files of runs and points.
import { ConfigError } from '@cascade/scenarios';
import type { KeyValue } from './base.js';
import { closest } from './keys.js';
import type { RunRecord } from './runlog.js';
import type { SampleStats } from './stats.js';

/** The metrics a sweep summarises and plots by default, in this order, when some run has a value. */
export const KEY_METRICS: readonly string[] = [
  'leases.recoveredAt',
  'leases.wastedWorkFraction',
  'leases.validFractionMin',
  'leases.establishLatency.p99',
  'dwfm.queuePeak',
  'dns.restoredAt',
  'network.clearedAt',
  'nlb.stableAt',
  'timeToRecovery',
];

/** Metric names in order of first appearance over the runs. */
export function metricNames(records: readonly RunRecord[]): string[] {
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.metrics)) names.add(k);
  return [...names];
}

/** The requested metrics (each must exist), or the key metrics of sections with values, or engine.events. */
export function chooseMetrics(records: readonly RunRecord[], requested: readonly string[] | undefined): string[] {
  const names = metricNames(records);
  if (requested !== undefined && requested.length > 0) {
    for (const m of requested) {
      if (!names.includes(m)) throw new ConfigError(`--metric ${m}: not a numeric field of this scenario's summary.json; ${hint(m, names)}`);
    }
    return [...requested];
  }
  // A key metric counts when its section has numbers: all-null recoveredAt in a lease model says
  // "never recovered", while a model without leases has no numbers under leases.* at all.
  const section = (m: string) => m.slice(0, m.indexOf('.') + 1);
  const live = new Set(names.filter((n) => records.some((r) => typeof r.metrics[n] === 'number')).map(section));
  const present = KEY_METRICS.filter((m) => names.includes(m) && live.has(section(m)));
  return present.length > 0 ? present : ['engine.events'];
}

/** One row per run: the varied keys, seed, digest, then every metric (empty cell for null). */
export function runsCsv(records: readonly RunRecord[], keys: readonly string[]): string {
  // The summary's own `seed` is the run's seed column.
  const metrics = metricNames(records).filter((m) => m !== 'seed' && !keys.includes(m));
  const lines = [[...keys, 'seed', 'digest', ...metrics].map(csvCell).join(',')];
  for (const r of records) {
    lines.push([...keys.map((k) => r.vary[k] ?? null), r.seed, r.digest, ...metrics.map((m) => r.metrics[m] ?? null)].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export interface PointRow {
  readonly vary: Record<string, KeyValue>;
  readonly metric: string;
  readonly stats: SampleStats;
}

/** One row per (point, metric): n, nulls, mean and the 95% CI bounds. */
export function pointsCsv(rows: readonly PointRow[], keys: readonly string[]): string {
  const lines = [[...keys, 'metric', 'n', 'nulls', 'mean', 'ci95Lo', 'ci95Hi'].map(csvCell).join(',')];
  for (const r of rows) {
    const s = r.stats;
    lines.push([...keys.map((k) => r.vary[k] ?? null), r.metric, s.n, s.nulls, s.mean, s.ci95?.[0] ?? null, s.ci95?.[1] ?? null].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function hint(metric: string, names: readonly string[]): string {
  const near = closest(metric, names);
  return near === undefined ? `known: ${names.join(', ')}` : `did you mean ${near}?`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
