// The piscina worker entry: a task is either a partition host (exposed with comlink on a port
// until the coordinator closes it) or one whole run.
import { runSingle, type ModelModule } from '@cascade/kernel';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { performance } from 'node:perf_hooks';
import { PartitionHost } from './host.js';
import type { HostTask, ModelRef, RunTask, RunTaskResult, Task } from './tasks.js';

const modules = new Map<string, Promise<ModelModule>>();

async function loadModel(ref: ModelRef) {
  let mod = modules.get(ref.modelModule);
  if (mod === undefined) {
    mod = import(ref.modelModule) as Promise<ModelModule>;
    modules.set(ref.modelModule, mod);
  }
  return (await mod).buildModel(ref.scenario, ref.config);
}

export default async function runTask(task: Task): Promise<RunTaskResult | void> {
  switch (task.type) {
    case 'host':
      return hostPartition(task);
    case 'run':
      return runWhole(task);
    default: {
      const never: never = task;
      throw new Error(`unknown task ${JSON.stringify(never)}`);
    }
  }
}

async function runWhole(task: RunTask): Promise<RunTaskResult> {
  const started = performance.now();
  const outcome = runSingle(await loadModel(task));
  return {
    events: outcome.events,
    digest: outcome.digest,
    summary: outcome.summary,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

export type HostApi = ReturnType<typeof hostApi>;

/** A checkpoint's bytes, decoded and checked; its module (and zod) loads only when a run resumes. */
async function decoded(checkpoint: Uint8Array) {
  const { decodeCheckpoint } = await import('./checkpoint.js');
  return decodeCheckpoint(checkpoint);
}

function hostApi(host: PartitionHost, close: () => void) {
  return {
    init: () => transferResult(host.init()),
    restore: async (checkpoint: Uint8Array) => transferResult(host.restore(await decoded(checkpoint))),
    save: () => host.save(),
    initShared: () => host.initShared(),
    restoreShared: async (checkpoint: Uint8Array) => host.restoreShared(await decoded(checkpoint)),
    runWindows: (stopAtUs: number) => host.runWindows(stopAtUs),
    step: (incoming: Uint8Array[], windowEndUs: number, maxEvents: number) => transferResult(host.step(incoming, windowEndUs, maxEvents)),
    stats: () => host.stats(),
    result: (endUs?: number) => host.result(endUs),
    close,
  };
}

async function hostPartition(task: HostTask): Promise<void> {
  const model = await loadModel(task);
  const host = new PartitionHost(model, task.index, task.partitions, task.placement);
  if (task.shared !== undefined) host.attachShared(task.shared);
  await new Promise<void>((resolve) => {
    const endpoint = nodeEndpoint(task.port);
    Comlink.expose(
      hostApi(host, () => {
        setImmediate(() => {
          task.port.close();
          resolve();
        });
      }),
      endpoint,
    );
  });
}

function transferResult<T extends { outgoing: { bytes: Uint8Array }[] }>(result: T): T {
  return Comlink.transfer(result, result.outgoing.map((b) => b.bytes.buffer as ArrayBuffer));
}
