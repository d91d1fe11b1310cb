// The worker-thread pool. piscina owns thread start-up, crash reporting and shutdown.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';

export const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

/** The default thread count: the machine's cores. */
export function defaultThreads(): number {
  return availableParallelism();
}

export function createPool(threads: number): Piscina {
  return new Piscina({
    filename: WORKER_FILE,
    minThreads: threads,
    maxThreads: threads,
    // Partition hosts block in long tasks and talk over their own MessagePort.
    atomics: 'disabled',
    idleTimeout: 1_000,
    concurrentTasksPerWorker: 1,
  });
}
