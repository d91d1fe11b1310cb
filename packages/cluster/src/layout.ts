// The cluster's names and clocks: JetStream streams and consumer, subjects, and timing. Every
// coordinator and worker creates the streams if missing, with the same configuration.
import { AckPolicy, DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

/** Run jobs, one message per run, consumed once each (work-queue retention). */
export const JOBS_STREAM = 'CASCADE_JOBS';
export const JOBS_SUBJECT = 'cascade.jobs.run';
/** The one durable pull consumer that every worker shares. */
export const WORKERS_CONSUMER = 'cascade-workers';
/** Results, one subject per batch; a batch's subject is purged when its coordinator is done. */
export const RESULTS_STREAM = 'CASCADE_RESULTS';
export const CANCEL_SUBJECT = 'cascade.cancel';
export const DISCOVER_SUBJECT = 'cascade.hosts.discover';

/** A job not acknowledged (nor reported as in progress) for this long goes to another worker. */
export const ACK_WAIT_MS = 5_000;
/** How often a worker tells JetStream a job is still running. */
export const JOB_PROGRESS_MS = 1_000;
/** A job handed out this many times without an acknowledgement is given up (bounded retries). */
export const MAX_DELIVER = 5;
/** A worker's pull waits at most this long for a job before it asks again. */
export const PULL_EXPIRES_MS = 1_000;
/** Partition hosts and their coordinator tell each other they are alive this often. */
export const HEARTBEAT_MS = 500;
/** Leftovers of a coordinator that died expire after these ages. */
const JOBS_MAX_AGE_MS = 24 * 3_600_000;
const RESULTS_MAX_AGE_MS = 3_600_000;

export const MAX_DELIVERIES_ADVISORY = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${JOBS_STREAM}.${WORKERS_CONSUMER}`;

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Ids that become subject tokens must be plain tokens (no dots or wildcards). */
export function assertToken(id: string, what: string): string {
  if (!TOKEN.test(id)) throw new Error(`bad ${what} '${id}': letters, digits, '-' and '_' only`);
  return id;
}

export const resultsSubject = (batch: string): string => `cascade.results.${assertToken(batch, 'batch id')}`;
export const openSubject = (worker: string): string => `cascade.worker.${assertToken(worker, 'worker id')}.open`;
export const sessionUpSubject = (session: string): string => `cascade.session.${assertToken(session, 'session id')}.up`;
export const sessionDownSubject = (session: string, worker: string): string =>
  `cascade.session.${assertToken(session, 'session id')}.down.${assertToken(worker, 'worker id')}`;

/** Creates the job and result streams and the workers' consumer when missing. */
export async function ensureJobQueue(jsm: JetStreamManager): Promise<void> {
  await ensureStream(jsm, JOBS_STREAM, {
    subjects: [JOBS_SUBJECT],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    max_age: nanos(JOBS_MAX_AGE_MS),
    discard: DiscardPolicy.Old,
  });
  await ensureStream(jsm, RESULTS_STREAM, {
    subjects: ['cascade.results.>'],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(RESULTS_MAX_AGE_MS),
  });
  try {
    await jsm.consumers.info(JOBS_STREAM, WORKERS_CONSUMER);
  } catch {
    await jsm.consumers.add(JOBS_STREAM, {
      durable_name: WORKERS_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ACK_WAIT_MS),
      max_deliver: MAX_DELIVER,
      max_ack_pending: 10_000,
    });
  }
}

async function ensureStream(jsm: JetStreamManager, name: string, config: Partial<StreamConfig>): Promise<void> {
  try {
    await jsm.streams.info(name);
    return;
  } catch {
    // missing: create it below
  }
  try {
    await jsm.streams.add({ ...config, name });
  } catch (error) {
    // Another process created it meanwhile: fine if it now exists.
    try {
      await jsm.streams.info(name);
    } catch {
      throw new Error(`cannot create the JetStream stream ${name}: ${error instanceof Error ? error.message : String(error)} (is JetStream enabled in nats-server? see cluster/nats.conf)`);
    }
  }
}
