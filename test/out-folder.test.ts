// The output folder is checked before any work (a path, a folder, writable, ours unless --force),
// an earlier run's files that a new run does not rewrite do not stay, and a failed write (disk
// full included) names the path and leaves no temporary file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-out-'));
const SMALL = ['--scenario', 'lease-storm', '--fleet', '600', '--set', 'fleet.dwfmHosts=3', '--duration', '1h', '--threads', '1', '--quiet'];
/** A folder no process may write to, root included (sysfs is mounted read-only here). */
const UNWRITABLE = '/sys/cascade-out-test';

function cascade(args: string[], cwd?: string) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000, cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

test("--out '' exits 2 and writes nothing into the current folder", () => {
  const cwd = join(scratch, 'cwd');
  mkdirSync(cwd);
  const r = cascade(['run', ...SMALL, '--out', ''], cwd);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--out '': expected a folder path/);
  assert.deepEqual(readdirSync(cwd), []);
});

test('an existing file as --out exits 2 saying it is a file', () => {
  const file = join(scratch, 'a-file');
  writeFileSync(file, 'x');
  const r = cascade(['run', ...SMALL, '--out', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /a-file: is a file, not a folder/);
});

for (const [command, args] of [
  ['run', SMALL],
  ['sweep', [...SMALL, '--vary', 'policy.queue=fifo,lifo', '--seeds', '1']],
  ['tune', [...SMALL, '--objective', 'leases.recoveredAt', '--space', 'policy.queue=fifo,lifo', '--budget', '2', '--seeds', '1']],
  ['bench', ['--scenario', 'lease-storm', '--fleet', '600', '--duration', '1h', '--quiet']],
  ['explore', ['--seeds', '4', '--set', 'duration=1h', '--threads', '1', '--quiet']],
] as const) {
  test(`an unwritable --out makes ${command} exit 2 naming the folder, before any run`, () => {
    const r = cascade([command, ...args, '--out', UNWRITABLE]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out \/sys\/cascade-out-test: cannot write there: E[A-Z]+/);
    assert.doesNotMatch(r.stderr, /run failed/);
  });
}

test('a non-empty folder that cascade run did not write is refused unless --force, which leaves its files alone', () => {
  const dir = join(scratch, 'foreign');
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  const refused = cascade(['run', ...SMALL, '--no-report', '--out', dir]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /holds files that 'cascade run' does not write \(notes\.txt\).*--force/);
  assert.deepEqual(readdirSync(dir), ['notes.txt']);
  const forced = cascade(['run', ...SMALL, '--no-report', '--force', '--out', dir]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok(existsSync(join(dir, 'notes.txt')) && existsSync(join(dir, 'summary.json')));
});

test('a run folder is refused as the output of a sweep', () => {
  const dir = join(scratch, 'run-then-sweep');
  assert.equal(cascade(['run', ...SMALL, '--no-report', '--out', dir]).code, 0);
  const r = cascade(['sweep', ...SMALL, '--vary', 'policy.queue=fifo,lifo', '--seeds', '1', '--out', dir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /holds files that 'cascade sweep' does not write \(config\.json, histograms, /);
});

test("a rerun into the same run folder leaves none of the earlier run's files it does not rewrite", () => {
  const dir = join(scratch, 'rerun');
  assert.equal(cascade(['run', ...SMALL, '--checkpoint-every', '20m', '--out', dir]).code, 0);
  assert.ok(existsSync(join(dir, 'report.html')) && existsSync(join(dir, 'checkpoint.msgpack')));
  const again = cascade(['run', ...SMALL, '--no-report', '--out', dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'histograms', 'metrics.om', 'summary.json', 'timeseries.csv']);
});

test('a full disk fails the run with exit 1 naming the path and ENOSPC, and leaves no temporary file', (t) => {
  const dir = join(scratch, 'tiny');
  mkdirSync(dir);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir], { encoding: 'utf8' });
  assert.equal(mounted.status, 0, `this test mounts a 16 KiB tmpfs (needs root): ${mounted.stderr}`);
  t.after(() => spawnSync('umount', [dir]));
  const r = cascade(['run', ...SMALL, '--checkpoint-every', '20m', '--out', dir]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot write ${dir}/[a-z./-]+: ENOSPC \\(no space left on device\\)`));
  assert.deepEqual(readdirSync(dir).filter((f) => /tmp|staging/.test(f)), []);
});
