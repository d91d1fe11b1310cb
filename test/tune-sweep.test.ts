// `cascade sweep` as a library (@cascade/tune): determinism across thread counts, resuming an
// interrupted sweep, its output files, and bad input.
import { ConfigError, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RUN_LOG_FILE, runSweep, type SweepOptions } from '../packages/tune/dist/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'cascade-sweep-'));
const PHOLD = { def: scenarioDef('phold'), sets: ['phold.lps=200', 'duration=20'] };
const GRID = ['phold.remote=0.1,0.5', 'phold.mean=500ms,1'];

function sweep(out: string, extra: Partial<SweepOptions> = {}) {
  return runSweep({ base: PHOLD, vary: GRID, seeds: 2, threads: 2, plots: false, outDir: join(scratch, out), ...extra });
}

/** The run lines of a results log (the header excluded). */
function logLines(out: string): string[] {
  return readFileSync(join(scratch, out, RUN_LOG_FILE), 'utf8').split('\n').slice(1).filter((l) => l !== '');
}

function rejectsWith(promise: Promise<unknown>, pattern: RegExp) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, pattern);
    assert.equal(error.message.split('\n').length, 1, 'one line');
    return true;
  });
}

test('a sweep gives every run the same digest on 1 and 2 threads', async () => {
  const one = await sweep('threads-1', { threads: 1 });
  const two = await sweep('threads-2', { threads: 2 });
  assert.equal(one.runs.length, 8);
  assert.deepEqual(
    one.runs.map((r) => [r.vary, r.seed, r.digest]),
    two.runs.map((r) => [r.vary, r.seed, r.digest]),
  );
  assert.equal(new Set(one.runs.map((r) => r.digest)).size, 8, 'distinct points and seeds give distinct runs');
});

test('an interrupted sweep continues where it stopped and never runs a finished run twice', async () => {
  const first = await sweep('resume', { maxRuns: 3 });
  assert.equal(first.complete, false);
  assert.equal(logLines('resume').length, 3);
  // a write cut off half-way through a line
  appendFileSync(join(scratch, 'resume', RUN_LOG_FILE), '{"vary":{"phold.remote":0.5,"pho');
  const second = await sweep('resume');
  assert.equal(second.complete, true);
  assert.equal(second.resumed, 3);
  assert.equal(second.executed, 5);
  const keys = logLines('resume').map((l) => {
    const r = JSON.parse(l);
    return JSON.stringify([r.vary, r.seed]);
  });
  assert.equal(keys.length, 8);
  assert.equal(new Set(keys).size, 8);
  const whole = await sweep('resume-whole');
  assert.deepEqual(second.runs.map((r) => r.digest), whole.runs.map((r) => r.digest));
  const third = await sweep('resume');
  assert.equal(third.executed, 0);
});

test('a sweep refuses an out folder that holds a different grid', async () => {
  await sweep('other-grid', { maxRuns: 1 });
  await rejectsWith(sweep('other-grid', { vary: ['phold.remote=0.1,0.9', 'phold.mean=500ms,1'] }), /holds runs of a different sweep: vary was/);
  await rejectsWith(sweep('other-grid', { seeds: 3 }), /different sweep: seeds was \[1,2\], now \[1,2,3\]/);
});

test('a sweep writes sweep.csv, sweep.json with a 95% CI per point, and plots', async () => {
  const r = await sweep('files', { plots: true, metrics: ['engine.events'] });
  const dir = join(scratch, 'files');
  const json = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
  assert.equal(json.runs.length, 8);
  assert.deepEqual(Object.keys(json.runs[0]), ['vary', 'seed', 'digest', 'metrics']);
  assert.deepEqual(json.runs[0].vary, { 'phold.remote': 0.1, 'phold.mean': 0.5 }, 'durations in seconds');
  assert.equal(typeof json.runs[0].metrics['engine.events'], 'number');
  assert.ok('leases.recoveredAt' in json.runs[0].metrics && json.runs[0].metrics['leases.recoveredAt'] === null);
  const csv = readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 9);
  assert.match(csv[0] as string, /^phold\.remote,phold\.mean,seed,digest,.*engine\.events/);
  const point = r.points[0]!.metrics['engine.events']!;
  assert.equal(point.n, 2);
  const events = r.runs.slice(0, 2).map((x) => x.metrics['engine.events'] as number);
  assert.equal(point.mean, (events[0]! + events[1]!) / 2);
  // t(0.975, 1) = 12.7062: the half-width of two values a, b is 12.7062 * |a - b| / 2
  assert.ok(Math.abs((point.ci95![1] - point.ci95![0]) / 2 - (12.7062 * Math.abs(events[0]! - events[1]!)) / 2) < 1e-6);
  for (const file of ['points.csv', 'plots/engine-events-vs-phold-remote.svg', 'plots/engine-events-vs-phold-mean.png', 'plots/engine-events-heatmap.svg']) {
    assert.ok(existsSync(join(dir, file)), file);
  }
});

test('bad sweep input is refused with one line before anything runs', async () => {
  await rejectsWith(sweep('bad-1', { vary: ['phold.remot=0.1,0.2'] }), /^--vary phold\.remot: unknown key for scenario 'phold' \(did you mean phold\.remote\?\)$/);
  await rejectsWith(sweep('bad-2', { vary: ['phold.remote=0.1,7'] }), /^--vary phold\.remote=7: /);
  await rejectsWith(sweep('bad-3', { vary: ['phold.remote'] }), /^--vary phold\.remote: expected key=v1,v2/);
  await rejectsWith(sweep('bad-4', { vary: ['seed=1,2'] }), /use --seeds/);
  for (const out of ['bad-1', 'bad-2', 'bad-3', 'bad-4']) assert.equal(existsSync(join(scratch, out)), false, `${out} left no folder`);
});
