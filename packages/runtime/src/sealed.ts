// Sealed files (checkpoints, traces): the content is packed on its own and stored with its SHA-256
// inside a checksummed msgpack envelope {format, sha256, body}, so that a file edited or damaged
// anywhere, even with its outer checksum recomputed, is rejected before any of it is used.
import { canonicalJson } from '@cascade/kernel';
import { createHash } from 'node:crypto';
import { Packr } from 'msgpackr';
import { CodecError, decodeValue, encodeValue } from './codec.js';

const packr = new Packr({ useRecords: false, moreTypes: true });

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The SHA-256 of a config's canonical JSON: what a sealed file's description records. */
export function configSha256(config: unknown): string {
  return sha256(canonicalJson(config));
}

/** At most this much of a foreign value is echoed in a message. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function seal(format: string, content: unknown): Uint8Array {
  const body = Uint8Array.from(packr.pack(content));
  return encodeValue({ format, sha256: sha256(body), body });
}

/** The content of a sealed file of `format`; anything else is a CodecError naming what is wrong. */
export function unseal(bytes: Uint8Array, format: string, what: string): unknown {
  const envelope = decodeValue(bytes, what) as { format?: unknown; sha256?: unknown; body?: unknown } | null;
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) throw new CodecError(`not a ${what} (expected format ${format})`);
  if (envelope.format !== format) {
    const got = typeof envelope.format === 'string' ? `format ${shown(envelope.format)}` : 'no format';
    throw new CodecError(`not a ${what} of this cascade: it has ${got}, expected ${format}`);
  }
  if (typeof envelope.sha256 !== 'string' || !(envelope.body instanceof Uint8Array)) throw new CodecError(`corrupt ${what}: no sealed content`);
  if (sha256(envelope.body) !== envelope.sha256) throw new CodecError(`corrupt ${what}: its content does not match its SHA-256 (edited or damaged)`);
  try {
    return packr.unpack(envelope.body);
  } catch (error) {
    throw new CodecError(`corrupt ${what}: ${shown((error as Error).message)}`);
  }
}
