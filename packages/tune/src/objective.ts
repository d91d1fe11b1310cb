// What a search minimises (`--objective METRIC`), the constraints it must keep
// (`--constraint METRIC<=X` or `METRIC>=X`), and how configurations are ranked.
import { buildSummary, summaryMetrics } from '@cascade/metrics';
import { ConfigError } from '@cascade/scenarios';
import type { RunRecord } from './runlog.js';
import { closest } from './keys.js';
import { sampleStats } from './stats.js';

export interface Constraint {
  readonly metric: string;
  readonly op: '<=' | '>=';
  readonly bound: number;
  readonly text: string;
}

/** Numeric summary.json fields every scenario has (possibly null): checkable before any run. */
export const CONTRACT_METRICS: ReadonlySet<string> = new Set(
  Object.keys(
    summaryMetrics(
      buildSummary({
        engine: {
          scenario: '',
          seed: 0,
          complete: true,
          clock: { start: null },
          engine: { threads: 0, partitions: 0, events: 0, windows: 0, wallSeconds: 0, eventsPerSecond: 0, peakRssBytes: 0 },
          digest: '',
        },
        model: {},
      }),
    ),
  ),
);

export function parseObjective(text: string | undefined): string {
  const metric = (text ?? '').trim();
  if (metric === '') throw new ConfigError('--objective: give the summary.json metric to minimise, e.g. --objective leases.recoveredAt');
  if (!/^[A-Za-z0-9_.]+$/.test(metric)) throw new ConfigError(`--objective ${metric}: expected a dotted summary.json field such as leases.recoveredAt`);
  return metric;
}

export function parseConstraint(text: string): Constraint {
  const m = /^\s*([A-Za-z0-9_.]+)\s*(<=|>=)\s*(\S+)\s*$/.exec(text);
  if (m === null) throw new ConfigError(`--constraint ${text}: expected METRIC<=X or METRIC>=X, e.g. leases.wastedWorkFraction<=0.2`);
  const bound = Number(m[3]);
  if (!Number.isFinite(bound)) throw new ConfigError(`--constraint ${text}: bound '${m[3] as string}' is not a number`);
  return { metric: m[1] as string, op: m[2] as '<=' | '>=', bound, text: text.trim() };
}

/** Throws when a metric is neither a contract field nor in `known` (the metrics of a finished run). */
export function checkMetric(flag: string, metric: string, known: ReadonlySet<string> | undefined): void {
  if (CONTRACT_METRICS.has(metric) || known === undefined || known.has(metric)) return;
  const near = closest(metric, [...known]);
  const hint = near === undefined ? `known: ${[...known].join(', ')}` : `did you mean ${near}?`;
  throw new ConfigError(`${flag} ${metric}: not a numeric field of this scenario's summary.json; ${hint}`);
}

/** How one configuration fares over the seeds it has run. */
export interface Score {
  /** Mean objective; null when some run had no value (ranks worst: e.g. never recovered). */
  readonly objective: number | null;
  readonly ci95: [number, number] | null;
  readonly seeds: number;
  readonly feasible: boolean;
  /** Mean of the second (Pareto) metric, which breaks ties of the objective; null when unknown. */
  readonly secondary: number | null;
}

export function score(records: readonly RunRecord[], objective: string, constraints: readonly Constraint[], secondary: string | null): Score {
  const stats = sampleStats(records.map((r) => r.metrics[objective] ?? null));
  const feasible = constraints.every((c) => {
    const s = sampleStats(records.map((r) => r.metrics[c.metric] ?? null));
    if (s.mean === null || s.nulls > 0) return false;
    return c.op === '<=' ? s.mean <= c.bound : s.mean >= c.bound;
  });
  const second = secondary === null ? null : sampleStats(records.map((r) => r.metrics[secondary] ?? null));
  return {
    objective: stats.nulls > 0 ? null : stats.mean,
    ci95: stats.nulls > 0 ? null : stats.ci95,
    seeds: records.length,
    feasible,
    secondary: second === null || second.nulls > 0 ? null : second.mean,
  };
}

/** Sort order: feasible first, then lower objective, then lower second metric; null ranks last. */
export function compareScores(a: Score, b: Score): number {
  if (a.feasible !== b.feasible) return a.feasible ? -1 : 1;
  return compareNullable(a.objective, b.objective) || compareNullable(a.secondary, b.secondary);
}

function compareNullable(a: number | null, b: number | null): number {
  const x = a ?? Infinity;
  const y = b ?? Infinity;
  return x === y ? 0 : x < y ? -1 : 1;
}
