// `cascade map` as a library and through the binary: the boundary found by bisection against the
// FIFO theory (2·A/c droplets per host) for two (A, c) pairs, the same cells on 1 and 2 threads, an
// interrupted map that reruns only its missing cells, Wilson intervals, and bad input exiting 2.
import { scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RUN_LOG_FILE, runMap, wilson95, type MapOptions } from '../packages/tune/dist/index.js';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-map-'));

/** Two hosts; every lease lapses in a 20-minute outage; 10 minutes after it to recover or not. */
function storm(sets: string[]): MapOptions['base'] {
  return { def: scenarioDef('lease-storm'), sets: ['fleet.dwfmHosts=2', 'outage.start=600', 'outage.end=1800', 'duration=2400', ...sets] };
}

function map(out: string, extra: Partial<MapOptions> = {}) {
  return runMap({ base: storm([]), x: 'fleet.droplets=2000..8000', resolution: '5%', seeds: 2, threads: 2, plots: false, outDir: join(scratch, out), ...extra });
}

/** The map the thread and resume tests compare with, run once on 2 threads. */
let reference: ReturnType<typeof map> | undefined;
function referenceMap() {
  reference ??= map('reference');
  return reference;
}

for (const { A, c, theory } of [
  { A: 30, c: 0.02, theory: 6000 },
  { A: 10, c: 0.01, theory: 4000 },
]) {
  test(`a 1-D map over fleet.droplets finds the boundary within 1% of 2·A/c per host (A = ${A} s, c = ${c * 1000} ms)`, async () => {
    const result = await runMap({
      base: storm([`lease.attemptTimeout=${A}`, `lease.establishCost=${c}`]),
      x: 'fleet.droplets=2000..8000',
      resolution: '1%',
      seeds: 1,
      threads: 2,
      plots: false,
      outDir: join(scratch, `theory-${A}`),
    });
    const [b] = result.boundary;
    assert.ok(b !== undefined && b.x !== null && b.theory !== null);
    assert.equal(b.theory.boundary, theory, '2 hosts × 2·A/c');
    assert.equal(b.collapsedAbove, true);
    assert.ok(Math.abs(b.x - theory) <= 0.01 * theory, `boundary ${b.x} against theory ${theory}`);
    assert.ok((b.hi as number) - (b.lo as number) <= 0.01 * b.x, `bracket ${b.lo}..${b.hi}`);
    // bisection, not a full grid: 9 grid cells and a few midpoints
    assert.ok(result.cells.length < 20, `${result.cells.length} cells`);
  });
}

test('map cells are the same on 1 and 2 threads', async () => {
  const one = await map('threads-1', { threads: 1 });
  const two = await referenceMap();
  assert.deepEqual(one.cells, two.cells);
  assert.deepEqual(one.boundary, two.boundary);
  assert.ok(one.cells.some((c) => c.source === 'bisection'));
});

test('an interrupted map rerun with the same --out runs only the missing cells', async () => {
  const whole = await referenceMap();
  const first = await map('resume', { maxRuns: 5 });
  assert.equal(first.complete, false);
  assert.equal(first.executed, 5);
  assert.ok(!existsSync(join(scratch, 'resume', 'map.json')), 'no map.json for an incomplete map');
  const second = await map('resume');
  assert.equal(second.complete, true);
  assert.equal(second.resumed, 5);
  assert.equal(second.executed, whole.runs - 5);
  assert.deepEqual(second.cells, whole.cells);
  const lines = readFileSync(join(scratch, 'resume', RUN_LOG_FILE), 'utf8').split('\n').slice(1).filter((l) => l !== '');
  assert.equal(lines.length, whole.runs, 'every run once');
  // a third time: nothing left to run
  const third = await map('resume');
  assert.equal(third.executed, 0);
});

