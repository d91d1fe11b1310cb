// Many independent runs as jobs on the cluster's JetStream work queue: runMany's semantics (results
// in spec order, stop at the first run in spec order meeting stopWhen), with the runs done by
// `cascade worker` processes anywhere. A job handed out twice (its worker died before the ack)
// may produce two results: the first one recorded per job wins, the other is dropped.
import type { ModelRef, RunManyResult, RunTaskResult } from '@cascade/runtime';
import { decodeValue, encodeValue } from '@cascade/runtime';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nuid, type NatsConnection } from '@nats-io/nats-core';
import { connectCluster } from './connect.js';
import type { NatsOptions } from './nats-url.js';
import { CANCEL_SUBJECT, ensureJobQueue, JOBS_STREAM, JOBS_SUBJECT, MAX_DELIVER, MAX_DELIVERIES_ADVISORY, RESULTS_STREAM, resultsSubject } from './layout.js';
import { errorText, PROTOCOL_VERSION, type CancelMessage, type JobMessage, type ResultMessage } from './protocol.js';

export interface RunManyOverNatsOptions extends NatsOptions {
  /** Called as each run's result is recorded (in completion order), once per run. */
  readonly onResult?: (index: number, result: RunTaskResult) => void;
  /** As in runMany: stop at the first run in spec order for which this is true. */
  readonly stopWhen?: (result: RunTaskResult) => boolean;
  readonly signal?: AbortSignal;
  /**
   * Fail when no result arrives for this long while runs are outstanding (e.g. no worker is
   * running). Default: wait as long as it takes (workers may join later).
   */
  readonly timeoutMs?: number;
  /** Jobs queued but not yet answered, at most (default 256); keeps a stop cheap. */
  readonly windowJobs?: number;
}

const DEFAULT_WINDOW_JOBS = 256;

export async function runManyOverNats(specs: readonly ModelRef[], options: RunManyOverNatsOptions): Promise<RunManyResult> {
  if (options.signal?.aborted) throw new Error('interrupted');
  const nc = await connectCluster({ ...options, name: `cascade sweep ${process.pid}` });
  try {
    return await runBatch(nc, specs, options);
  } finally {
    await nc.close();
  }
}

