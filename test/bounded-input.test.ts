// Inputs are bounded: folders and devices where a file is expected, oversized scenario files,
// YAML alias bombs, durations the kernel cannot hold, huge values echoed in errors, runs too big
// for memory on every command that starts runs, and --nats that must not quietly run locally.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-bounded-'));

function cascade(...args: string[]) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Exit 2 with one line on stderr matching `pattern`. */
function badInput(r: ReturnType<typeof cascade>, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

test('a folder given as a scenario, a scenario file or a trace exits 2', () => {
  badInput(cascade('run', '--scenario', scratch, '--quiet'), /is a folder, not a scenario file/);
  badInput(cascade('validate', scratch), /is a folder, not a scenario file/);
  badInput(cascade('replay', scratch), /not a trace file \(a folder or a device\)/);
});

test('cascade validate /dev/zero exits 2 at once instead of reading until memory runs out', () => {
  const r = cascade('validate', '/dev/zero');
  badInput(r, /\/dev\/zero: not a regular file/);
  assert.ok(r.ms < 30_000, `${r.ms} ms`);
});

test('a scenario file above the size limit is refused before parsing', () => {
  const file = join(scratch, 'big.yaml');
  writeFileSync(file, `scenario: lease-storm\n${'#'.repeat(2 << 20)}\n`);
  badInput(cascade('validate', file), /big\.yaml: \d+ bytes; a scenario file may have at most 1048576 bytes/);
});

test('a YAML alias bomb exits 2 saying aliases are limited', () => {
  const file = join(scratch, 'bomb.yaml');
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']]) levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  writeFileSync(file, `scenario: lease-storm\n${levels.join('\n')}\n`);
  badInput(cascade('validate', file), /bomb\.yaml: .*at most 100 YAML aliases/);
});

test('durations the kernel cannot hold exit 2: --duration 1e15, --checkpoint-every 1e400', () => {
  badInput(cascade('run', '--scenario', 'lease-storm', '--duration', '1e15', '--quiet'), /duration: must be at most \d+ s/);
  badInput(cascade('run', '--scenario', 'lease-storm', '--checkpoint-every', '1e400', '--quiet'), /--checkpoint-every 1e400: expected a duration .* from 1us to \d+ s/);
  badInput(cascade('run', '--scenario', 'phold', '--set', 'phold.lookahead=1e400', '--quiet'), /phold\.lookahead/);
});

test('an error echoes at most about 100 characters of a huge value, from a flag or a file', () => {
  const huge = 'x'.repeat(100_000);
  const fromSet = cascade('run', '--scenario', 'lease-storm', '--set', `policy.queue=${huge}`, '--quiet');
  badInput(fromSet, /policy\.queue: expected one of/);
  assert.ok(fromSet.stderr.length < 400, `${fromSet.stderr.length} characters`);
  const fromFlag = cascade('sweep', '--scenario', 'lease-storm', '--seeds', '9'.repeat(100_000));
  badInput(fromFlag, /--seeds/);
  assert.ok(fromFlag.stderr.length < 400, `${fromFlag.stderr.length} characters`);
  const file = join(scratch, 'huge-value.yaml');
  writeFileSync(file, `scenario: lease-storm\npolicy:\n  queue: "${'y'.repeat(900_000)}"\n`);
  const fromFile = cascade('validate', file);
  badInput(fromFile, /policy\.queue: expected one of/);
  assert.ok(fromFile.stderr.length < 400, `${fromFile.stderr.length} characters`);
});

for (const [command, args] of [
  ['sweep', ['--vary', 'policy.queue=fifo,lifo']],
  ['tune', ['--objective', 'leases.recoveredAt', '--space', 'policy.queue=fifo,lifo']],
  ['bench', []],
] as const) {
  test(`${command} refuses runs too big for this machine's memory with exit 2 before starting them`, () => {
    const r = cascade(command, '--scenario', 'lease-storm', '--fleet', '1e9', ...args, '--out', join(scratch, `huge-${command}`), '--quiet');
    badInput(r, /estimated peak memory [\d.]+ GiB exceeds the limit [\d.]+ GiB .*--force/);
  });
}

test('--nats with --workers 1 does not quietly run on this machine: it needs the cluster', () => {
  const r = cascade('run', '--scenario', 'lease-storm', '--fleet', '600', '--duration', '1h', '--nats', 'nats://127.0.0.1:1', '--workers', '1', '--out', join(scratch, 'nats-one'), '--quiet');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cannot connect to NATS at nats:\/\/127\.0\.0\.1:1/);
});
