// Many independent runs on the pool, one run per task (sweeps, seed exploration, tuning).
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

export async function runMany(specs: readonly ModelRef[], options: RunManyOptions): Promise<RunManyResult> {
  const pool: Piscina = createPool(options.threads);
  const results = new Array<RunTaskResult | undefined>(specs.length);
  let stoppedAt: number | undefined;
  const controllers: AbortController[] = [];
  // Feed the pool a bounded number of tasks at a time so a stop cancels cheaply.
  const window = options.threads * 2;
  let next = 0;
  const launch = async (): Promise<void> => {
    while (next < specs.length && (stoppedAt === undefined || next < stoppedAt)) {
      if (options.signal?.aborted) throw new Error('interrupted');
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
    await pool.destroy();
  }
  if (stoppedAt !== undefined) results.fill(undefined, stoppedAt + 1);
  return { results, stoppedAt };
}
