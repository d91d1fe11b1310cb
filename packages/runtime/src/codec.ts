// The wire: a cross-partition message batch is a little-endian binary frame of its columns (event
// times and keys as float64, targets and message indexes as int32) followed by its distinct
// messages (a message object sent to many events is packed once), packed by msgpackr as
// plain msgpack maps, not records: decoded they are ordinary objects shaped like the ones models
// build, which kept PHOLD's receive path monomorphic (two threads about 10% faster than with
// records) for 20% more bytes. The columns are written and read with a DataView rather than as
// msgpack typed-array extensions, which cost more than the messages themselves on the batches of a
// window (a few events each). Each frame is self-describing, so it decodes on any thread or
// machine, and sits in an exact-size buffer so it can be transferred, not cloned.
//
// Every frame ends with a checksum of its body: FNV-1a, whose steps are bijections of the running
// hash, so any single corrupted byte is detected. Batches are hashed a 32-bit word per step (they
// live for one window); values (checkpoints, cached replays, cluster messages) byte by byte, as
// they always were, so files written before still read.
import type { Message, OutBatch } from '@cascade/kernel';
import { Packr } from 'msgpackr';

export class CodecError extends Error {
  override readonly name = 'CodecError';
}

const WIRE_VERSION = 3;

const packr = new Packr({ useRecords: false, moreTypes: true });

const CHECKSUM_BYTES = 4;
/** version (u8, then 3 zero bytes), events (u32), destination (u32), message bytes (u32). */
const HEADER_BYTES = 16;
/** Column bytes per event: time, k1, k2 (float64), target and message index (int32). */
const EVENT_BYTES = 32;

/** Each event's index into the batch's distinct messages (reused between batches). */
let messageIndex = new Int32Array(1024);
const distinctIndex = new Map<Message, number>();

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** A batch's checksum: a word per step, then the bytes after the last whole word. */
function wordChecksum(view: DataView, end: number): number {
  let h = FNV_OFFSET;
  const words = end & ~3;
  for (let i = 0; i < words; i += 4) h = Math.imul(h ^ view.getUint32(i, true), FNV_PRIME);
  for (let i = words; i < end; i++) h = Math.imul(h ^ view.getUint8(i), FNV_PRIME);
  return h >>> 0;
}

/** A value's checksum: a byte per step. */
function byteChecksum(bytes: Uint8Array, end: number): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME);
  return h >>> 0;
}

/** A packed value in an exact-size buffer, followed by its (big-endian) checksum. */
function frame(packed: Uint8Array): Uint8Array {
  const out = new Uint8Array(packed.byteLength + CHECKSUM_BYTES);
  out.set(packed);
  new DataView(out.buffer).setUint32(packed.byteLength, byteChecksum(out, packed.byteLength));
  return out;
}