async function runBatch(nc: NatsConnection, specs: readonly ModelRef[], options: RunManyOverNatsOptions): Promise<RunManyResult> {
  const jsm = await jetstreamManager(nc);
  await ensureJobQueue(jsm);
  const js = jetstream(nc);
  const batch = nuid.next();
  const subject = resultsSubject(batch);
  const windowJobs = Math.max(1, options.windowJobs ?? DEFAULT_WINDOW_JOBS);

  const results = new Array<RunTaskResult | undefined>(specs.length);
  const recorded = new Uint8Array(specs.length);
  let recordedCount = 0;
  let stoppedAt: number | undefined;
  /** Stream sequence of each published job, to delete it from the queue when no longer wanted. */
  const seqOf = new Map<number, number>();
  const indexOfSeq = new Map<number, number>();
  let published = 0;
  let cancelling: Promise<void> = Promise.resolve();

  // Subscribe to results before the first job goes out.
  const consumer = await js.consumers.get(RESULTS_STREAM, { filter_subjects: subject });
  const messages = await consumer.consume();

  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let finished = false;
  const finish = (error?: Error): void => {
    if (finished) return;
    finished = true;
    if (error === undefined) settle?.resolve();
    else settle?.reject(error);
  };
  /** Runs still wanted: those before the stop (and the stop itself), else all. */
  const limit = (): number => (stoppedAt === undefined ? specs.length : stoppedAt + 1);
  const complete = (): boolean => {
    for (let i = 0; i < limit(); i++) if (recorded[i] === 0) return false;
    return true;
  };

  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (options.timeoutMs === undefined) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(
      () => finish(new Error(`no run finished for ${(options.timeoutMs as number) / 1000} s on the NATS cluster: are 'cascade worker' processes running?`)),
      options.timeoutMs,
    );
  };

  let publishing = Promise.resolve();
  const publishMore = (): void => {
    publishing = publishing.then(async () => {
      while (!finished && published < limit() && published - recordedCount < windowJobs) {
        const index = published++;
        const job: JobMessage = { kind: 'job', v: PROTOCOL_VERSION, batch, index, spec: specs[index] as ModelRef };
        const ack = await js.publish(JOBS_SUBJECT, encodeValue(job), { msgID: `${batch}.${index}` });
        seqOf.set(index, ack.seq);
        indexOfSeq.set(ack.seq, index);
      }
    });
    publishing.catch((error: unknown) => finish(new Error(`cannot queue jobs on NATS: ${errorText(error)}`)));
  };

  const record = (message: ResultMessage): void => {
    const index = message.index;
    if (!Number.isInteger(index) || index < 0 || index >= specs.length) return;
    if (recorded[index] === 1 || index >= limit()) return; // a duplicate, or cancelled by a stop
    armIdle();
    if (message.kind === 'failed') {
      finish(new Error(`run ${index} failed on worker ${message.worker}: ${message.error}`));
      return;
    }
    recorded[index] = 1;
    recordedCount++;
    results[index] = message.result;
    options.onResult?.(index, message.result);
    if (options.stopWhen?.(message.result) && (stoppedAt === undefined || index < stoppedAt)) {
      stoppedAt = index;
      cancelling = cancel(nc, jsm, batch, index + 1, seqOf, recorded);
    }
    if (complete()) finish();
    else publishMore();
  };

  void (async () => {
    for await (const msg of messages) {
      let message: ResultMessage;
      try {
        message = decodeValue(msg.data, 'run result') as ResultMessage;
      } catch (error) {
        finish(new Error(`bad result message on ${subject}: ${errorText(error)}`));
        return;
      }
      record(message);
    }
  })();

  // A job handed out MAX_DELIVER times without an ack is dropped by JetStream: fail, naming it.
  const advisories = nc.subscribe(MAX_DELIVERIES_ADVISORY, {
    callback: (_err, msg) => {
      try {
        const advisory = msg.json<{ stream_seq?: number; deliveries?: number }>();
        const index = advisory.stream_seq === undefined ? undefined : indexOfSeq.get(advisory.stream_seq);
        if (index !== undefined && recorded[index] === 0 && index < limit()) {
          finish(new Error(`run ${index} was handed to workers ${advisory.deliveries ?? MAX_DELIVER} times and never finished (did its workers crash running it?)`));
        }
      } catch {
        // not for us
      }
    },
  });

  const onAbort = (): void => finish(new Error('interrupted'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (specs.length === 0) finish();
    armIdle();
    publishMore();
    await done;
  } catch (error) {
    await cancel(nc, jsm, batch, 0, seqOf, recorded);
    throw error;
  } finally {
    finished = true;
    clearTimeout(idleTimer);
    options.signal?.removeEventListener('abort', onAbort);
    advisories.unsubscribe();
    await publishing.catch(() => undefined);
    await cancelling;
    messages.stop();
    await jsm.streams.purge(RESULTS_STREAM, { filter: subject }).catch(() => undefined);
  }
  if (stoppedAt !== undefined) results.fill(undefined, stoppedAt + 1);
  return { results, stoppedAt };
}

/** Withdraws the batch's jobs from `fromIndex` on: tells the workers, and deletes queued ones. */
async function cancel(nc: NatsConnection, jsm: JetStreamManager, batch: string, fromIndex: number, seqOf: Map<number, number>, recorded: Uint8Array): Promise<void> {
  const message: CancelMessage = { kind: 'cancel', batch, fromIndex };
  nc.publish(CANCEL_SUBJECT, encodeValue(message));
  const deletions: Promise<unknown>[] = [];
  for (const [index, seq] of seqOf) {
    if (index < fromIndex || recorded[index] === 1) continue;
    // Already acknowledged (done) or taken: the delete fails harmlessly.
    deletions.push(jsm.streams.deleteMessage(JOBS_STREAM, seq, false).catch(() => undefined));
  }
  await Promise.all(deletions);
  await nc.flush().catch(() => undefined);
}
