// End-to-end: `cascade explore` finds the DNS race without a forced fault, writes a trace, and
// `cascade replay` reproduces it; with the safety switches on it finds nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-explore-'));

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('explore finds an emptied regional record without the forced stall, and replay reproduces it', () => {
  const out = join(scratch, 'found');
  const r = cascade('explore', '--seeds', '40', '--invariant', 'regional-endpoint-never-empty', '--threads', '2', '--out', out, '--json');
  assert.equal(r.code, 1, r.stderr);
  const found = JSON.parse(r.stdout);
  assert.equal(found.violation.invariant, 'regional-endpoint-never-empty');
  assert.ok(found.seedsRun >= 1 && found.seedsRun <= 40);
  assert.ok(existsSync(found.trace));
  const replayed = cascade('replay', found.trace, '--json');
  assert.equal(replayed.code, 0, replayed.stderr);
  const rr = JSON.parse(replayed.stdout);
  assert.equal(rr.ok, true);
  assert.equal(rr.actual.at, found.violation.at);
});

test('explore stops at the same seed whatever the thread count', () => {
  const one = JSON.parse(cascade('explore', '--seeds', '40', '--invariant', 'regional-endpoint-never-empty', '--threads', '1', '--out', join(scratch, 't1'), '--json').stdout);
  const two = JSON.parse(cascade('explore', '--seeds', '40', '--invariant', 'regional-endpoint-never-empty', '--threads', '2', '--out', join(scratch, 't2'), '--json').stdout);
  assert.deepEqual(one.violation, two.violation);
});

test('with every safety switch on, explore finds no violation', () => {
  const r = cascade(
    'explore', '--seeds', '30', '--threads', '2', '--json',
    '--set', 'dns.safety.versionCheck=atApply', '--set', 'dns.safety.cleanupSparesActive=true', '--set', 'dns.safety.rejectEmpty=true',
  );
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.violation, null);
  assert.equal(result.seedsRun, 30);
});

test('a corrupted trace is rejected with exit 2 naming the file', () => {
  const out = join(scratch, 'found');
  const good = readFileSync(join(out, 'trace.msgpack'));
  const bad = Buffer.from(good);
  bad[Math.floor(bad.length / 2)] = (bad[Math.floor(bad.length / 2)] as number) ^ 0x40;
  const file = join(scratch, 'bad.msgpack');
  writeFileSync(file, bad);
  const r = cascade('replay', file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.msgpack: corrupt trace file/);
});

test('explore rejects scenarios other than dns-race and unknown invariants with exit 2', () => {
  assert.equal(cascade('explore', '--scenario', 'phold').code, 2);
  const r = cascade('explore', '--invariant', 'never-sad');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--invariant never-sad: expected one of/);
});
