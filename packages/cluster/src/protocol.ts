// What travels between coordinators and workers. Every message is msgpack (encodeValue from
// @cascade/runtime, checksummed) of one of these discriminated unions.
import type { Placement, TimeUs } from '@cascade/kernel';
import type { ModelRef, RunTaskResult } from '@cascade/runtime';

export const PROTOCOL_VERSION = 1;

// ---- jobs (JetStream work queue) ----

/** One run of a batch; `batch.index` is the job id results are deduplicated by. */
export interface JobMessage {
  readonly kind: 'job';
  readonly v: number;
  readonly batch: string;
  readonly index: number;
  readonly spec: ModelRef;
}

export type ResultMessage =
  | { readonly kind: 'result'; readonly index: number; readonly worker: string; readonly result: RunTaskResult }
  | { readonly kind: 'failed'; readonly index: number; readonly worker: string; readonly error: string };

/** Jobs of `batch` from `fromIndex` on are no longer wanted (a stop, an interrupt, a failure). */
export interface CancelMessage {
  readonly kind: 'cancel';
  readonly batch: string;
  readonly fromIndex: number;
}

// ---- partition hosts (core NATS) ----

export interface Offer {
  readonly kind: 'offer';
  readonly worker: string;
  /** Human name: host and pid. */
  readonly name: string;
  /** Partitions it hosts now. */
  readonly hosting: number;
  readonly threads: number;
}

export interface OpenRequest extends ModelRef {
  readonly kind: 'open';
  readonly v: number;
  readonly session: string;
  /** Partition indices this worker hosts. */
  readonly indices: number[];
  readonly partitions: number;
  readonly placement: Placement;
  /** The worker closes the session when the coordinator is silent this long. */
  readonly timeoutMs: number;
}

export type OpenReply = { readonly kind: 'opened'; readonly name: string } | { readonly kind: 'refused'; readonly error: string };

/** What a host thread is asked to do; the payload of a call, decoded in the host thread. */
export type HostOp =
  | { readonly op: 'init' }
  | { readonly op: 'restore'; readonly checkpoint: Uint8Array }
  | { readonly op: 'step'; readonly incoming: Uint8Array[]; readonly windowEndUs: TimeUs; readonly maxEvents: number }
  | { readonly op: 'save' }
  | { readonly op: 'result'; readonly endUs: TimeUs | undefined };

/** Coordinator to worker, on the session's down subject. */
export type Down =
  | { readonly kind: 'call'; readonly id: number; readonly partition: number; readonly payload: Uint8Array }
  | { readonly kind: 'hb' }
  | { readonly kind: 'close' };

/** Worker to coordinator, on the session's up subject. */
export type Up =
  | { readonly kind: 'reply'; readonly worker: string; readonly id: number; readonly ok: true; readonly payload: Uint8Array }
  | { readonly kind: 'reply'; readonly worker: string; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly kind: 'hb'; readonly worker: string }
  | { readonly kind: 'gone'; readonly worker: string; readonly reason: string };

/** Main thread of a worker to one of its host threads, and back. */
export interface ThreadCall {
  readonly id: number;
  readonly payload: Uint8Array;
}
export type ThreadReply = { readonly id: number; readonly ok: true; readonly payload: Uint8Array } | { readonly id: number; readonly ok: false; readonly error: string };

export interface HostThreadData extends ModelRef {
  readonly index: number;
  readonly partitions: number;
  readonly placement: Placement;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
