// Many independent runs on the pool, one run per task (sweeps, seed exploration, tuning).
// An abort reaches the runs in flight: their worker threads are stopped at once.
import type { Piscina } from 'piscina';
import { createPool } from './pool.js';
import type { ModelRef, RunTaskResult } from './tasks.js';

export interface RunManyOptions {
  readonly threads: number;
  /** Called as each run finishes (in completion order). */
  readonly onResult?: (index: number, result: RunTaskResult) => void;
  /**
   * Stops at the first run (in spec order) for which this is true: runs after it are cancelled,
   * runs before it still finish, so the answer does not depend on the thread count.
   */
  readonly stopWhen?: (result: RunTaskResult) => boolean;
  /**
   * Aborting cancels every run in flight or queued (their threads are terminated, not awaited);
   * runMany then rejects with an InterruptedError. Runs already reported through onResult stay.
   */
  readonly signal?: AbortSignal;
}

export interface RunManyResult {
  /** One entry per spec; undefined for runs cancelled after a stop. */
  readonly results: (RunTaskResult | undefined)[];
  /** Index of the first run that met stopWhen, or undefined. */
  readonly stoppedAt: number | undefined;
}

/** Anything that runs specs like runMany (locally, or over a cluster). */
export type RunManyFn = (specs: readonly ModelRef[], options: RunManyOptions) => Promise<RunManyResult>;

/** The runs were interrupted by the caller's signal. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

export async function runMany(specs: readonly ModelRef[], options: RunManyOptions): Promise<RunManyResult> {
  if (options.signal?.aborted) throw new InterruptedError('interrupted before any run started');
  const pool: Piscina = createPool(options.threads);
  const results = new Array<RunTaskResult | undefined>(specs.length);
  let stoppedAt: number | undefined;
  const controllers: AbortController[] = [];
  const interrupted = () => options.signal?.aborted === true;
  const abortAll = () => {
    for (const c of controllers) c?.abort();
  };
  options.signal?.addEventListener('abort', abortAll, { once: true });
  // Feed the pool a bounded number of tasks at a time so a stop cancels cheaply.
  const window = options.threads * 2;
  let next = 0;
  const launch = async (): Promise<void> => {
    while (!interrupted() && next < specs.length && (stoppedAt === undefined || next < stoppedAt)) {
      const index = next++;
      const controller = new AbortController();
      controllers[index] = controller;
      let result: RunTaskResult;
      try {
        result = (await pool.run({ type: 'run', ...(specs[index] as ModelRef) }, { signal: controller.signal })) as RunTaskResult;
      } catch (error) {
        if (controller.signal.aborted) continue;
        throw error;
      }
      results[index] = result;
      options.onResult?.(index, result);
      if (options.stopWhen?.(result) && (stoppedAt === undefined || index < stoppedAt)) {
        stoppedAt = index;
        for (let j = index + 1; j < controllers.length; j++) controllers[j]?.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(window, specs.length) }, launch));
  } finally {
    options.signal?.removeEventListener('abort', abortAll);
    // After an interrupt the aborted threads are being terminated: do not wait for them.
    if (interrupted()) void pool.destroy().catch(() => undefined);
    else await pool.destroy();
  }
  if (interrupted()) throw new InterruptedError(`interrupted after ${results.filter((r) => r !== undefined).length} of ${specs.length} runs`);
  if (stoppedAt !== undefined) results.fill(undefined, stoppedAt + 1);
  return { results, stoppedAt };
}