function checkLength(bytes: Uint8Array, least: number, what: string): DataView {
  if (bytes.byteLength < least) throw new CodecError(`corrupt ${what}: ${bytes.byteLength} bytes is too short`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function unpack(bytes: Uint8Array, what: string): unknown {
  try {
    return packr.unpack(bytes);
  } catch (error) {
    throw new CodecError(`corrupt ${what}: ${(error as Error).message}`);
  }
}

/** Encodes a batch into an exact-size buffer. */
export function encodeBatch(batch: OutBatch): Uint8Array {
  const n = batch.time.length;
  if (messageIndex.length < n) messageIndex = new Int32Array(Math.max(n, 2 * messageIndex.length));
  // a message object sent to many events (a broadcast, PHOLD's one event) is packed once
  const distinct: Message[] = [];
  let previous: Message | undefined;
  let previousIndex = -1;
  for (let i = 0; i < n; i++) {
    const m = batch.msg[i] as Message;
    if (m !== previous) {
      let k = distinctIndex.get(m);
      if (k === undefined) {
        k = distinct.push(m) - 1;
        distinctIndex.set(m, k);
      }
      previous = m;
      previousIndex = k;
    }
    messageIndex[i] = previousIndex;
  }
  distinctIndex.clear();
  const msg = packr.pack(distinct);
  const columnsEnd = HEADER_BYTES + EVENT_BYTES * n;
  const end = columnsEnd + msg.byteLength;
  const out = new Uint8Array(end + CHECKSUM_BYTES);
  const view = new DataView(out.buffer);
  view.setUint8(0, WIRE_VERSION);
  view.setUint32(4, n, true);
  view.setUint32(8, batch.to, true);
  view.setUint32(12, msg.byteLength, true);
  for (let i = 0, at = HEADER_BYTES; i < n; i++, at += 8) {
    view.setFloat64(at, batch.time[i] as number, true);
    view.setFloat64(at + 8 * n, batch.k1[i] as number, true);
    view.setFloat64(at + 16 * n, batch.k2[i] as number, true);
    view.setInt32(HEADER_BYTES + 24 * n + 4 * i, batch.target[i] as number, true);
    view.setInt32(HEADER_BYTES + 28 * n + 4 * i, messageIndex[i] as number, true);
  }
  out.set(msg, columnsEnd);
  view.setUint32(end, wordChecksum(view, end), true);
  return out;
}

/** Decodes and validates a batch; anything malformed is a CodecError, never a silent accept. */
export function decodeBatch(bytes: Uint8Array): OutBatch {
  const view = checkLength(bytes, HEADER_BYTES + CHECKSUM_BYTES, 'message batch');
  const sumAt = bytes.byteLength - CHECKSUM_BYTES;
  if (view.getUint32(sumAt, true) !== wordChecksum(view, sumAt)) throw new CodecError('corrupt message batch: checksum mismatch');
  const version = view.getUint8(0);
  if (version !== WIRE_VERSION) throw new CodecError(`message batch version ${version}, expected ${WIRE_VERSION}`);
  const n = view.getUint32(4, true);
  const to = view.getUint32(8, true);
  const msgBytes = view.getUint32(12, true);
  const columnsEnd = HEADER_BYTES + EVENT_BYTES * n;
  if (columnsEnd + msgBytes + CHECKSUM_BYTES !== bytes.byteLength) {
    throw new CodecError(`corrupt message batch: ${n} events and ${msgBytes} message bytes do not make ${bytes.byteLength} bytes`);
  }
  const distinct = unpack(bytes.subarray(columnsEnd, columnsEnd + msgBytes), 'message batch');
  if (!Array.isArray(distinct) || distinct.length > n) throw new CodecError(`corrupt message batch: messages are not a list of at most ${n}`);
  for (let k = 0; k < distinct.length; k++) {
    const m = distinct[k] as unknown;
    if (m === null || typeof m !== 'object' || typeof (m as Message).kind !== 'string') {
      throw new CodecError(`corrupt message batch: message ${k} is not a message with a kind`);
    }
  }
  const msg = new Array<Message>(n);
  const time = new Array<number>(n);
  const k1 = new Array<number>(n);
  const k2 = new Array<number>(n);
  const target = new Array<number>(n);
  for (let i = 0, at = HEADER_BYTES; i < n; i++, at += 8) {
    const t = view.getFloat64(at, true);
    const a = view.getFloat64(at + 8 * n, true);
    const b = view.getFloat64(at + 16 * n, true);
    const actor = view.getInt32(HEADER_BYTES + 24 * n + 4 * i, true);
    const k = view.getInt32(HEADER_BYTES + 28 * n + 4 * i, true);
    if (!(Number.isSafeInteger(t) && t >= 0 && Number.isSafeInteger(a) && a >= 0 && Number.isSafeInteger(b) && b >= 0 && actor >= 0)) {
      throw new CodecError(`corrupt message batch: event ${i} has time ${t}, key (${a}, ${b}), target ${actor}`);
    }
    if (!(k >= 0 && k < distinct.length)) throw new CodecError(`corrupt message batch: event ${i} has message ${k} of ${distinct.length}`);
    msg[i] = distinct[k] as Message;
    time[i] = t;
    k1[i] = a;
    k2[i] = b;
    target[i] = actor;
  }
  return { to, time, k1, k2, target, msg };
}

/** Packs any value (snapshots, traces) into a checksummed, exact-size buffer. */
export function encodeValue(value: unknown): Uint8Array {
  return frame(packr.pack(value));
}

export function decodeValue(bytes: Uint8Array, what = 'msgpack data'): unknown {
  const view = checkLength(bytes, CHECKSUM_BYTES + 1, what);
  const end = bytes.byteLength - CHECKSUM_BYTES;
  if (view.getUint32(end) !== byteChecksum(bytes, end)) throw new CodecError(`corrupt ${what}: checksum mismatch`);
  return unpack(bytes.subarray(0, end), what);
}
