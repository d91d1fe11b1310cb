// `cascade tune`: a seeded search for the configuration that minimises an objective. Latin
// hypercube samples of the space, then successive halving over seeds: every sample runs on one
// seed, the best third go on to more seeds, and so on up to --seeds; the best of the last rung wins.
import type { ChartSpec } from '@cascade/metrics';
import { ConfigError } from '@cascade/scenarios';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeStaged } from './atomic-write.js';
import { blame, describeBase, resolvePoint, type KeyValue, type ScenarioBase } from './base.js';
import { describePoint } from './grid.js';
import { CONTRACT_METRICS, checkMetric, compareScores, parseConstraint, parseObjective, score, type Constraint, type Score } from './objective.js';
import { paretoFront, paretoSpec, writeCharts, type ParetoPoint } from './plots.js';
import { DEFAULT_MODEL_MODULE, runBatch, type BatchOptions, type Job, type RunContext } from './runner.js';
import { RUN_LOG_FILE, RunLog, type RunRecord } from './runlog.js';
import { latinHypercube, parseSpace, type Dimension } from './space.js';
import { runsCsv } from './tables.js';

export const TUNE_BUDGET_DEFAULT = 30;
export const TUNE_SEEDS_DEFAULT = 3;
/** Each rung keeps the best 1/ETA of its configurations and gives them up to ETA times the seeds. */
export const HALVING_ETA = 3;
const SAMPLES_MAX = 100_000;

export interface TuneOptions extends BatchOptions {
  readonly base: ScenarioBase;
  /** A numeric summary.json field (dotted) to minimise. */
  readonly objective: string;
  /** `METRIC<=X` / `METRIC>=X`, on the mean over seeds. */
  readonly constraints?: readonly string[];
  /** `key=lo..hi` or `key=a,b,c`. */
  readonly space: readonly string[];
  /** Runs in all (default 30). */
  readonly budget?: number;
  /** Seeds of the final rung: run seeds 1..K (default 3). */
  readonly seeds?: number;
  /** Seed of the sampler (default 1). */
  readonly seed?: number;
  /** The Pareto plot's second metric (default: the first constraint's, else wasted work, else the DWFM queue peak). */
  readonly pareto?: string;
  /**
   * Called once every input is validated, before the results log is opened or any run starts,
   * with every run's config (a memory guard, the output folder's checks); throws to refuse.
   */
  readonly beforeRuns?: (configs: readonly Record<string, unknown>[], threads: number) => void;
}

/** Rung r evaluates sizes[r] configurations on seeds 1..seeds[r]. */
export interface HalvingSchedule {
  readonly sizes: readonly number[];
  readonly seeds: readonly number[];
  /** Runs the schedule needs (each config's earlier seeds are reused). */
  readonly cost: number;
}

export interface TunedConfig {
  readonly config: Record<string, KeyValue>;
  readonly score: Score;
  /** Mean of the Pareto metric over the config's runs, null when some run had none. */
  readonly paretoValue: number | null;
  /** The last rung the config reached (0 = the first). */
  readonly rung: number;
}

export interface TuneBest {
  readonly config: Record<string, KeyValue>;
  readonly objective: number | null;
  readonly ci95: [number | null, number | null];
  readonly seeds: number;
  readonly feasible: boolean;
}

export interface TuneResult {
  /** False when the run limit stopped the search: nothing but the results log was written. */
  readonly complete: boolean;
  readonly best: TuneBest | null;
  /** Runs the search used (run now or found in the results log). */
  readonly runs: number;
  readonly executed: number;
  readonly resumed: number;
  readonly objective: string;
  readonly constraints: readonly Constraint[];
  readonly paretoMetric: string | null;
  readonly schedule: HalvingSchedule;
  readonly configs: readonly TunedConfig[];
  readonly records: readonly RunRecord[];
  readonly outDir: string;
  readonly files: readonly string[];
}

