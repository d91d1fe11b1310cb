// Runs a whole model on one partition in the calling thread: the one-thread path, and what
// one-run-per-task pool jobs (sweeps, exploration) use.
import type { Model } from './model.js';
import { assembleOutcome, type RunOutcome } from './outcome.js';
import { Partition } from './partition.js';

export interface SingleRunOptions {
  /** Events per slice between progress calls. */
  readonly sliceEvents?: number;
  readonly onProgress?: (nowUs: number, events: number) => void;
}

export function runSingle(model: Model, options: SingleRunOptions = {}): RunOutcome & { windows: number } {
  const partition = new Partition(model, 0, new Int32Array(model.actorCount), 1);
  partition.init();
  const slice = options.sliceEvents ?? 1_000_000;
  while (partition.nextTimeUs() <= model.endUs) {
    partition.run(Infinity, model.endUs, slice);
    options.onProgress?.(partition.nowUs, partition.events);
  }
  return { ...assembleOutcome(model, [partition.result()]), windows: 1 };
}
