// Checkpoints and traces prove themselves: an edited one, even with its checksums recomputed, is
// refused with exit 2 saying what disagrees; mutated bytes (outer checksum fixed) either change
// nothing (exit 0, the original digest) or exit 2 — never a different result, exit 1 or a crash.
import { CHECKPOINT_FORMAT, CodecError, decodeValue, encodeValue, seal, simulate, unseal } from '@cascade/runtime';
import { ConfigError, TRACE_FORMAT, exploreBase, exploreSeed, parseTrace, replay, resolveConfig, scenarioDef, type DnsTrace } from '@cascade/scenarios';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const SCENARIOS = import.meta.resolve('@cascade/scenarios');
const scratch = mkdtempSync(join(tmpdir(), 'cascade-proof-'));
const packr = new Packr({ useRecords: false, moreTypes: true });

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A run folder holding a checkpoint of a small lease-storm run, and the finished run's digest. */
function checkpointFolder(name: string): { dir: string; digest: string } {
  const dir = join(scratch, name);
  const r = cascade('run', '--scenario', 'lease-storm', '--fleet', '600', '--set', 'fleet.dwfmHosts=3', '--duration', '2h', '--checkpoint-every', '50m', '--threads', '1', '--no-report', '--json', '--out', dir);
  assert.equal(r.code, 0, r.stderr);
  return { dir, digest: JSON.parse(r.stdout).digest as string };
}

/** Re-seals edited content: both the SHA-256 and the outer checksum are recomputed. */
function reseal(bytes: Uint8Array, format: string, edit: (content: Record<string, any>) => void): Buffer {
  const content = unseal(bytes, format, 'file') as Record<string, any>;
  edit(content);
  return Buffer.from(seal(format, content));
}

const original = checkpointFolder('original');
const checkpointBytes = readFileSync(join(original.dir, 'checkpoint.msgpack'));

function resumeEdited(name: string, bytes: Uint8Array) {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'checkpoint.msgpack'), bytes);
  return cascade('resume', dir, '--no-report', '--json');
}

test('resuming an unedited checkpoint gives the digest of the uninterrupted run', () => {
  const r = resumeEdited('unedited', checkpointBytes);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).digest, original.digest);
});

test('a checkpoint whose seed was edited, checksums recomputed, is refused with exit 2 naming the seeds', () => {
  const r = resumeEdited('seed', reseal(checkpointBytes, CHECKPOINT_FORMAT, (c) => (c.config.seed = 2)));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /checkpoint disagrees with itself: its config has seed 2 but its state was saved from seed 1/);
});

test('a checkpoint saved by another build of the models is refused with exit 2 naming both builds, before anything runs', () => {
  const r = resumeEdited('other-build', reseal(checkpointBytes, CHECKPOINT_FORMAT, (c) => (c.description.code = 'f'.repeat(64))));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /saved by another build of cascade's models \(build ffffffffffff, this is build [0-9a-f]{12}\)/);
  assert.equal(r.stdout, '');
});

test('a checkpoint re-packed after an edit but not re-sealed is refused with exit 2', () => {
  const envelope = decodeValue(checkpointBytes, 'checkpoint') as { format: string; sha256: string; body: Uint8Array };
  const content = packr.unpack(envelope.body) as Record<string, any>;
  content.config.seed = 2;
  const r = resumeEdited('unsealed', encodeValue({ ...envelope, body: Uint8Array.from(packr.pack(content)) }));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /does not match its SHA-256/);
});

test('a checkpoint with its partitions emptied is refused with exit 2, not run as a complete run of 0 events', () => {
  const r = resumeEdited('empty', reseal(checkpointBytes, CHECKPOINT_FORMAT, (c) => (c.partitions = [])));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /corrupt checkpoint: partitions/);
});

test('a checkpoint whose policy was edited is refused with exit 2 (its config hash differs), not "class ... not reachable"', () => {
  const r = resumeEdited('policy', reseal(checkpointBytes, CHECKPOINT_FORMAT, (c) => (c.config.policy.queue = 'lifo')));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /its config is not the one its state was saved from/);
});

test('a checkpoint whose actors were moved out of range is refused with exit 2', () => {
  const r = resumeEdited('actors', reseal(checkpointBytes, CHECKPOINT_FORMAT, (c) => (c.partitions[0].actors[0][0] = 1e6)));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /out of range or saved twice/);
});

function findTrace(): DnsTrace {
  const base = exploreBase({ sets: ['duration=1h', 'dns.endpoints=100'] });
  for (let seed = 1; seed <= 50; seed++) {
    const result = exploreSeed(base, seed);
    if (result.trace !== null) return result.trace;
  }
  throw new Error('no violation in 50 seeds');
}