/** The largest first rung whose whole schedule fits in `budget` runs. */
export function halvingSchedule(budget: number, seedsMax: number): HalvingSchedule {
  if (!Number.isInteger(seedsMax) || seedsMax < 1) throw new ConfigError(`--seeds ${seedsMax}: expected a whole number >= 1`);
  if (!Number.isInteger(budget) || budget < 1) throw new ConfigError(`--budget ${budget}: expected a whole number >= 1`);
  const seeds = [1];
  while ((seeds[seeds.length - 1] as number) < seedsMax) seeds.push(Math.min(seedsMax, (seeds[seeds.length - 1] as number) * HALVING_ETA));
  const plan = (n0: number) => {
    const sizes = seeds.map((_, r) => Math.max(1, Math.floor(n0 / HALVING_ETA ** r)));
    const cost = sizes.reduce((sum, n, r) => sum + n * ((seeds[r] as number) - (r === 0 ? 0 : (seeds[r - 1] as number))), 0);
    return { sizes, seeds, cost };
  };
  if (plan(1).cost > budget) throw new ConfigError(`--budget ${budget}: too small for --seeds ${seedsMax}; it needs at least ${plan(1).cost} runs`);
  let n0 = 1;
  while (n0 < SAMPLES_MAX && plan(n0 + 1).cost <= budget) n0++;
  return plan(n0);
}

export async function runTune(options: TuneOptions): Promise<TuneResult> {
  const objective = parseObjective(options.objective);
  const constraints = (options.constraints ?? []).map(parseConstraint);
  resolvePoint(options.base, [], 1);
  const dims = parseSpace(options.base, options.space, 1);
  const schedule = halvingSchedule(options.budget ?? TUNE_BUDGET_DEFAULT, options.seeds ?? TUNE_SEEDS_DEFAULT);
  const seedsMax = schedule.seeds[schedule.seeds.length - 1] as number;
  const candidates = latinHypercube(dims, schedule.sizes[0] as number, options.seed ?? 1);
  // Every sample and seed resolved before running anything: a bad combination stops here.
  const configs = candidates.map((c) =>
    Array.from({ length: seedsMax }, (_, i) => blame(`--space sample ${describePoint(c.config)} (seed ${i + 1})`, '', () => resolvePoint(options.base, c.assignments, i + 1))),
  );
  options.beforeRuns?.(configs.flat(), options.threads);
  const job = (index: number, seed: number): Job => ({ vary: (candidates[index] as (typeof candidates)[number]).config, seed, config: (configs[index] as Record<string, unknown>[])[seed - 1] as Record<string, unknown> });

  // Runs are keyed by their whole config and seed, so any earlier search on the same base can lend
  // its runs: only the base has to match.
  const log = RunLog.open(join(options.outDir, RUN_LOG_FILE), 'tune', describeBase(options.base));
  const ctx: RunContext = {
    scenario: options.base.def.name,
    modelModule: options.modelModule ?? DEFAULT_MODEL_MODULE,
    threads: options.threads,
    runner: options.runner,
    log,
    signal: options.signal,
    maxRuns: options.maxRuns,
    onProgress: options.onProgress,
    total: schedule.cost,
    executed: 0,
  };
  const partial = (): TuneResult => ({
    complete: false, best: null, runs: 0, executed: ctx.executed, resumed: log.resumed, objective, constraints, paretoMetric: null,
    schedule, configs: [], records: [], outDir: options.outDir, files: [RUN_LOG_FILE],
  });

  // Metrics beyond the contract's are known only from a finished run: check them on the first.
  const named = [['--objective', objective], ...constraints.map((c) => ['--constraint', c.metric]), ...(options.pareto ? [['--pareto', options.pareto]] : [])] as [string, string][];
  if (named.some(([, m]) => !CONTRACT_METRICS.has(m))) {
    const first = await runBatch([job(0, 1)], ctx);
    const record = first.records[0];
    if (record === undefined) return partial();
    const known = new Set(Object.keys(record.metrics));
    for (const [flag, m] of named) checkMetric(flag, m, known);
  }

  let alive = candidates.map((_, i) => i);
  const rungOf = new Array<number>(candidates.length).fill(0);
  const recordsOf = (index: number, seeds: number): RunRecord[] =>
    Array.from({ length: seeds }, (_, s) => log.get(candidates[index]?.config ?? {}, s + 1)).filter((r): r is RunRecord => r !== undefined);
  for (let r = 0; r < schedule.seeds.length; r++) {
    const from = r === 0 ? 1 : (schedule.seeds[r - 1] as number) + 1;
    const to = schedule.seeds[r] as number;
    const jobs: Job[] = [];
    for (const i of alive) {
      rungOf[i] = r;
      for (let seed = from; seed <= to; seed++) jobs.push(job(i, seed));
    }
    const batch = await runBatch(jobs, ctx);
    if (!batch.complete) return partial();
    const secondary = options.pareto ?? defaultParetoMetric(objective, constraints, alive.flatMap((i) => recordsOf(i, to)));
    const scores = new Map(alive.map((i) => [i, score(recordsOf(i, to), objective, constraints, secondary)]));
    alive = [...alive].sort((a, b) => compareScores(scores.get(a) as Score, scores.get(b) as Score) || a - b);
    if (r + 1 < schedule.seeds.length) alive = alive.slice(0, schedule.sizes[r + 1]);
  }

  const recordsAt = candidates.map((_, i) => recordsOf(i, schedule.seeds[rungOf[i] as number] as number));
  const records = recordsAt.flat();
  const paretoMetric = options.pareto ?? defaultParetoMetric(objective, constraints, records);
  const withPareto: TunedConfig[] = candidates.map((c, i) => {
    const s = score(recordsAt[i] as RunRecord[], objective, constraints, paretoMetric);
    return { config: c.config, score: s, paretoValue: s.secondary, rung: rungOf[i] as number };
  });
  const winner = withPareto[alive[0] as number] as TunedConfig;
  const best: TuneBest = {
    config: winner.config,
    objective: winner.score.objective,
    ci95: winner.score.ci95 ?? [null, null],
    seeds: winner.score.seeds,
    feasible: winner.score.feasible,
  };

  const files = [RUN_LOG_FILE, 'tune.json', 'tune.csv'];
  const keys = dims.map((d) => d.key);
  const space = dims.map((d: Dimension) => ({ key: d.key, space: d.text }));
  await writeStaged(options.outDir, async (stage) => {
    writeFileSync(join(stage, 'tune.csv'), runsCsv(records, keys));
    writeFileSync(
      join(stage, 'tune.json'),
      `${JSON.stringify({ best, runs: records.length, objective, constraints: constraints.map((c) => c.text), pareto: paretoMetric, space, schedule, configs: withPareto }, null, 2)}\n`,
    );
    if ((options.plots ?? true) && paretoMetric !== null) {
      files.push(...(await writeCharts(stage, [{ name: 'pareto', spec: tuneParetoSpec(objective, paretoMetric, withPareto, alive[0] as number) }])));
    }
  }, ['tune.json']);
  return {
    complete: true, best, runs: records.length, executed: ctx.executed, resumed: log.resumed, objective, constraints, paretoMetric,
    schedule, configs: withPareto, records, outDir: options.outDir, files,
  };
}

