// Partition hosts on cascade workers over NATS: a HostGroupFactory for simulate({ hosts }). The
// coordinator finds workers (discovery), opens a session on each, and drives its partitions with
// calls on the session's subjects; window batches travel as the msgpack bytes `step` takes and
// returns. Heartbeats both ways bound how long a lost worker (or coordinator) goes unnoticed.
import type { PartitionResult, PartitionState, TimeUs } from '@cascade/kernel';
import { decodeValue, encodeValue, type HostGroup, type HostGroupFactory, type HostGroupRequest, type HostHandle, type StepResult } from '@cascade/runtime';
import { createInbox, nuid, type NatsConnection } from '@nats-io/nats-core';
import { connectCluster } from './connect.js';
import type { NatsOptions } from './nats-url.js';
import { publishFramed, Reassembler } from './frames.js';
import { DISCOVER_SUBJECT, HEARTBEAT_MS, openSubject, sessionDownSubject, sessionUpSubject } from './layout.js';
import { errorText, PROTOCOL_VERSION, type Down, type HostOp, type Offer, type OpenReply, type OpenRequest, type Up } from './protocol.js';

export interface NatsHostsOptions extends NatsOptions {
  /** Worker processes to spread the partitions over (partition p goes to worker p mod workers). */
  readonly workers: number;
  /**
   * A worker silent this long is lost and fails the run (default 5000 ms). Also the longest wait
   * for enough workers to answer discovery.
   */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** Discovery stops once no new worker has answered for this long. */
const DISCOVERY_QUIET_MS = 150;

interface Pending {
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

interface Remote {
  readonly offer: Offer;
  readonly indices: number[];
  lastHeardMs: number;
}

export function natsHosts(options: NatsHostsOptions): HostGroupFactory {
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new Error(`natsHosts: workers must be a positive integer, not ${options.workers}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async (request) => {
    const nc = await connectCluster({ ...options, name: `cascade coordinator ${process.pid}` });
    try {
      return await openGroup(nc, request, Math.min(options.workers, request.partitions), timeoutMs);
    } catch (error) {
      await nc.close();
      throw error;
    }
  };
}

async function openGroup(nc: NatsConnection, request: HostGroupRequest, workerCount: number, timeoutMs: number): Promise<HostGroup> {
  const offers = await discover(nc, workerCount, timeoutMs);
  const session = nuid.next();
  const remotes: Remote[] = offers.map((offer) => ({ offer, indices: [], lastHeardMs: Date.now() }));
  for (let p = 0; p < request.partitions; p++) (remotes[p % remotes.length] as Remote).indices.push(p);
  const byWorker = new Map(remotes.map((r) => [r.offer.worker, r]));

  let failure: Error | undefined;
  let rejectFailed: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  failed.catch(() => undefined);
  const pending = new Map<number, Pending>();
  /** Rejects every call in flight and refuses new ones. */
  const stop = (error: Error): boolean => {
    if (failure !== undefined) return false;
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    return true;
  };
  const fail = (error: Error): void => {
    if (stop(error)) rejectFailed(error);
  };
  const describe = (r: Remote): string => `worker ${r.offer.name} (partition${r.indices.length > 1 ? 's' : ''} ${r.indices.join(',')})`;

  // Replies and heartbeats from every worker of the session.
  const upSub = nc.subscribe(sessionUpSubject(session));
  const frames = new Reassembler();
  void (async () => {
    for await (const msg of upSub) {
      let up: Up;
      try {
        const bytes = frames.accept(msg);
        if (bytes === undefined) continue;
        up = decodeValue(bytes, 'session message') as Up;
      } catch (error) {
        fail(new Error(`bad message on the session: ${errorText(error)}`));
        continue;
      }
      const remote = byWorker.get(up.worker);
      if (remote === undefined) continue;
      remote.lastHeardMs = Date.now();
      switch (up.kind) {
        case 'reply': {
          const call = pending.get(up.id);
          pending.delete(up.id);
          if (up.ok) call?.resolve(up.payload);
          else call?.reject(new Error(`${describe(remote)}: ${up.error}`));
          break;
        }
        case 'hb':
          break;
        case 'gone':
          fail(new Error(`${describe(remote)} was lost: ${up.reason}`));
          break;
        default: {
          const never: never = up;
          fail(new Error(`unknown session message ${JSON.stringify(never)}`));
        }
      }
    }
  })();

  const send = (remote: Remote, down: Down): void => {
    if (nc.isClosed()) return;
    publishFramed(nc, sessionDownSubject(session, remote.offer.worker), encodeValue(down));
  };
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const r of remotes) {
      if (now - r.lastHeardMs > timeoutMs) {
        fail(new Error(`${describe(r)} was lost: no heartbeat for ${((now - r.lastHeardMs) / 1000).toFixed(1)} s`));
        return;
      }
      send(r, { kind: 'hb' });
    }
  }, HEARTBEAT_MS);
  const statusWatch = (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') fail(new Error(`the coordinator lost its NATS connection during the run`));
    }
  })();
  void statusWatch;

  const dispose = async (): Promise<void> => {
    clearInterval(watchdog);
    for (const r of remotes) send(r, { kind: 'close' });
    stop(new Error('the host group was disposed'));
    try {
      await nc.flush();
    } catch {
      // closing anyway
    }
    upSub.unsubscribe();
    await nc.close();
  };

  try {
    await Promise.all(remotes.map((r) => openRemote(nc, r, session, request, timeoutMs)));
  } catch (error) {
    await dispose();
    throw error;
  }
  for (const r of remotes) r.lastHeardMs = Date.now();

  let nextId = 1;
  const call = (partition: number, op: HostOp): Promise<Uint8Array> => {
    if (failure !== undefined) return Promise.reject(failure);
    const remote = remotes[partition % remotes.length] as Remote;
    const id = nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send(remote, { kind: 'call', id, partition, payload: encodeValue(op) });
    });
  };
  const decoded = async <T>(partition: number, op: HostOp, what: string): Promise<T> => decodeValue(await call(partition, op), what) as T;

  const hosts: HostHandle[] = Array.from({ length: request.partitions }, (_, p) => ({
    init: () => decoded<StepResult>(p, { op: 'init' }, 'step result'),
    restore: (checkpoint: Uint8Array) => decoded<StepResult>(p, { op: 'restore', checkpoint }, 'step result'),
    step: (incoming: Uint8Array[], windowEndUs: TimeUs, maxEvents: number) => decoded<StepResult>(p, { op: 'step', incoming, windowEndUs, maxEvents }, 'step result'),
    save: () => decoded<PartitionState>(p, { op: 'save' }, 'partition state'),
    result: (endUs?: TimeUs) => decoded<PartitionResult>(p, { op: 'result', endUs }, 'partition result'),
    // The session is closed for all its partitions at once, in dispose.
    close: () => Promise.resolve(),
  }));
  return { hosts, failed, dispose };
}

/** Asks every worker for an offer and picks the `count` least busy. */
async function discover(nc: NatsConnection, count: number, timeoutMs: number): Promise<Offer[]> {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  const offers = new Map<string, Offer>();
  const deadline = Date.now() + timeoutMs;
  let quietTimer: NodeJS.Timeout | undefined;
  const finish = (): void => sub.unsubscribe();
  const deadlineTimer = setTimeout(finish, Math.max(0, deadline - Date.now()));
  // Ask again while too few have answered: workers may still be starting.
  const ask = (): void => nc.publish(DISCOVER_SUBJECT, new Uint8Array(0), { reply: inbox });
  ask();
  const again = setInterval(() => {
    if (offers.size < count) ask();
  }, 500);
  for await (const msg of sub) {
    try {
      const offer = decodeValue(msg.data, 'worker offer') as Offer;
      if (offer.kind === 'offer') offers.set(offer.worker, offer);
    } catch {
      continue;
    }
    if (offers.size >= count) {
      clearTimeout(quietTimer);
      quietTimer = setTimeout(finish, DISCOVERY_QUIET_MS);
    }
  }
  clearTimeout(quietTimer);
  clearTimeout(deadlineTimer);
  clearInterval(again);
  if (offers.size < count) {
    throw new Error(
      `only ${offers.size} of the ${count} workers needed answered on NATS within ${(timeoutMs / 1000).toFixed(1)} s: start more with 'cascade worker --nats URL'`,
    );
  }
  return [...offers.values()].sort((a, b) => a.hosting - b.hosting || a.worker.localeCompare(b.worker)).slice(0, count);
}

async function openRemote(nc: NatsConnection, remote: Remote, session: string, request: HostGroupRequest, timeoutMs: number): Promise<void> {
  const open: OpenRequest = {
    kind: 'open',
    v: PROTOCOL_VERSION,
    session,
    indices: remote.indices,
    partitions: request.partitions,
    placement: request.placement,
    modelModule: request.modelModule,
    scenario: request.scenario,
    config: request.config,
    timeoutMs,
  };
  let reply: OpenReply;
  try {
    const msg = await nc.request(openSubject(remote.offer.worker), encodeValue(open), { timeout: timeoutMs });
    reply = decodeValue(msg.data, 'open reply') as OpenReply;
  } catch (error) {
    throw new Error(`worker ${remote.offer.name} did not open a session: ${errorText(error)}`);
  }
  if (reply.kind === 'refused') throw new Error(`worker ${remote.offer.name} refused the session: ${reply.error}`);
}
