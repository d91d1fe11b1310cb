// End-to-end on NATS through the real binary: `cascade worker` processes serve a sweep and a
// partitioned run, and both give exactly the local results.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startNats, type Nats } from './cluster-fixture.js';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-cluster-cli-'));

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function startCliWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--nats', url, '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`worker did not join: ${log}`)), 20_000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (/ joined /.test(log)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${log}`)));
  });
}

let nats: Nats;
let workers: ChildProcess[] = [];
before(async () => {
  nats = await startNats();
  workers = await Promise.all([startCliWorker(nats.url), startCliWorker(nats.url)]);
});
after(async () => {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          w.once('exit', () => resolve());
          w.kill('SIGTERM');
        }),
    ),
  );
  await nats.stop();
});

const SWEEP = ['sweep', '--scenario', 'phold', '--fleet', '300', '--duration', '10s', '--vary', 'phold.remote=0.1,0.6', '--seeds', '2', '--json', '--quiet'];

test('cascade sweep --nats through cascade worker processes gives the local runs exactly', () => {
  const local = cascade(...SWEEP, '--threads', '2', '--out', join(scratch, 'local'));
  const remote = cascade(...SWEEP, '--nats', nats.url, '--out', join(scratch, 'remote'));
  assert.equal(local.code, 0, local.stderr);
  assert.equal(remote.code, 0, remote.stderr);
  const pick = (out: string) =>
    (JSON.parse(out) as { runs: { vary: unknown; seed: number; digest: string }[] }).runs.map((r) => ({ vary: r.vary, seed: r.seed, digest: r.digest }));
  assert.deepEqual(pick(remote.stdout), pick(local.stdout));
  assert.equal(pick(remote.stdout).length, 4);
});

test('cascade run --nats --workers 2 gives the local digest', () => {
  const args = ['run', '--scenario', 'phold', '--fleet', '2000', '--duration', '10s', '--set', 'phold.remote=0.3', '--json', '--no-report'];
  const local = cascade(...args, '--threads', '2', '--out', join(scratch, 'run-local'));
  const remote = cascade(...args, '--nats', nats.url, '--workers', '2', '--out', join(scratch, 'run-remote'));
  assert.equal(remote.code, 0, remote.stderr);
  const a = JSON.parse(local.stdout);
  const b = JSON.parse(remote.stdout);
  assert.equal(b.engine.partitions, 2);
  assert.equal(b.digest, a.digest);
});

test('a bad --nats URL exits 2 naming it; --nats without --workers on run exits 2', () => {
  const bad = cascade('sweep', '--scenario', 'phold', '--vary', 'phold.remote=0.1', '--nats', 'http://x');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--nats http:\/\/x: bad NATS URL/);
  const lonely = cascade('run', '--scenario', 'phold', '--nats', nats.url);
  assert.equal(lonely.code, 2);
  assert.match(lonely.stderr, /--nats URL and --workers N go together/);
});
