// End-to-end: how the real `cascade` binary meets a new user: help without a command, --version,
// "did you mean" for misspelled commands, flags, scenarios and --set keys, and the --threads help.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const CLI_PACKAGE = fileURLToPath(new URL('../packages/cli/package.json', import.meta.url));

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 and exactly one line on stderr, matching `pattern`. */
function assertOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, pattern);
}

test('cascade with no command prints the whole help on stderr and exits 2', () => {
  const r = cascade();
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Usage: cascade /);
  for (const command of ['run', 'sweep', 'keys', 'scenarios']) assert.match(r.stderr, new RegExp(`\\n  ${command} `));
});

test('cascade --version prints the version of the cli package and exits 0', () => {
  const r = cascade('--version');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), JSON.parse(readFileSync(CLI_PACKAGE, 'utf8')).version);
});

test('a misspelled command exits 2 with one line suggesting the command', () => {
  assertOneLineError(cascade('rnu', '--fleet', '6000'), /^cascade: unknown command 'rnu' \(did you mean run\?\)$/);
});

test('an unknown command with nothing near exits 2 listing the commands', () => {
  assertOneLineError(cascade('xyzzy'), /^cascade: unknown command 'xyzzy'; commands: run, .*keys/);
});

test('a misspelled flag exits 2 with one line suggesting the flag of that command', () => {
  assertOneLineError(cascade('run', '--thread', '2'), /^cascade: unknown option '--thread' for cascade run \(did you mean --threads\?\)$/);
});

test('a misspelled --set key exits 2 with one line suggesting the key', () => {
  assertOneLineError(
    cascade('run', '--scenario', 'lease-storm', '--set', 'lease.atemptTimeout=10s'),
    /^cascade: --set lease\.atemptTimeout=10s: unknown key for scenario 'lease-storm' \(did you mean lease\.attemptTimeout\?\)$/,
  );
});

test('a misspelled --set key of the default scenario gets its suggestion too', () => {
  assertOneLineError(cascade('run', '--set', 'operator.throtleAt=never'), /unknown key for scenario 'us-east-1-2025-10-20' \(did you mean operator\.throttleAt\?\)$/);
});

test('an unknown --set key with nothing near points at cascade keys', () => {
  assertOneLineError(cascade('sweep', '--scenario', 'phold', '--vary', 'phold.mean=1,2', '--set', 'phold.speed=3'), /phold\.speed=3: unknown key for scenario 'phold'; see 'cascade keys --scenario phold'$/);
});

test('a misspelled scenario exits 2 suggesting the built-in one', () => {
  assertOneLineError(cascade('run', '--scenario', 'lease-strom'), /^cascade: --scenario lease-strom: unknown scenario \(did you mean lease-storm\?\); built-in: .*lease-storm/);
});

test('a long bad value is echoed cut to about 100 characters', () => {
  const key = `phold.${'x'.repeat(300)}`;
  const r = cascade('run', '--scenario', 'phold', '--set', `${key}=1`);
  assertOneLineError(r, /unknown key for scenario 'phold'/);
  assert.ok(r.stderr.length < 250, r.stderr);
});

test("the --threads help of run says a run uses the machine's cores, or fewer where the scenario measured faster", () => {
  const r = cascade('run', '--help');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.replace(/\s+/g, ' '), /--threads <T> worker threads \(default: the machine's cores, or fewer where the scenario measured faster on fewer\)/);
});

test('cascade scenarios lists every built-in, the default marked', () => {
  const r = cascade('scenarios', '--json');
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout).scenarios as { name: string; default: boolean }[];
  assert.deepEqual(list.map((s) => s.name).sort(), ['dns-race', 'lease-storm', 'phold', 'us-east-1-2025-10-20']);
  assert.deepEqual(list.filter((s) => s.default).map((s) => s.name), ['us-east-1-2025-10-20']);
});
