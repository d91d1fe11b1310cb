// End-to-end: the real `cascade` binary, its exit codes, messages and run folder.
import { missingSummaryFields } from '@cascade/metrics';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-cli-'));

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SMALL = ['--scenario', 'phold', '--fleet', '2000', '--duration', '10s', '--set', 'phold.remote=0.2'];

test('cascade run writes a complete run folder whose summary has every contract field', () => {
  const out = join(scratch, 'run-1');
  const r = cascade('run', ...SMALL, '--threads', '2', '--out', out, '--quiet');
  assert.equal(r.code, 0, r.stderr);
  for (const file of ['summary.json', 'config.json', 'timeseries.csv', 'report.html']) assert.ok(existsSync(join(out, file)), file);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(missingSummaryFields(summary), []);
  assert.equal(summary.schema, 'cascade.summary/1');
  assert.equal(summary.complete, true);
  assert.equal(summary.engine.threads, 2);
  assert.ok(summary.engine.windows > 10);
  assert.ok(summary.engine.cpuSeconds > 0, 'the CPU time of all the threads of the run');
  assert.match(summary.digest, /^[0-9a-f]{64}$/);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(config.phold.lps, 2000);
  assert.equal(config.phold.remote, 0.2);
});

test('cascade run --json gives the same digest with 1 and 2 threads', () => {
  const one = JSON.parse(cascade('run', ...SMALL, '--threads', '1', '--json', '--no-report', '--out', join(scratch, 'one')).stdout);
  const two = JSON.parse(cascade('run', ...SMALL, '--threads', '2', '--json', '--no-report', '--out', join(scratch, 'two')).stdout);
  assert.equal(one.engine.partitions, 1);
  assert.equal(two.engine.partitions, 2);
  assert.equal(one.digest, two.digest);
  assert.equal(one.engine.events, two.engine.events);
});

test('an unknown flag exits 2 with one line naming it', () => {
  const r = cascade('run', '--bogus');
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /--bogus/);
});

test('a bad flag value exits 2 naming the flag, the value and what is allowed', () => {
  const r = cascade('run', '--threads', 'many');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--threads.*'many'.*whole number/);
});

test('a bad --set exits 2 naming the key, the value and the allowed range', () => {
  const r = cascade('run', '--scenario', 'phold', '--set', 'phold.remote=1.5', '--out', join(scratch, 'bad'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /phold\.remote.*<=1.*1\.5/);
  assert.ok(!existsSync(join(scratch, 'bad')), 'no run folder for rejected input');
});

test('an unknown --set key exits 2 naming the key', () => {
  const r = cascade('run', '--scenario', 'phold', '--set', 'phold.speed=3');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /phold\.speed.*unknown key/);
});

test('a scenario file with a bad value exits 2 naming the file and the key', () => {
  const file = join(scratch, 'bad.yaml');
  writeFileSync(file, 'scenario: phold\nphold:\n  lps: -5\n');
  const r = cascade('validate', file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.yaml: line 3: phold\.lps/);
});

test('a scenario file with broken YAML exits 2 naming the file and the line', () => {
  const file = join(scratch, 'broken.yaml');
  writeFileSync(file, 'scenario: phold\nphold:\n  lps: [1, 2\n');
  const r = cascade('validate', file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken\.yaml: line \d+/);
});

test('a valid scenario file validates and runs', () => {
  const file = join(scratch, 'good.yaml');
  writeFileSync(file, 'scenario: phold\nduration: 5s\nphold:\n  lps: 300\n');
  assert.equal(cascade('validate', file).code, 0);
  const r = cascade('run', '--scenario', file, '--threads', '1', '--json', '--no-report', '--out', join(scratch, 'good'));
  assert.equal(r.code, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).engine.events > 1000);
});

for (const threads of ['1', '2']) {
  test(`an exception in an actor exits 1 naming the actor, message kind and time, and leaves no results (${threads} threads)`, () => {
    const out = join(scratch, `crash-${threads}`);
    const r = cascade('run', ...SMALL, '--set', 'faults.crashAt=4s', '--threads', threads, '--out', out);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /actor 'lp-0' failed handling 'phold' at t=4\.\d{6}s: Error: injected fault/);
    assert.ok(!existsSync(join(out, 'summary.json')));
  });
}

test('cascade bench prints events, windows, the cores kept busy, events/s and the speed-up, and writes bench.json with the machine', () => {
  const out = join(scratch, 'bench');
  const r = cascade('bench', '--scenario', 'phold', '--fleet', '1000,2000', '--duration', '5s', '--threads', '1,2', '--repeat', '2', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /events\/s/);
  assert.match(r.stdout, /speedup/);
  // repetitions run in rounds, every configuration once per round
  const started = r.stderr.split('\n').filter((line) => line.startsWith('bench: '));
  assert.deepEqual(
    started.map((line) => line.replace(/^bench: phold /, '')),
    [1, 2].flatMap((repeat) => ['fleet=1000 threads=1', 'fleet=1000 threads=2', 'fleet=2000 threads=1', 'fleet=2000 threads=2'].map((c) => `${c} repeat=${repeat}`)),
  );
  const bench = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
  assert.ok(bench.machine.cores >= 1 && typeof bench.machine.cpu === 'string');
  // reported by configuration, then repetition
  assert.deepEqual(
    bench.runs.map((x: { fleet: number; threads: number; repeat: number }) => `${x.fleet}/${x.threads}/${x.repeat}`),
    ['1000/1/1', '1000/1/2', '1000/2/1', '1000/2/2', '2000/1/1', '2000/1/2', '2000/2/1', '2000/2/2'],
  );
  // the cores column is each run's CPU time over its wall time, rows in the order of bench.json
  const rows = r.stdout.split('\n').filter((line) => line.startsWith('phold '));
  assert.deepEqual(
    rows.map((line) => line.trim().split(/\s+/)[7]),
    bench.runs.map((x: { cpuSeconds: number; wallSeconds: number }) => {
      assert.ok(x.cpuSeconds > 0);
      return (x.cpuSeconds / x.wallSeconds).toFixed(2);
    }),
  );
  for (const fleet of [1000, 2000]) {
    const digests = new Set(bench.runs.filter((x: { fleet: number }) => x.fleet === fleet).map((x: { digest: string }) => x.digest));
    assert.equal(digests.size, 1, 'same digest for 1 and 2 threads and every repetition');
  }
});

test('cascade report rebuilds the report of a run folder, and names a missing file', () => {
  const out = join(scratch, 'run-1');
  assert.equal(cascade('report', out).code, 0);
  const r = cascade('report', scratch);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /summary\.json: missing/);
});

test('a run whose estimated memory exceeds the machine is refused with exit 2 before it starts', () => {
  const out = join(scratch, 'huge');
  const r = cascade('run', '--scenario', 'lease-storm', '--fleet', '1e9', '--out', out);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /estimated peak memory [\d.]+ GiB exceeds the limit [\d.]+ GiB.*--force/);
  assert.ok(!existsSync(out));
});
