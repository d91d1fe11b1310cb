// Messages larger than the server's max_payload (1 MB by default) travel as numbered chunks. A
// publisher's messages on one subject arrive in order, so a receiver appends chunks as they come.
import { headers, nuid, type Msg, type NatsConnection } from '@nats-io/nats-core';

const CHUNK_HEADER = 'Cascade-Chunk';
/** Room left in each chunk for the chunk header (about 60 bytes) and more. */
const HEADER_ROOM_BYTES = 256;
/** Chunked messages being assembled at once per receiver; more means a sender misbehaves. */
const MAX_PARTIALS = 64;

/** Publishes `bytes` as one message, or as chunks when it exceeds the server's limit. */
export function publishFramed(nc: NatsConnection, subject: string, bytes: Uint8Array): void {
  const maxPayload = nc.info?.max_payload ?? 1_048_576;
  if (maxPayload < HEADER_ROOM_BYTES * 4) throw new Error(`the NATS server's max_payload (${maxPayload} bytes) is too small for cascade: give it at least 64KB`);
  const limit = maxPayload - HEADER_ROOM_BYTES;
  if (bytes.byteLength <= limit) {
    nc.publish(subject, bytes);
    return;
  }
  const id = nuid.next();
  const count = Math.ceil(bytes.byteLength / limit);
  for (let k = 0; k < count; k++) {
    const h = headers();
    h.set(CHUNK_HEADER, `${id} ${k} ${count}`);
    nc.publish(subject, bytes.subarray(k * limit, Math.min(bytes.byteLength, (k + 1) * limit)), { headers: h });
  }
}

interface Partial {
  readonly parts: Uint8Array[];
  readonly count: number;
}

/** Puts chunked messages back together; hands whole messages through untouched. */
export class Reassembler {
  private readonly partials = new Map<string, Partial>();

  /** The whole message once its last chunk is in, else undefined. */
  accept(msg: Msg): Uint8Array | undefined {
    const header = msg.headers?.get(CHUNK_HEADER);
    if (header === undefined || header === '') return msg.data;
    const [id, kText, countText] = header.split(' ') as [string, string, string];
    const k = Number(kText);
    const count = Number(countText);
    let partial = this.partials.get(id);
    if (partial === undefined) {
      if (k !== 0) return undefined; // the start was lost (reconnect): drop the rest
      if (this.partials.size >= MAX_PARTIALS) throw new Error(`more than ${MAX_PARTIALS} chunked messages in flight on ${msg.subject}`);
      partial = { parts: [], count };
      this.partials.set(id, partial);
    }
    if (k !== partial.parts.length) {
      this.partials.delete(id);
      throw new Error(`chunk ${k} of ${count} arrived out of order on ${msg.subject} (expected ${partial.parts.length})`);
    }
    partial.parts.push(msg.data);
    if (partial.parts.length < count) return undefined;
    this.partials.delete(id);
    const whole = new Uint8Array(partial.parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of partial.parts) {
      whole.set(p, at);
      at += p.byteLength;
    }
    return whole;
  }
}
