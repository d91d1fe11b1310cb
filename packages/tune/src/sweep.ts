// `cascade sweep`: a grid of configurations × seeds, one run per pool task, resumable; per-point
// means with 95% confidence intervals, sweep.csv / sweep.json / points.csv and plots.
import type { ChartSpec } from '@cascade/metrics';
import { ConfigError } from '@cascade/scenarios';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeStaged } from './atomic-write.js';
import { blame, describeBase, resolvePoint, type KeyValue, type ScenarioBase } from './base.js';
import { describePoint, expandGrid, parseAxes, type Axis } from './grid.js';
import { heatmapSpec, metricVsKeySpec, slug, writeCharts, type HeatCell, type LinePoint } from './plots.js';
import { DEFAULT_MODEL_MODULE, runBatch, type BatchOptions, type Job, type RunContext } from './runner.js';
import { RUN_LOG_FILE, RunLog, type RunRecord } from './runlog.js';
import { sampleStats, type SampleStats } from './stats.js';
import { chooseMetrics, pointsCsv, runsCsv, type PointRow } from './tables.js';

export const SWEEP_SEEDS_DEFAULT = 3;
/** Metrics drawn (each against every key, and as a heat map): the first few summarised. */
export const SWEEP_PLOTTED_METRICS_MAX = 4;
/** Above this many lines in one chart, the other keys are pooled into one line. */
const SERIES_MAX = 8;

export interface SweepOptions extends BatchOptions {
  readonly base: ScenarioBase;
  /** `key=v1,v2,...` texts, one per varied key. */
  readonly vary: readonly string[];
  /** Seeds per grid point (default 3). */
  readonly seeds?: number;
  /** The first seed (default 1): the seeds are seed, seed+1, ..., seed+K-1. */
  readonly seed?: number;
  /** Metrics to summarise and plot (default: the key metrics the scenario reports). */
  readonly metrics?: readonly string[];
  /**
   * Called once every input is validated, before the results log is opened or any run starts,
   * with every run's config (a memory guard, the output folder's checks); throws to refuse.
   */
  readonly beforeRuns?: (configs: readonly Record<string, unknown>[], threads: number) => void;
}

export interface PointSummary {
  readonly vary: Record<string, KeyValue>;
  readonly runs: number;
  readonly metrics: Record<string, SampleStats>;
}

export interface SweepResult {
  /** False when the run limit stopped the sweep: nothing but the results log was written. */
  readonly complete: boolean;
  readonly keys: readonly string[];
  /** One per (grid point, seed), grid order then seed order (CONTRACT.md "sweep and tune output"). */
  readonly runs: readonly RunRecord[];
  readonly points: readonly PointSummary[];
  /** The metrics summarised in `points`. */
  readonly metrics: readonly string[];
  /** Runs executed by this call, and runs found in the results log. */
  readonly executed: number;
  readonly resumed: number;
  readonly total: number;
  readonly outDir: string;
  /** Files written, relative to outDir. */
  readonly files: readonly string[];
}

export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const seeds = options.seeds ?? SWEEP_SEEDS_DEFAULT;
  const firstSeed = options.seed ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new ConfigError(`--seeds ${seeds}: expected a whole number >= 1`);
  const seedList = Array.from({ length: seeds }, (_, i) => firstSeed + i);
  // Validate everything before running anything: the base, each value alone, then each combination.
  resolvePoint(options.base, [], firstSeed);
  const axes = parseAxes(options.base, options.vary, firstSeed);
  const grid = expandGrid(axes);
  const jobs: Job[] = [];
  for (const point of grid) {
    for (const seed of seedList) {
      const config = blame(`--vary ${describePoint(point.vary)} (seed ${seed})`, '', () => resolvePoint(options.base, point.assignments, seed));
      jobs.push({ vary: point.vary, seed, config });
    }
  }

  options.beforeRuns?.(jobs.map((j) => j.config), options.threads);

  const plan = { ...describeBase(options.base), vary: axes.map((a) => ({ key: a.key, values: a.texts })), seeds: seedList };
  const log = RunLog.open(join(options.outDir, RUN_LOG_FILE), 'sweep', plan);
  const ctx: RunContext = {
    scenario: options.base.def.name,
    modelModule: options.modelModule ?? DEFAULT_MODEL_MODULE,
    threads: options.threads,
    runner: options.runner,
    log,
    signal: options.signal,
    maxRuns: options.maxRuns,
    onProgress: options.onProgress,
    total: jobs.length,
    executed: 0,
  };
  options.onProgress?.({ done: Math.min(log.size, jobs.length), total: jobs.length, resumed: log.resumed });
  const batch = await runBatch(jobs, ctx);
  const keys = axes.map((a) => a.key);
  const base = { keys, executed: ctx.executed, resumed: log.resumed, total: jobs.length, outDir: options.outDir };
  if (!batch.complete) {
    return { ...base, complete: false, runs: batch.records.filter((r): r is RunRecord => r !== undefined), points: [], metrics: [], files: [RUN_LOG_FILE] };
  }
  const runs = batch.records as RunRecord[];
  const metrics = chooseMetrics(runs, options.metrics);
  const points = grid.map((point, p) => {
    const mine = runs.slice(p * seeds, (p + 1) * seeds);
    return { vary: point.vary, runs: mine.length, metrics: Object.fromEntries(metrics.map((m) => [m, sampleStats(mine.map((r) => r.metrics[m] ?? null))])) };
  });

  const files = [RUN_LOG_FILE, 'sweep.csv', 'sweep.json', 'points.csv'];
  const pointRows: PointRow[] = points.flatMap((pt) => metrics.map((m) => ({ vary: pt.vary, metric: m, stats: pt.metrics[m] as SampleStats })));
  await writeStaged(options.outDir, async (stage) => {
    writeFileSync(join(stage, 'sweep.csv'), runsCsv(runs, keys));
    writeFileSync(join(stage, 'sweep.json'), `${JSON.stringify({ runs, points, plan }, null, 2)}\n`);
    writeFileSync(join(stage, 'points.csv'), pointsCsv(pointRows, keys));
    if (options.plots ?? true) files.push(...(await writeCharts(stage, sweepCharts(axes, runs, metrics.slice(0, SWEEP_PLOTTED_METRICS_MAX)))));
  }, ['sweep.json']);
  return { ...base, complete: true, runs, points, metrics, files };
}