/** The first of: the first constraint's metric, wasted work, the DWFM queue peak, events — that has values. */
export function defaultParetoMetric(objective: string, constraints: readonly Constraint[], records: readonly RunRecord[]): string | null {
  const candidates = [...constraints.map((c) => c.metric), 'leases.wastedWorkFraction', 'dwfm.queuePeak', 'engine.events'];
  return candidates.find((m) => m !== objective && records.some((r) => typeof r.metrics[m] === 'number')) ?? null;
}

export function tuneParetoSpec(objective: string, xMetric: string, configs: readonly TunedConfig[], bestIndex: number): ChartSpec {
  const drawn = configs.map((c, i) => ({ c, i })).filter(({ c }) => c.score.objective !== null && c.paretoValue !== null);
  const feasible = drawn.filter(({ c }) => c.score.feasible);
  const front = paretoFront(feasible.map(({ c }) => ({ x: c.paretoValue as number, y: c.score.objective as number })));
  const onFront = new Set([...front].map((k) => (feasible[k] as (typeof feasible)[number]).i));
  const points: ParetoPoint[] = drawn.map(({ c, i }) => ({
    x: c.paretoValue as number,
    y: c.score.objective as number,
    label: `${describePoint(c.config)} (${c.score.seeds} seeds)`,
    front: onFront.has(i),
    best: i === bestIndex,
    feasible: c.score.feasible,
  }));
  const hidden = configs.length - drawn.length;
  return paretoSpec(objective, xMetric, points, hidden > 0 ? `; ${hidden} with a null value not shown` : '');
}
