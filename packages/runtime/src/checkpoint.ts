// Checkpoints: the whole state of a run at a window boundary (every partition's actors, pending
// events, counts and metrics, plus the batches in flight), placement-free so a run can resume on
// any number of threads. Encoded with msgpack and a checksum.
import type { OutBatch, PartitionState, TimeUs } from '@cascade/kernel';
import { CodecError, decodeValue, encodeValue } from './codec.js';

export const CHECKPOINT_FORMAT = 'cascade.checkpoint/1';

export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly scenario: string;
  readonly config: unknown;
  /** Every event before this time has been processed, none at or after it. */
  readonly atUs: TimeUs;
  readonly windows: number;
  readonly partitions: PartitionState[];
  readonly inflight: OutBatch[];
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  return encodeValue(checkpoint);
}

/** Decodes and checks a checkpoint; anything else is a CodecError naming what is wrong. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const value = decodeValue(bytes, 'checkpoint') as Partial<Checkpoint> | null;
  if (value === null || typeof value !== 'object' || value.format !== CHECKPOINT_FORMAT) {
    throw new CodecError(`not a checkpoint (expected format ${CHECKPOINT_FORMAT})`);
  }
  if (typeof value.scenario !== 'string' || !Number.isSafeInteger(value.atUs) || !Array.isArray(value.partitions) || !Array.isArray(value.inflight)) {
    throw new CodecError('corrupt checkpoint: missing scenario, time, partitions or in-flight batches');
  }
  for (const p of value.partitions) {
    if (p === null || typeof p !== 'object' || !Array.isArray(p.actors) || !Array.isArray(p.queue) || !Array.isArray(p.digestLanes)) {
      throw new CodecError('corrupt checkpoint: a partition lacks actors, queue or fingerprint');
    }
  }
  return value as Checkpoint;
}