/** For each metric: one chart against each key, and a heat map over the first two keys. */
export function sweepCharts(axes: readonly Axis[], runs: readonly RunRecord[], metrics: readonly string[]): { name: string; spec: ChartSpec }[] {
  const charts: { name: string; spec: ChartSpec }[] = [];
  for (const metric of metrics) {
    for (const axis of axes) {
      const others = axes.filter((a) => a !== axis);
      const seriesCount = others.reduce((n, a) => n * a.values.length, 1);
      const seriesOf = (r: RunRecord) => (seriesCount > SERIES_MAX ? 'all' : describePoint(Object.fromEntries(others.map((a) => [a.key, r.vary[a.key] as KeyValue]))) || 'all');
      const groups = new Map<string, { x: KeyValue; series: string; values: (number | null)[] }>();
      for (const r of runs) {
        const series = seriesOf(r);
        const x = r.vary[axis.key] as KeyValue;
        const id = JSON.stringify([series, x]);
        const g = groups.get(id) ?? { x, series, values: [] };
        g.values.push(r.metrics[metric] ?? null);
        groups.set(id, g);
      }
      const rows: LinePoint[] = [];
      for (const g of groups.values()) {
        const s = sampleStats(g.values);
        if (s.mean === null) continue;
        rows.push({ x: g.x, series: g.series, mean: s.mean, lo: s.ci95?.[0] ?? s.mean, hi: s.ci95?.[1] ?? s.mean, n: s.n });
      }
      charts.push({ name: `${slug(metric)}-vs-${slug(axis.key)}`, spec: metricVsKeySpec(metric, axis.key, rows) });
    }
    if (axes.length >= 2) {
      const [ax, ay] = axes as [Axis, Axis];
      const cells: HeatCell[] = [];
      for (const y of ay.values) {
        for (const x of ax.values) {
          const values = runs.filter((r) => r.vary[ax.key] === x && r.vary[ay.key] === y).map((r) => r.metrics[metric] ?? null);
          cells.push({ x, y, mean: sampleStats(values).mean });
        }
      }
      const note = axes.length > 2 ? ` over all values of ${axes.slice(2).map((a) => a.key).join(', ')}` : '';
      charts.push({ name: `${slug(metric)}-heatmap`, spec: heatmapSpec(metric, ax.key, ay.key, cells, note) });
    }
  }
  return charts;
}

/** The table a human reads: one row per grid point, mean ± CI half-width of the first metrics. */
export function sweepTable(result: SweepResult, metricsShown = 3): { headers: string[]; rows: string[][] } {
  const shown = result.metrics.slice(0, metricsShown);
  const headers = [...result.keys, 'runs', ...shown];
  const rows = result.points.map((p) => [
    ...result.keys.map((k) => String(p.vary[k])),
    String(p.runs),
    ...shown.map((m) => formatStats(p.metrics[m] as SampleStats)),
  ]);
  return { headers, rows };
}

/** `mean ± half-width`, with the count of null values when there are some. */
export function formatStats(s: SampleStats): string {
  if (s.mean === null) return s.nulls > 0 ? `null (${s.nulls})` : '-';
  const half = s.ci95 === null ? '' : ` ± ${fmt((s.ci95[1] - s.ci95[0]) / 2)}`;
  return `${fmt(s.mean)}${half}${s.nulls > 0 ? ` (${s.nulls} null)` : ''}`;
}

function fmt(x: number): string {
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(6)));
}