const trace = findTrace();
const traceBytes = seal(TRACE_FORMAT, trace);
const traceDigest = replay(trace).digest;

test('a trace whose violation was edited, checksums recomputed, is refused with exit 2 naming the field', () => {
  const file = join(scratch, 'edited-trace.msgpack');
  writeFileSync(file, reseal(traceBytes, TRACE_FORMAT, (t) => (t.violation.at = [])));
  const r = cascade('replay', file);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not a valid trace: violation\.at/);
});

test('a trace whose seed was edited, checksums recomputed, is refused with exit 2 naming the seeds', () => {
  const file = join(scratch, 'seed-trace.msgpack');
  writeFileSync(file, reseal(traceBytes, TRACE_FORMAT, (t) => (t.config.seed = t.config.seed + 1)));
  const r = cascade('replay', file);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /the trace disagrees with itself: its config has seed \d+ but it was found with seed \d+/);
});

/** The frame's FNV-1a checksum, as codec.ts computes it. */
function fixChecksum(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - 4;
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(end, h >>> 0);
  return bytes;
}

/** Byte edits: changed, inserted or deleted bytes anywhere before the checksum, which is then fixed. */
function mutated(bytes: Uint8Array) {
  const edit = fc.record({ at: fc.nat({ max: bytes.length - 5 }), kind: fc.constantFrom('set', 'insert', 'delete'), value: fc.integer({ min: 0, max: 255 }) });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const out = Array.from(bytes);
    for (const { at, kind, value } of edits) {
      const i = Math.min(at, out.length - 5);
      if (kind === 'set') out[i] = value;
      else if (kind === 'insert') out.splice(i, 0, value);
      else if (out.length > 6) out.splice(i, 1);
    }
    return fixChecksum(Uint8Array.from(out));
  });
}

/** What the CLI would do, in process: 2 for bad input, 0 with a digest for a run; anything else throws. */
async function resumeOutcome(bytes: Uint8Array): Promise<{ exit: 0; digest: string } | { exit: 2 }> {
  try {
    const { decodeCheckpoint } = await import('@cascade/runtime');
    const checkpoint = decodeCheckpoint(bytes);
    const config = resolveConfig(scenarioDef(checkpoint.scenario), { file: { path: 'checkpoint', content: checkpoint.config } });
    const result = await simulate({ modelModule: SCENARIOS, scenario: checkpoint.scenario, config, threads: 1, resumeFrom: bytes });
    return { exit: 0, digest: result.digest };
  } catch (error) {
    if (error instanceof CodecError || error instanceof ConfigError) return { exit: 2 };
    throw error;
  }
}

function replayOutcome(bytes: Uint8Array): { exit: 0; digest: string } | { exit: 2 } {
  try {
    const r = replay(parseTrace(unseal(bytes, TRACE_FORMAT, 'trace file'), 'trace'));
    assert.ok(r.ok, 'a trace that passes its checks reproduces its violation');
    return { exit: 0, digest: r.digest };
  } catch (error) {
    if (error instanceof CodecError || error instanceof ConfigError) return { exit: 2 };
    throw error;
  }
}

test('property: a mutated checkpoint with its checksum fixed resumes to the original digest or is refused as bad input', async () => {
  await fc.assert(
    fc.asyncProperty(mutated(checkpointBytes), async (bytes) => {
      const outcome = await resumeOutcome(bytes);
      if (outcome.exit === 0) assert.equal(outcome.digest, original.digest);
    }),
    { numRuns: 150, seed: 17 },
  );
});

test('property: a mutated trace with its checksum fixed replays to the original digest or is refused as bad input', () => {
  fc.assert(
    fc.property(mutated(traceBytes), (bytes) => {
      const outcome = replayOutcome(bytes);
      if (outcome.exit === 0) assert.equal(outcome.digest, traceDigest);
    }),
    { numRuns: 300, seed: 17 },
  );
});

test('property, through the binary: mutated checkpoints and traces exit 0 with the original digest or exit 2, never 1 or a crash', () => {
  fc.assert(
    fc.property(mutated(checkpointBytes), mutated(traceBytes), (checkpoint, traceFile) => {
      const r = resumeEdited('mutated', checkpoint);
      assert.ok(r.code === 0 || r.code === 2, `resume exit ${r.code}: ${r.stderr}`);
      if (r.code === 0) assert.equal(JSON.parse(r.stdout).digest, original.digest);
      const file = join(scratch, 'mutated-trace.msgpack');
      writeFileSync(file, traceFile);
      const t = cascade('replay', file, '--json');
      assert.ok(t.code === 0 || t.code === 2, `replay exit ${t.code}: ${t.stderr}`);
      if (t.code === 0) assert.equal(JSON.parse(t.stdout).digest, traceDigest);
    }),
    { numRuns: 6, seed: 17 },
  );
});
