// The coordinator of one run. With one thread it runs the model in this thread; with T threads
// it places the model's partitions on T piscina workers and drives conservative time windows:
// every partition runs the events before GVT + lookahead, the coordinator routes the batches they
// produced, and the next window starts at the global minimum next-event time.
import {
  Partition,
  assembleOutcome,
  type Model,
  type ModelModule,
  type PartitionResult,
  type Placement,
  type RunOutcome,
  type TimeUs,
} from '@cascade/kernel';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { MessageChannel } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { StepResult } from './host.js';
import { createPool } from './pool.js';
import type { ModelRef } from './tasks.js';
import type { HostApi } from './worker.js';

export interface Progress {
  readonly nowUs: TimeUs;
  readonly endUs: TimeUs;
  readonly events: number;
  readonly windows: number;
  readonly wallSeconds: number;
}

export interface SimulateOptions extends ModelRef {
  /** Worker threads; 1 runs in the calling thread. */
  readonly threads: number;
  readonly placement?: Placement;
  readonly onProgress?: (progress: Progress) => void;
  /** Aborting stops the run at the next window or slice boundary with an AbortError. */
  readonly signal?: AbortSignal;
}

export interface SimulateResult extends RunOutcome {
  readonly model: Model;
  readonly threads: number;
  readonly partitions: number;
  readonly windows: number;
  readonly wallSeconds: number;
  readonly eventsPerSecond: number;
}

export class RunAbortedError extends Error {
  override readonly name = 'RunAbortedError';
  constructor(readonly progress: Progress) {
    super('run interrupted');
  }
}

const SLICE_EVENTS = 500_000;
const PROGRESS_INTERVAL_MS = 200;

export async function loadModel(ref: ModelRef): Promise<Model> {
  const mod = (await import(ref.modelModule)) as ModelModule;
  return mod.buildModel(ref.scenario, ref.config);
}

export async function simulate(options: SimulateOptions): Promise<SimulateResult> {
  const model = await loadModel(options);
  const partitions = Math.max(1, Math.min(options.threads, model.groupCount));
  const started = performance.now();
  const run = partitions === 1 ? await runInline(model, options, started) : await runPartitioned(model, partitions, options, started);
  const wallSeconds = (performance.now() - started) / 1000;
  const outcome = assembleOutcome(model, run.results);
  return {
    ...outcome,
    model,
    threads: options.threads,
    partitions,
    windows: run.windows,
    wallSeconds,
    eventsPerSecond: wallSeconds > 0 ? outcome.events / wallSeconds : 0,
  };
}

interface RawRun {
  readonly results: PartitionResult[];
  readonly windows: number;
}

async function runInline(model: Model, options: SimulateOptions, started: number): Promise<RawRun> {
  const partition = new Partition(model, 0, new Int32Array(model.actorCount), 1);
  partition.init();
  let lastReport = performance.now();
  const progress = (): Progress => ({
    nowUs: partition.nowUs,
    endUs: model.endUs,
    events: partition.events,
    windows: 1,
    wallSeconds: (performance.now() - started) / 1000,
  });
  while (partition.nextTimeUs() <= model.endUs) {
    partition.run(Infinity, model.endUs, SLICE_EVENTS);
    if (options.onProgress !== undefined || options.signal !== undefined) {
      await yieldToLoop(); // lets signals and timers in
      if (options.signal?.aborted) throw new RunAbortedError(progress());
      const now = performance.now();
      if (now - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now;
        options.onProgress?.(progress());
      }
    }
  }
  return { results: [partition.result()], windows: 1 };
}

async function runPartitioned(model: Model, partitions: number, options: SimulateOptions, started: number): Promise<RawRun> {
  const pool = createPool(partitions);
  const ports: MessageChannel[] = [];
  const tasks: Promise<unknown>[] = [];
  const hosts: Comlink.Remote<HostApi>[] = [];
  for (let index = 0; index < partitions; index++) {
    const channel = new MessageChannel();
    ports.push(channel);
    const task = {
      type: 'host' as const,
      port: channel.port2,
      index,
      partitions,
      placement: options.placement ?? 'block',
      modelModule: options.modelModule,
      scenario: options.scenario,
      config: options.config,
    };
    tasks.push(pool.run(task, { transferList: [channel.port2] }));
    hosts.push(Comlink.wrap<HostApi>(nodeEndpoint(channel.port1)));
  }
  // A worker that dies (uncaught error, out of memory) fails its task: fail the run with it.
  let workerFailure: Error | undefined;
  const failed = new Promise<never>((_, reject) => {
    tasks.forEach((task, index) =>
      task.catch((error: unknown) => {
        workerFailure = new Error(`worker for partition ${index} died: ${(error as Error).message ?? String(error)}`);
        reject(workerFailure);
      }),
    );
  });
  failed.catch(() => undefined);
  const call = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);
  let windows = 0;
  let nowUs = 0;
  let events = 0;
  let lastReport = performance.now();
  try {
    let steps: StepResult[] = await call(Promise.all(hosts.map((h) => h.init())));
    for (;;) {
      const inbox: Uint8Array[][] = hosts.map(() => []);
      let gvt = Infinity;
      events = 0;
      for (const step of steps) {
        gvt = Math.min(gvt, step.nextTimeUs);
        events += step.events;
        nowUs = Math.max(nowUs, step.nowUs);
        for (const batch of step.outgoing) {
          (inbox[batch.to] as Uint8Array[]).push(batch.bytes);
          gvt = Math.min(gvt, batch.minTimeUs);
        }
      }
      if (gvt > model.endUs) break;
      const progress = (): Progress => ({ nowUs, endUs: model.endUs, events, windows, wallSeconds: (performance.now() - started) / 1000 });
      if (options.signal?.aborted) throw new RunAbortedError(progress());
      const now = performance.now();
      if (options.onProgress !== undefined && now - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now;
        options.onProgress(progress());
      }
      const windowEndUs = gvt + model.lookaheadUs;
      steps = await call(
        Promise.all(
          hosts.map((h, i) => {
            const incoming = inbox[i] as Uint8Array[];
            return h.step(Comlink.transfer(incoming, incoming.map((b) => b.buffer as ArrayBuffer)), windowEndUs);
          }),
        ),
      );
      windows++;
    }
    const results = await call(Promise.all(hosts.map((h) => h.result())));
    await call(Promise.all(hosts.map((h) => h.close())));
    await Promise.all(tasks);
    return { results, windows };
  } finally {
    for (const h of hosts) h[Comlink.releaseProxy]();
    for (const channel of ports) channel.port1.close();
    await pool.destroy();
  }
}
