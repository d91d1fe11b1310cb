#!/usr/bin/env node
// The cost of `cascade map`'s boundary search (a coarse grid, then bisection) against a full grid
// at the same resolution, on the 1-D lease-storm map over fleet.droplets (FIFO, no backoff); both
// on the same pool. Prints a table and appends the figures, with the machine, to results.jsonl.
//   node benchmarks/map.mjs [--hosts D] [--lo N] [--hi N] [--resolution R] [--threads T]
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scenarioDef } from '@cascade/scenarios';
import { runMap, runSweep } from '../packages/tune/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '2' },
    lo: { type: 'string', default: '2000' },
    hi: { type: 'string', default: '8000' },
    resolution: { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
  },
});
const [lo, hi, resolution, threads] = [values.lo, values.hi, values.resolution, values.threads].map(Number);
// every lease lapses in a 20-minute outage; 10 minutes after it to recover or not (theory: 2·A/c = 3,000 per host)
const base = { def: scenarioDef('lease-storm'), sets: [`fleet.dwfmHosts=${values.hosts}`, 'outage.start=600', 'outage.end=1800', 'duration=2400'] };
const x = `fleet.droplets=${lo}..${hi}`;

const rows = [];
{
  const out = mkdtempSync(join(tmpdir(), 'cascade-map-bench-'));
  const load = loadavg()[0];
  const started = performance.now();
  const r = await runMap({ base, x, resolution: String(resolution), seeds: 1, threads, outDir: out, plots: false });
  const wallSeconds = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  const b = r.boundary[0];
  rows.push({ method: 'grid + bisection', runs: r.runs, wallSeconds, lo: b.lo, hi: b.hi, boundary: b.x, theory: b.theory?.boundary ?? null, load1m: load });
}
{
  // the full grid: every multiple of the resolution from lo to hi
  const points = [];
  for (let v = lo; v <= hi; v += resolution) points.push(v);
  const out = mkdtempSync(join(tmpdir(), 'cascade-map-bench-'));
  const load = loadavg()[0];
  const started = performance.now();
  const r = await runSweep({ base, vary: [`fleet.droplets=${points.join(',')}`], seeds: 1, threads, outDir: out, plots: false });
  const wallSeconds = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  const collapsed = r.runs.map((run) => run.metrics['leases.recoveredAt'] === null);
  const i = collapsed.indexOf(true);
  const [blo, bhi] = i > 0 ? [points[i - 1], points[i]] : [null, null];
  rows.push({ method: 'full grid', runs: r.runs.length, wallSeconds, lo: blo, hi: bhi, boundary: blo === null ? null : (blo + bhi) / 2, theory: rows[0].theory, load1m: load });
}

process.stdout.write(`1-D map over ${x}, ${values.hosts} hosts, resolution ${resolution} droplets, ${threads} threads\n`);
process.stdout.write('method            runs  wall s  bracket          boundary  theory  load(1m) before\n');
for (const r of rows) {
  process.stdout.write(`${r.method.padEnd(16)}  ${String(r.runs).padStart(4)}  ${r.wallSeconds.toFixed(1).padStart(6)}  ${`${r.lo} .. ${r.hi}`.padEnd(15)}  ${String(r.boundary).padStart(8)}  ${String(r.theory).padStart(6)}  ${r.load1m.toFixed(2)}\n`);
}
process.stdout.write(`runs saved: ${(rows[1].runs / rows[0].runs).toFixed(1)}x fewer; wall: ${(rows[1].wallSeconds / rows[0].wallSeconds).toFixed(1)}x faster\n`);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here }).toString().trim();
const machine = { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), memoryBytes: totalmem(), node: process.version, platform: process.platform, arch: process.arch };
const record = { name: 'map-boundary', date: new Date().toISOString(), commit, args: process.argv.slice(2), machine, runs: rows };
appendFileSync(join(here, 'results.jsonl'), `${JSON.stringify(record)}\n`);
process.stdout.write("recorded in benchmarks/results.jsonl as 'map-boundary'\n");
