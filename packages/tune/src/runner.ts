// Runs a batch of (point, seed) jobs on the piscina pool, one run per task, skipping those the
// results log already holds and appending each run to it as it finishes.
import { buildSummary, summaryMetrics } from '@cascade/metrics';
import { runMany, type RunManyFn, type RunTaskResult } from '@cascade/runtime';
import type { KeyValue } from './base.js';
import { runKey, type RunLog, type RunRecord } from './runlog.js';

/** The module the workers build models from. */
export const DEFAULT_MODEL_MODULE = import.meta.resolve('@cascade/scenarios/models');

export interface Job {
  readonly vary: Record<string, KeyValue>;
  readonly seed: number;
  /** The fully resolved, validated config of this run. */
  readonly config: Record<string, unknown>;
}

export interface RunProgress {
  /** runs finished, those found in the results log included */
  readonly done: number;
  /** runs planned */
  readonly total: number;
  /** runs found in the results log when it was opened */
  readonly resumed: number;
}

/** What every batch of runs (a sweep, a search, a map) takes besides its own inputs. */
export interface BatchOptions {
  readonly threads: number;
  /** Runs batches elsewhere (e.g. over NATS); default: runMany on this machine's pool. */
  readonly runner?: RunManyFn;
  readonly outDir: string;
  /** Draw plots (default true). */
  readonly plots?: boolean;
  readonly modelModule?: string;
  /** Stop after this many new runs; the rest stays for a rerun (default: no limit). */
  readonly maxRuns?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
}

/** Shared state of one command's runs. */
export interface RunContext {
  readonly scenario: string;
  readonly modelModule: string;
  readonly threads: number;
  /** Runs the batch (default: runMany on this machine's pool). */
  readonly runner?: RunManyFn;
  readonly log: RunLog;
  readonly signal?: AbortSignal;
  /** Stop after this many new runs (the rest stays for a rerun). */
  readonly maxRuns?: number;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Runs planned in all, for the progress bar. */
  total: number;
  /** New runs executed so far. */
  executed: number;
}

/** The command was interrupted; finished runs are in the results log. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

export interface BatchResult {
  /** One record per job, in job order; undefined for jobs not run (run limit reached). */
  readonly records: (RunRecord | undefined)[];
  /** False when the run limit stopped the batch early. */
  readonly complete: boolean;
}

export async function runBatch(jobs: readonly Job[], ctx: RunContext): Promise<BatchResult> {
  const seen = new Set<string>();
  const todo: Job[] = [];
  for (const job of jobs) {
    const key = runKey(job.vary, job.seed);
    if (ctx.log.has(job.vary, job.seed) || seen.has(key)) continue;
    seen.add(key);
    todo.push(job);
  }
  const allowed = ctx.maxRuns === undefined ? todo.length : Math.max(0, Math.min(todo.length, ctx.maxRuns - ctx.executed));
  const batch = todo.slice(0, allowed);
  if (batch.length > 0) {
    try {
      await (ctx.runner ?? runMany)(
        batch.map((job) => ({ modelModule: ctx.modelModule, scenario: ctx.scenario, config: job.config })),
        {
          threads: Math.max(1, Math.min(ctx.threads, batch.length)),
          signal: ctx.signal,
          onResult: (index, result) => {
            const job = batch[index] as Job;
            ctx.log.append(toRecord(ctx.scenario, job, result));
            ctx.executed++;
            ctx.onProgress?.({ done: ctx.log.size, total: ctx.total, resumed: ctx.log.resumed });
          },
        },
      );
    } catch (error) {
      if (ctx.signal?.aborted) {
        throw new InterruptedError(`interrupted after ${ctx.log.size} of ${ctx.total} runs; they are kept in ${ctx.log.path}: rerun the same command to continue`);
      }
      throw error;
    }
  }
  return { records: jobs.map((job) => ctx.log.get(job.vary, job.seed)), complete: allowed === todo.length };
}

/** A run's record: its summary.json (as `cascade run` would write it) reduced to numbers. */
export function toRecord(scenario: string, job: Job, result: RunTaskResult): RunRecord {
  const { clock, ...model } = result.summary as { clock?: { start?: string | null } } & Record<string, unknown>;
  const summary = buildSummary({
    engine: {
      scenario,
      seed: job.seed,
      complete: true,
      clock: { start: clock?.start ?? null },
      engine: {
        threads: 1,
        partitions: 1,
        events: result.events,
        windows: 1,
        wallSeconds: Math.round(result.wallSeconds * 1000) / 1000,
        eventsPerSecond: result.wallSeconds > 0 ? Math.round(result.events / result.wallSeconds) : 0,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      },
      digest: result.digest,
    },
    model,
  });
  return { vary: job.vary, seed: job.seed, digest: result.digest, metrics: summaryMetrics(summary) };
}
