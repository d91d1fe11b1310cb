// Where a partitioned run's hosts live. The coordinator drives any HostGroup the same way: local
// piscina workers behind comlink (here), or hosts on other machines (e.g. over NATS).
import { formatUs, type PartitionResult, type PartitionState, type Placement, type TimeUs } from '@cascade/kernel';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { HostStats, StepResult, WindowsResult } from './host.js';
import { createPool } from './pool.js';
import { createSharedWindows, DEFAULT_MAILBOX_BYTES, WindowsMonitor, type SharedWindowsSetup } from './shared-windows.js';
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

/**
 * Hosts that run the window loop among themselves on shared memory. Each call goes to every host
 * at once and settles when all have returned (they return the same); when one fails, the error is
 * that host's, not the PeerFailure of the hosts it released.
 */
export interface SharedHosts {
  readonly monitor: WindowsMonitor;
  init(): Promise<WindowsResult>;
  restore(checkpoint: Uint8Array): Promise<WindowsResult>;
  runWindows(stopAtUs: TimeUs): Promise<WindowsResult>;
  /** Every host's figures, in partition order. */
  stats(): Promise<HostStats[]>;
}

export interface HostGroup {
  readonly hosts: readonly HostHandle[];
  /** Present when the hosts can run windows on their own (worker threads of this process). */
  readonly shared?: SharedHosts;
  /** Rejects, naming the host, as soon as any host is lost (thread died, machine gone). */
  readonly failed: Promise<never>;
  /** Releases everything; safe to call after a failure. */
  dispose(): Promise<void>;
}

export interface HostGroupRequest extends ModelRef {
  readonly partitions: number;
  readonly placement: Placement;
  /** Bytes of one shared mailbox slot; bigger batches go over a MessagePort (default 1 MiB). */
  readonly mailboxBytes?: number;
}

export type HostGroupFactory = (request: HostGroupRequest) => Promise<HostGroup>;

/** Partition hosts on piscina worker threads of this process, controlled with comlink. */
export const localHosts: HostGroupFactory = (request) => hostsOn(createPool(request.partitions), request, true);

/**
 * Partition hosts on a pool the caller keeps (from createPool, with at least as many threads as
 * partitions): runs in a row then use the same workers, whose isolates have compiled the model's
 * code already (benchmarks/warm.mjs measures a run with and without that). The caller destroys
 * the pool.
 */
export function localHostsOn(pool: Piscina): HostGroupFactory {
  return (request) => {
    if (pool.threads.length < request.partitions) {
      return Promise.reject(new Error(`a pool of ${pool.threads.length} threads cannot host ${request.partitions} partitions`));
    }
    return hostsOn(pool, request, false);
  };
}

function hostsOn(pool: Piscina, request: HostGroupRequest, ownsPool: boolean): Promise<HostGroup> {
  const { mailboxBytes = DEFAULT_MAILBOX_BYTES, ...ref } = request;
  const channels: MessageChannel[] = [];
  const tasks: Promise<unknown>[] = [];
  const remotes: Comlink.Remote<HostApi>[] = [];
  const windows = createSharedWindows(request.partitions, mailboxBytes, () => new MessageChannel());
  for (let index = 0; index < request.partitions; index++) {
    const channel = new MessageChannel();
    channels.push(channel);
    const setup = windows.setups[index] as SharedWindowsSetup;
    const task = { type: 'host' as const, port: channel.port2, index, ...ref, shared: setup };
    const ports = [...setup.sendPorts, ...setup.receivePorts].filter((p): p is MessagePort => p !== null);
    tasks.push(pool.run(task, { transferList: [channel.port2, ...ports] }));
    remotes.push(Comlink.wrap<HostApi>(nodeEndpoint(channel.port1)));
  }
  const monitor = new WindowsMonitor(windows.control, request.partitions);
  const failed = new Promise<never>((_, reject) => {
    tasks.forEach((task, index) => {
      task.catch((error: unknown) => {
        // Hosts waiting at the barrier for this one give up at once.
        monitor.breakBarrier();
        const cause = error instanceof Error ? error.message : String(error);
        reject(new Error(`worker for partition ${index} died: ${cause} (in the window starting at t=${formatUs(monitor.progress().windowStartUs)})`));
      });
    });
  });
  failed.catch(() => undefined);
  const all = async (call: (remote: Comlink.Remote<HostApi>) => Promise<WindowsResult>): Promise<WindowsResult> => {
    const settled = await Promise.allSettled(remotes.map(call));
    const first = monitor.failedHost();
    const failure = settled[first ?? -1] ?? settled.find((s) => s.status === 'rejected');
    if (failure !== undefined && failure.status === 'rejected') {
      const reason: unknown = failure.reason;
      if (first === undefined || !(reason instanceof Error)) throw reason;
      throw Object.assign(new Error(`partition ${first}: ${reason.message}`), { name: reason.name });
    }
    return (settled[0] as PromiseFulfilledResult<WindowsResult>).value;
  };
  const shared: SharedHosts = {
    monitor,
    init: () => all((remote) => remote.initShared()),
    restore: (checkpoint) => all((remote) => remote.restoreShared(checkpoint)),
    runWindows: (stopAtUs) => all((remote) => remote.runWindows(stopAtUs)),
    stats: () => Promise.all(remotes.map((remote) => remote.stats())),
  };
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
    shared,
    failed,
    dispose: async () => {
      monitor.breakBarrier();
      // Hosts that were closed end their tasks; wait for those, then stop the pool.
      await Promise.allSettled(tasks.map((t) => Promise.race([t, new Promise((r) => setTimeout(r, 1000))])));
      for (const remote of remotes) remote[Comlink.releaseProxy]();
      for (const channel of channels) channel.port1.close();
      if (ownsPool) await pool.destroy();
    },
  });
}
