// The memory guard of every command that starts runs: the scenario's estimate of a run's peak
// memory, times the runs held at once, must fit in a share of this machine's memory (else exit 2,
// unless --force). The estimates are calibrated against measured peaks (benchmarks/README.md).
import type { AnyScenarioDef } from '@cascade/scenarios';
import { totalmem } from 'node:os';
import { UsageError } from './errors.js';

/**
 * Each worker thread of a run on more than one costs about this much besides its model: its own
 * Node heap, with a young generation of up to 96 MB (@cascade/runtime's pool). A scenario's
 * estimate is of a run on one thread, whose one worker is in the measured peak. Measured:
 * us-east-1 at 5e4 on 2 threads peaks at 400-433 MB against 448 MB estimated.
 */
export const WORKER_BYTES = 100e6;
/** Runs may use at most this share of the machine's memory unless --force. */
export const MEMORY_SHARE = 0.8;

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function refuse(what: string, estimate: number): never {
  const limit = totalmem() * MEMORY_SHARE;
  throw new UsageError(
    `${what}: estimated peak memory ${gib(estimate)} exceeds the limit ${gib(limit)} (${MEMORY_SHARE * 100}% of this machine); use a smaller --fleet or fewer --threads, or --force`,
  );
}

/** One run on `threads` threads (its partitions on worker threads when more than one). */
export function checkRunMemory(def: AnyScenarioDef, config: Record<string, unknown>, threads: number): void {
  const model = def.estimateMemoryBytes?.(config);
  if (model === undefined) return;
  const estimate = model + (threads > 1 ? threads * WORKER_BYTES : 0);
  if (estimate > totalmem() * MEMORY_SHARE) refuse(def.name, estimate);
}

/** Runs on a pool of `threads` worker threads, one run per thread at a time (sweep, tune, explore). */
export function checkPoolMemory(def: AnyScenarioDef, configs: readonly Record<string, unknown>[], threads: number): void {
  if (def.estimateMemoryBytes === undefined || configs.length === 0) return;
  const concurrent = Math.min(threads, configs.length);
  // The largest runs may meet on the pool at once.
  const largest = configs.map((c) => def.estimateMemoryBytes?.(c) ?? 0).sort((a, b) => b - a).slice(0, concurrent);
  const estimate = largest.reduce((a, b) => a + b, 0) + concurrent * WORKER_BYTES;
  if (estimate > totalmem() * MEMORY_SHARE) refuse(`${def.name}, ${concurrent} run${concurrent === 1 ? '' : 's'} at once`, estimate);
}
