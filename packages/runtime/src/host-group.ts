// Where a partitioned run's hosts live. The coordinator drives any HostGroup the same way: local
// piscina workers behind comlink (here), or hosts on other machines (e.g. over NATS).
import type { PartitionResult, PartitionState, Placement, TimeUs } from '@cascade/kernel';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { MessageChannel } from 'node:worker_threads';
import type { StepResult } from './host.js';
import { createPool } from './pool.js';
import type { ModelRef } from './tasks.js';
import type { HostApi } from './worker.js';

/** One partition host, as the coordinator sees it. */
export interface HostHandle {
  init(): Promise<StepResult>;
  restore(checkpoint: Uint8Array): Promise<StepResult>;
  /** Incoming batches are handed over (transferred): the caller must not use them afterwards. */
  step(incoming: Uint8Array[], windowEndUs: TimeUs, maxEvents: number): Promise<StepResult>;
  save(): Promise<PartitionState>;
  result(endUs?: TimeUs): Promise<PartitionResult>;
  close(): Promise<void>;
}

export interface HostGroup {
  readonly hosts: readonly HostHandle[];
  /** Rejects, naming the host, as soon as any host is lost (thread died, machine gone). */
  readonly failed: Promise<never>;
  /** Releases everything; safe to call after a failure. */
  dispose(): Promise<void>;
}

export interface HostGroupRequest extends ModelRef {
  readonly partitions: number;
  readonly placement: Placement;
}

export type HostGroupFactory = (request: HostGroupRequest) => Promise<HostGroup>;

/** Partition hosts on piscina worker threads of this process, controlled with comlink. */
export const localHosts: HostGroupFactory = (request) => {
  const pool = createPool(request.partitions);
  const channels: MessageChannel[] = [];
  const tasks: Promise<unknown>[] = [];
  const remotes: Comlink.Remote<HostApi>[] = [];
  for (let index = 0; index < request.partitions; index++) {
    const channel = new MessageChannel();
    channels.push(channel);
    const task = { type: 'host' as const, port: channel.port2, index, ...request };
    tasks.push(pool.run(task, { transferList: [channel.port2] }));
    remotes.push(Comlink.wrap<HostApi>(nodeEndpoint(channel.port1)));
  }
  const failed = new Promise<never>((_, reject) => {
    tasks.forEach((task, index) => {
      task.catch((error: unknown) => reject(new Error(`worker for partition ${index} died: ${error instanceof Error ? error.message : String(error)}`)));
    });
  });
  failed.catch(() => undefined);
  const hosts: HostHandle[] = remotes.map((remote) => ({
    init: () => remote.init(),
    restore: (checkpoint) => remote.restore(checkpoint),
    step: (incoming, windowEndUs, maxEvents) =>
      remote.step(Comlink.transfer(incoming, incoming.map((b) => b.buffer as ArrayBuffer)), windowEndUs, maxEvents),
    save: () => remote.save(),
    result: (endUs) => remote.result(endUs),
    close: async () => {
      await remote.close();
    },
  }));
  return Promise.resolve({
    hosts,
    failed,
    dispose: async () => {
      // Hosts that were closed end their tasks; wait for those, then stop the pool.
      await Promise.allSettled(tasks.map((t) => Promise.race([t, new Promise((r) => setTimeout(r, 1000))])));
      for (const remote of remotes) remote[Comlink.releaseProxy]();
      for (const channel of channels) channel.port1.close();
      await pool.destroy();
    },
  });
};
