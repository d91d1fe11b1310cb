// Interrupts and resumption through the real binary: SIGINT stops a run with exit 130 and an
// incomplete summary and leaves no process; `cascade resume` finishes it with the digest of the
// uninterrupted run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-interrupt-'));
const RUN = ['--scenario', 'phold', '--fleet', '20000', '--duration', '400', '--set', 'phold.remote=0.3', '--no-report', '--quiet'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const threads of ['1', '2']) {
  test(`SIGINT stops a run (${threads} thread${threads === '1' ? '' : 's'}) with exit 130, an incomplete summary and no process left; resume gives the uninterrupted digest`, async () => {
    const out = join(scratch, `run-${threads}`);
    const child = spawn(process.execPath, [CLI, 'run', ...RUN, '--threads', threads, '--checkpoint-every', '20s', '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !existsSync(join(out, 'checkpoint.msgpack')); i++) await sleep(50);
    assert.ok(existsSync(join(out, 'checkpoint.msgpack')), 'a checkpoint was written');
    const signalledAt = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, stderr);
    assert.ok(Date.now() - signalledAt < 3000, 'stops promptly');
    assert.ok(!alive(child.pid as number), 'no process left');
    const partial = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(partial.complete, false);
    assert.match(stderr, /interrupted at t=/);

    const resumed = spawnSync(process.execPath, [CLI, 'resume', out, '--threads', threads === '1' ? '2' : '1', '--json', '--no-report'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(resumed.status, 0, resumed.stderr);
    const finished = JSON.parse(resumed.stdout);
    assert.equal(finished.complete, true);
    const whole = spawnSync(process.execPath, [CLI, 'run', ...RUN, '--threads', '1', '--json', '--out', join(scratch, `whole-${threads}`)], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(JSON.parse(whole.stdout).digest, finished.digest);
  });
}

test('resume without a checkpoint exits 2 naming the file', () => {
  const r = spawnSync(process.execPath, [CLI, 'resume', scratch], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /checkpoint\.msgpack: no checkpoint/);
});
