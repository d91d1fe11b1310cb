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

/** Spawns the real binary in its own process group, as a terminal would (Ctrl-C signals the group). */
function spawnGroup(args: string[], options: { cwd?: string; command?: string[] } = {}) {
  const command = options.command ?? [process.execPath, CLI];
  const child = spawn(command[0] as string, [...command.slice(1), ...args], { detached: true, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, ready: () => boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The run records of a results log (its lines after the header); throws on a torn line. */
function logRecords(path: string): { digest: string }[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'the results log ends with a whole line');
  return text.trimEnd().split('\n').slice(1).map((line) => JSON.parse(line) as { digest: string });
}

const STORM = ['--scenario', 'lease-storm', '--fleet', '20000', '--duration', '2h', '--threads', '2', '--quiet'];

for (const [command, args, total] of [
  ['sweep', ['--vary', 'policy.queue=fifo,lifo', '--seeds', '3'], 6],
  ['tune', ['--objective', 'leases.recoveredAt', '--space', 'lease.attemptTimeout=10s..60s', '--budget', '6', '--seeds', '1'], 6],
] as const) {
  test(`SIGINT to a local ${command} with runs in flight exits 130 within a second of the signal; the results log holds only finished runs`, async () => {
    const out = join(scratch, command);
    const log = join(out, 'runs.jsonl');
    const run = spawnGroup([command, ...STORM, ...args, '--out', out]);
    // One run finished: with two threads the next ones are in flight.
    await waitFor('a finished run', () => existsSync(log) && readFileSync(log, 'utf8').split('\n').length > 2);
    const signalledAt = Date.now();
    process.kill(-(run.child.pid as number), 'SIGINT');
    const { code, at } = await run.exited;
    assert.equal(code, 130, run.output().stderr);
    assert.ok(at - signalledAt < 1000, `exited ${at - signalledAt} ms after the signal`);
    await sleep(200);
    assert.ok(!groupAlive(run.child.pid as number), 'no process left in the group');
    const records = logRecords(log);
    assert.ok(records.length >= 1 && records.length < total, `${records.length} of ${total} runs logged`);
    for (const r of records) assert.match(r.digest, /^[0-9a-f]{64}$/);
    assert.match(run.output().stderr, /interrupted after \d+ of \d+ runs/);
  });
}

test('SIGINT to a run that would render a report exits 130 within a second; the run folder is marked incomplete and holds no report', async () => {
  const out = join(scratch, 'report-run');
  const run = spawnGroup(['run', '--scenario', 'lease-storm', '--fleet', '200000', '--threads', '1', '--checkpoint-every', '10m', '--out', out]);
  await waitFor('a checkpoint', () => existsSync(join(out, 'checkpoint.msgpack')));
  const signalledAt = Date.now();
  process.kill(-(run.child.pid as number), 'SIGINT');
  const { code, at } = await run.exited;
  assert.equal(code, 130, run.output().stderr);
  assert.ok(at - signalledAt < 1000, `exited ${at - signalledAt} ms after the signal`);
  assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).complete, false);
  assert.ok(!existsSync(join(out, 'report.html')), 'no report for an interrupted run');
  assert.match(run.output().stdout, /INCOMPLETE: interrupted/);
});

test('SIGTERM to npx alone (not its group) interrupts the run instead of leaving it orphaned', async () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = join(scratch, 'npx-run');
  const npx = spawnGroup(['cascade', 'run', '--scenario', 'lease-storm', '--fleet', '200000', '--threads', '1', '--no-report', '--quiet', '--checkpoint-every', '10m', '--out', out], {
    cwd: root,
    command: ['npx'],
  });
  await waitFor('a checkpoint', () => existsSync(join(out, 'checkpoint.msgpack')));
  const signalledAt = Date.now();
  process.kill(npx.child.pid as number, 'SIGTERM');
  await waitFor('the interrupted run folder', () => existsSync(join(out, 'summary.json')), 5_000);
  assert.ok(Date.now() - signalledAt < 1500, `the run stopped ${Date.now() - signalledAt} ms after the signal`);
  assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).complete, false);
  await waitFor('an empty process group', () => !groupAlive(npx.child.pid as number), 5_000);
});
