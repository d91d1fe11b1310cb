// A cascade worker: joins the NATS cluster, runs jobs from the work queue on its own thread pool
// (one run per pool task), and hosts partitions of distributed runs. Aborting the signal stops it
// gracefully: it takes no new job, hands its unfinished ones back (they go to other workers at
// once), and ends the sessions it hosts.
import { createPool, decodeValue, encodeValue, type RunTaskResult } from '@cascade/runtime';
import { jetstream, jetstreamManager, type Consumer, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { nuid, type NatsConnection } from '@nats-io/nats-core';
import { hostname } from 'node:os';
import { connectCluster } from './connect.js';
import type { NatsOptions } from './nats-url.js';
import { HostService } from './host-service.js';
import { CANCEL_SUBJECT, ensureJobQueue, JOB_PROGRESS_MS, JOBS_STREAM, PULL_EXPIRES_MS, resultsSubject, WORKERS_CONSUMER } from './layout.js';
import { errorText, PROTOCOL_VERSION, type CancelMessage, type JobMessage, type ResultMessage } from './protocol.js';

export interface RunWorkerOptions extends NatsOptions {
  /** Pool threads for jobs: this many runs at once. Hosted partitions get threads of their own. */
  readonly threads: number;
  /** Aborting stops the worker gracefully; runWorker then resolves. */
  readonly signal: AbortSignal;
  /** One line per notable event (joined, job failed, session opened...). Default: silent. */
  readonly log?: (line: string) => void;
  /** Shown in errors and logs (default `host:pid`). */
  readonly name?: string;
}

/** After the signal, the longest wait for the job slots and for the NATS drain (the server may be gone). */
const SHUTDOWN_GRACE_MS = 3_000;
/** Cancelled batches remembered, at most (a cancel only matters while its batch runs). */
const MAX_CANCELLED_BATCHES = 1_024;

export async function runWorker(options: RunWorkerOptions): Promise<void> {
  if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error(`runWorker: threads must be a positive integer, not ${options.threads}`);
  const log = options.log ?? (() => undefined);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const worker = `${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}-${nuid.next().slice(-6)}`;
  const nc = await connectCluster({ ...options, name: `cascade worker ${name}`, persistent: true });
  const pool = createPool(options.threads);
  let hosts: HostService | undefined;
  /** Whether the server is reachable now: while it is not, a pull never ends and a drain cannot flush. */
  let connected = true;
  try {
    const jsm = await jetstreamManager(nc);
    await ensureJobQueue(jsm);
    const js = jetstream(nc);
    const consumer = await js.consumers.get(JOBS_STREAM, WORKERS_CONSUMER);
    hosts = new HostService({ nc, worker, name, threads: options.threads, log });
    const service = hosts;
    const jobs = new JobRunner(nc, js, consumer, pool, name, options.signal, log);
    const cancels = nc.subscribe(CANCEL_SUBJECT, { callback: (_err, msg) => jobs.cancel(msg.data) });
    void (async () => {
      for await (const s of nc.status()) {
        // Messages of a session may have been lost while disconnected: end the sessions (their
        // coordinators fail the runs); jobs carry on, JetStream redelivers what was lost.
        if (s.type === 'disconnect') {
          connected = false;
          service.closeAll('the worker lost its NATS connection');
        } else if (s.type === 'reconnect') {
          connected = true;
        }
      }
    })();
    await nc.flush();
    log(`worker ${name} joined ${nc.getServer()} with ${options.threads} thread${options.threads === 1 ? '' : 's'}`);
    const slots = Promise.all(Array.from({ length: options.threads }, () => jobs.loop()));
    const stopped = new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([stopped, slots]);
    log(`worker ${name} stopping`);
    // A pull in flight ends within PULL_EXPIRES_MS when the server is up; not at all when it is down.
    if (connected) await within(slots, SHUTDOWN_GRACE_MS);
    cancels.unsubscribe();
  } finally {
    hosts?.stop('the worker is shutting down');
    if (!connected || !(await within(nc.drain().catch(() => undefined), SHUTDOWN_GRACE_MS))) await within(nc.close(), SHUTDOWN_GRACE_MS);
    await pool.destroy();
  }
}

/** True when `promise` settled within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

class JobRunner {
  /** Running jobs by `batch.index`, to cancel them. */
  private readonly running = new Map<string, AbortController>();
  /** Batch -> first cancelled index. */
  private readonly cancelled = new Map<string, number>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly consumer: Consumer,
    private readonly pool: ReturnType<typeof createPool>,
    private readonly name: string,
    private readonly signal: AbortSignal,
    private readonly log: (line: string) => void,
  ) {}

  /** One slot of the pool: pull one job, run it, repeat until the signal aborts. */
  async loop(): Promise<void> {
    while (!this.signal.aborted) {
      let msg: JsMsg | null;
      try {
        msg = await this.consumer.next({ expires: PULL_EXPIRES_MS });
      } catch (error) {
        if (this.signal.aborted || this.nc.isClosed()) return;
        this.log(`pulling a job failed (retrying): ${errorText(error)}`);
        await new Promise((r) => setTimeout(r, PULL_EXPIRES_MS));
        continue;
      }
      if (msg === null) continue;
      if (this.signal.aborted) {
        msg.nak();
        return;
      }
      await this.handle(msg);
    }
  }

  cancel(bytes: Uint8Array): void {
    let message: CancelMessage;
    try {
      message = decodeValue(bytes, 'cancel') as CancelMessage;
    } catch {
      return;
    }
    if (message.kind !== 'cancel') return;
    const before = this.cancelled.get(message.batch);
    this.cancelled.set(message.batch, Math.min(before ?? Infinity, message.fromIndex));
    if (this.cancelled.size > MAX_CANCELLED_BATCHES) this.cancelled.delete(this.cancelled.keys().next().value as string);
    for (const [key, controller] of this.running) {
      const [batch, index] = key.split('.') as [string, string];
      if (batch === message.batch && Number(index) >= message.fromIndex) controller.abort();
    }
  }

  private isCancelled(job: JobMessage): boolean {
    const from = this.cancelled.get(job.batch);
    return from !== undefined && job.index >= from;
  }

  private async handle(msg: JsMsg): Promise<void> {
    let job: JobMessage;
    try {
      job = decodeValue(msg.data, 'job') as JobMessage;
      if (job.kind !== 'job' || job.v !== PROTOCOL_VERSION) throw new Error(`unsupported job (protocol ${String(job.v)}, this worker speaks ${PROTOCOL_VERSION})`);
      resultsSubject(job.batch);
    } catch (error) {
      this.log(`dropping a bad job message: ${errorText(error)}`);
      msg.term();
      return;
    }
    if (this.isCancelled(job)) {
      msg.term();
      return;
    }
    const key = `${job.batch}.${job.index}`;
    const controller = new AbortController();
    this.running.set(key, controller);
    const progress = setInterval(() => msg.working(), JOB_PROGRESS_MS);
    this.log(`run ${job.index} of batch ${job.batch} started${msg.info.deliveryCount > 1 ? ` (delivery ${msg.info.deliveryCount})` : ''}`);
    let outcome: ResultMessage;
    try {
      const result = (await this.pool.run({ type: 'run', ...job.spec }, { signal: AbortSignal.any([controller.signal, this.signal]) })) as RunTaskResult;
      outcome = { kind: 'result', index: job.index, worker: this.name, result };
    } catch (error) {
      if (this.signal.aborted) {
        msg.nak(); // handed back: another worker takes it now
        this.log(`run ${job.index} of batch ${job.batch} handed back (the worker is stopping)`);
        return;
      }
      if (controller.signal.aborted) {
        msg.term();
        this.log(`run ${job.index} of batch ${job.batch} cancelled`);
        return;
      }
      outcome = { kind: 'failed', index: job.index, worker: this.name, error: errorText(error) };
      this.log(`run ${job.index} of batch ${job.batch} failed: ${outcome.error}`);
    } finally {
      clearInterval(progress);
      this.running.delete(key);
    }
    try {
      // The result is stored before the job is acknowledged: a crash in between means a second
      // run and a duplicate result (dropped by its id), never a lost one.
      await this.js.publish(resultsSubject(job.batch), encodeValue(outcome), { msgID: `r.${job.batch}.${job.index}` });
      await msg.ackAck();
      if (outcome.kind === 'result') this.log(`run ${job.index} of batch ${job.batch} done in ${outcome.result.wallSeconds.toFixed(2)} s`);
    } catch (error) {
      this.log(`could not deliver the result of run ${job.index} (it will run again elsewhere): ${errorText(error)}`);
      msg.nak();
    }
  }
}
