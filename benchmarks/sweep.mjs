#!/usr/bin/env node
// Sweep throughput against thread count: the same lease-storm grid (one run per pool task) on 1
// and 2 threads; prints a table and appends the figures, with the machine, to results.jsonl.
//   node benchmarks/sweep.mjs [--fleet N] [--points P] [--seeds K]
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scenarioDef } from '@cascade/scenarios';
import { runSweep } from '../packages/tune/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { fleet: { type: 'string', default: '20000' }, points: { type: 'string', default: '4' }, seeds: { type: 'string', default: '2' } } });
const points = Number(values.points);
const seeds = Number(values.seeds);
// 2 DWFM hosts: 10,000 droplets each at 20k, the collapsed regime (about 1.5 s per run).
const base = { def: scenarioDef('lease-storm'), sets: ['fleet.dwfmHosts=2', 'duration=3h'], fleet: values.fleet };
// Stagger windows of a few seconds: distinct runs, each as slow as the default policy's collapse.
const vary = [`policy.stagger.window=${Array.from({ length: points }, (_, i) => i).join(',')}`];

const rows = [];
for (const threads of [1, 2]) {
  const out = mkdtempSync(join(tmpdir(), 'cascade-sweep-bench-'));
  const load = loadavg()[0];
  const started = performance.now();
  const r = await runSweep({ base, vary, seeds, threads, outDir: out, plots: false });
  const wallSeconds = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  const runSeconds = r.runs.reduce((s, x) => s + (x.metrics['engine.wallSeconds'] ?? 0), 0);
  rows.push({ threads, runs: r.runs.length, wallSeconds, runSeconds, runsPerSecond: r.runs.length / wallSeconds, load1m: load, digests: r.runs.map((x) => x.digest) });
}
const one = rows[0];
// busy = sum of run seconds / wall seconds: runs in flight on average. On a shared machine the
// wall speedup swings with other load; busy shows whether the pool kept every thread fed.
process.stdout.write('threads  runs  wall s  runs/s  speedup  sum of run s  busy  load(1m) before\n');
for (const r of rows) {
  process.stdout.write(`${String(r.threads).padStart(7)}  ${String(r.runs).padStart(4)}  ${r.wallSeconds.toFixed(2).padStart(6)}  ${r.runsPerSecond.toFixed(2).padStart(6)}  ${(one.wallSeconds / r.wallSeconds).toFixed(2).padStart(6)}x  ${r.runSeconds.toFixed(2).padStart(12)}  ${(r.runSeconds / r.wallSeconds).toFixed(2).padStart(4)}  ${r.load1m.toFixed(2)}\n`);
}
const same = rows.every((r) => JSON.stringify(r.digests) === JSON.stringify(one.digests));
process.stdout.write(`digests equal across thread counts: ${same}\n`);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here }).toString().trim();
const machine = { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), memoryBytes: totalmem(), node: process.version, platform: process.platform, arch: process.arch };
const record = { name: 'sweep-threads', date: new Date().toISOString(), commit, args: process.argv.slice(2), machine, runs: rows.map(({ digests, ...r }) => r) };
appendFileSync(join(here, 'results.jsonl'), `${JSON.stringify(record)}\n`);
process.stdout.write("recorded in benchmarks/results.jsonl as 'sweep-threads'\n");