test('Wilson 95% intervals match the textbook values', () => {
  const close = (a: [number, number], b: [number, number]) => a.forEach((v, i) => assert.ok(Math.abs(v - (b[i] as number)) < 1e-4, `${a} vs ${b}`));
  close(wilson95(0, 10), [0, 0.27753]);
  close(wilson95(5, 10), [0.23659, 0.76341]);
  close(wilson95(10, 10), [0.72247, 1]);
});

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('cascade map --json prints axes, cells and boundary, and writes map.json, map.csv and the heatmap', () => {
  const out = join(scratch, 'cli');
  const r = cascade('map', '--scenario', 'lease-storm', '--set', 'fleet.dwfmHosts=2', '--set', 'outage.end=1800', '--duration', '2400', '--x', 'fleet.droplets=2000..8000', '--y', 'lease.attemptTimeout=20,30', '--resolution', '250', '--seeds', '1', '--threads', '2', '--out', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(json), ['axes', 'cells', 'boundary']);
  assert.deepEqual(json.axes.map((a: { key: string }) => a.key), ['fleet.droplets', 'lease.attemptTimeout']);
  assert.deepEqual(Object.keys(json.cells[0]).slice(0, 2), ['x', 'y']);
  for (const key of ['collapseProbability', 'ci95', 'recovery']) assert.ok(key in json.cells[0], key);
  assert.deepEqual(json.boundary.map((b: { y: number }) => b.y), [20, 30]);
  for (const b of json.boundary) {
    assert.ok(b.hi - b.lo <= 250, `bracket ${b.lo}..${b.hi}`);
    assert.ok(Math.abs(b.x - b.theory.boundary) <= 250, `row ${b.y}: ${b.x} vs ${b.theory.boundary}`);
  }
  for (const file of ['map.json', 'map.csv', 'map.html', 'plots/map.svg', 'plots/map.png', RUN_LOG_FILE]) assert.ok(existsSync(join(out, file)), file);
  assert.match(readFileSync(join(out, 'map.csv'), 'utf8').split('\n')[0] as string, /^lease\.attemptTimeout,fleet\.droplets,source,runs,collapsed,collapseProbability,ci95Lo,ci95Hi/);
});

for (const [args, pattern] of [
  [['--x', 'fleet.droplets=5000..1000'], /^cascade: --x fleet\.droplets=5000\.\.1000: empty range; LO must be below HI$/],
  [['--x', 'fleet.dropletz=1..2'], /^cascade: --x fleet\.dropletz: unknown key .*did you mean fleet\.droplets/],
  [['--x', 'policy.queue=1..2'], /^cascade: --x policy\.queue: not a numeric key/],
  [['--x', 'fleet.droplets=1000..8000', '--resolution', '0%'], /^cascade: --resolution 0%: expected a percentage above 0 and below 100/],
  [['--x', 'fleet.droplets=1000..8000', '--resolution', '9000'], /^cascade: --resolution 9000: not below the width of --x/],
  [['--x', 'fleet.droplets=1000..8000', '--y', 'fleet.droplets=1,2'], /^cascade: --y fleet\.droplets: the same key as --x/],
  [[], /^cascade: --x: required/],
  [['--x', 'fleet.droplets=1000..8000', '--fleet', '5000'], /^cascade: --x fleet\.droplets: --fleet 5000 fixes it too; drop --fleet/],
] as const) {
  test(`cascade map ${args.join(' ') || '(no --x)'} exits 2 with one line`, () => {
    const r = cascade('map', '--scenario', 'lease-storm', ...args, '--out', join(scratch, 'bad'));
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr.trim(), pattern);
  });
}

test('cascade map refuses a scenario without leases, naming the ones it takes', () => {
  const r = cascade('map', '--scenario', 'phold', '--x', 'phold.remote=0..1', '--out', join(scratch, 'phold'));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.trim(), /^cascade: --scenario phold: cascade map needs runs that report leases\.recoveredAt; use one of lease-storm, us-east-1-2025-10-20$/);
});
