// End-to-end: `cascade sweep` and `cascade tune` through the real binary — their JSON on stdout,
// resuming a cut results log, and bad input exiting 2 with one line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-tune-cli-'));

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PHOLD = ['--scenario', 'phold', '--fleet', '200', '--duration', '10s'];
const GRID = ['--vary', 'phold.remote=0.1,0.5', '--vary', 'phold.mean=0.5,1', '--seeds', '2', '--threads', '2'];

function assertBadInput(r: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, pattern);
}

test('cascade sweep --json prints one contract entry per grid point and seed', () => {
  const r = cascade('sweep', ...PHOLD, ...GRID, '--out', join(scratch, 'json'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const { runs, ...rest } = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(rest), []);
  assert.equal(runs.length, 8);
  assert.deepEqual(Object.keys(runs[0]), ['vary', 'seed', 'digest', 'metrics']);
  assert.deepEqual(runs.map((x: { seed: number }) => x.seed), [1, 2, 1, 2, 1, 2, 1, 2]);
  assert.equal(typeof runs[0].metrics['engine.events'], 'number');
  assert.equal(r.stderr, '', 'no progress bar off a TTY');
});

test('a sweep cut short continues from its results log without rerunning a finished run', () => {
  const out = join(scratch, 'resume');
  assert.equal(cascade('sweep', ...PHOLD, ...GRID, '--out', out, '--quiet').code, 0);
  const log = join(out, 'runs.jsonl');
  const lines = readFileSync(log, 'utf8').split('\n');
  // keep the header and three runs, plus half of the fourth: as if killed mid-write
  writeFileSync(log, `${lines.slice(0, 4).join('\n')}\n${(lines[4] as string).slice(0, 20)}`);
  const r = cascade('sweep', ...PHOLD, ...GRID, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /8 runs \(3 from an earlier, interrupted sweep\)/);
  const after = readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(after.slice(0, 4), lines.slice(0, 4), 'finished runs kept as they were');
  const keys = after.slice(1).map((l) => JSON.stringify([JSON.parse(l).vary, JSON.parse(l).seed]));
  assert.equal(keys.length, 8);
  assert.equal(new Set(keys).size, 8);
  assertBadInput(cascade('sweep', ...PHOLD, '--vary', 'phold.remote=0.1,0.9', '--out', out), /runs\.jsonl holds runs of a different sweep: vary was/);
});

test('cascade tune --json prints the best configuration, its 95% CI and the run count', () => {
  const r = cascade('tune', ...PHOLD, '--objective', 'engine.events', '--space', 'phold.mean=200ms..2s', '--space', 'phold.startEvents=1..3', '--budget', '8', '--seeds', '2', '--threads', '2', '--out', join(scratch, 'tune'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['best', 'runs']);
  assert.deepEqual(Object.keys(out.best), ['config', 'objective', 'ci95']);
  assert.deepEqual(Object.keys(out.best.config), ['phold.mean', 'phold.startEvents']);
  assert.ok(Number.isInteger(out.best.config['phold.startEvents']));
  assert.ok(out.best.ci95[0] <= out.best.objective && out.best.objective <= out.best.ci95[1]);
  assert.ok(out.runs <= 8);
});

test('bad sweep and tune input exits 2 with one line naming the flag', () => {
  const out = join(scratch, 'bad');
  assertBadInput(cascade('sweep', ...PHOLD, '--vary', 'phold.remot=0.1', '--out', out), /^cascade: --vary phold\.remot: unknown key for scenario 'phold'/);
  assertBadInput(cascade('sweep', ...PHOLD, '--vary', 'phold.remote=0.1,2', '--out', out), /^cascade: --vary phold\.remote=2: /);
  assertBadInput(cascade('tune', ...PHOLD, '--objective', 'engine.events', '--space', 'phold.lookahed=1..2', '--out', out), /^cascade: --space phold\.lookahed: unknown key/);
  assertBadInput(cascade('tune', ...PHOLD, '--objective', 'engine.events', '--space', 'phold.mean=5..1', '--out', out), /^cascade: --space phold\.mean=5\.\.1: empty range/);
  assertBadInput(cascade('tune', ...PHOLD, '--objective', 'engine.events', '--space', 'phold.mean=1-5', '--out', out), /^cascade: --space phold\.mean=1-5: /);
  assertBadInput(cascade('tune', ...PHOLD, '--objective', 'leases.recoverdAt', '--space', 'phold.mean=1..5', '--budget', '3', '--seeds', '1', '--out', join(scratch, 'bad-objective')), /^cascade: --objective leases\.recoverdAt: not a numeric field.*did you mean leases\.recoveredAt\?/);
});
