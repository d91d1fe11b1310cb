// What a pool task carries. A worker rebuilds the model from (module, scenario, config): closures
// never cross threads.
import type { Placement } from '@cascade/kernel';
import type { MessagePort } from 'node:worker_threads';
import type { SharedWindowsSetup } from './shared-windows.js';

export interface ModelRef {
  /** URL of a module exporting `buildModel(scenario, config)` (a ModelModule). */
  readonly modelModule: string;
  readonly scenario: string;
  readonly config: unknown;
}

/** A long-lived partition host, controlled over `port` with comlink. */
export interface HostTask extends ModelRef {
  readonly type: 'host';
  readonly port: MessagePort;
  readonly index: number;
  readonly partitions: number;
  readonly placement: Placement;
  /** Present when the host takes part in the window loop on shared memory. */
  readonly shared?: SharedWindowsSetup;
}

/** One whole run on one thread: sweeps, exploration, tuning. */
export interface RunTask extends ModelRef {
  readonly type: 'run';
}

export type Task = HostTask | RunTask;

/** What a RunTask returns (structured-clone friendly). */
export interface RunTaskResult {
  readonly events: number;
  readonly digest: string;
  readonly summary: Record<string, unknown>;
  readonly wallSeconds: number;
}
