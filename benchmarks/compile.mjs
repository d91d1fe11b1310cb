#!/usr/bin/env node
// Where a run's CPU goes besides its events: runs `cascade run` under V8's --trace-opt and
// --trace-deopt and prints the wall time, the CPU time of all the run's threads, and what the
// optimising compiler (TurboFan) cost: its jobs, their summed time and the functions that took the
// most, and the deoptimisations that sent code back to it. Each worker thread is an isolate of its
// own and compiles the model's code for itself. With --warm, runs benchmarks/warm.mjs instead and
// adds to each of its rows what that run compiled. Usage:
//   node benchmarks/compile.mjs -- --scenario us-east-1-2025-10-20 --threads 2
//   node benchmarks/compile.mjs --warm -- --runs 3
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const TRACE = ['--trace-opt', '--trace-deopt'];
const argv = process.argv.slice(2);
const warm = argv[0] === '--warm';
const [dashes, ...args] = warm ? argv.slice(1) : argv;
if (dashes !== '--') {
  process.stderr.write('usage: node benchmarks/compile.mjs -- <cascade run arguments>\n       node benchmarks/compile.mjs --warm -- <benchmarks/warm.mjs arguments>\n');
  process.exit(2);
}

/** TurboFan's jobs, their summed time (ms) by function, and the deoptimisations in these trace lines. */
function compiles(lines) {
  // "[completed compiling 0x… <JSFunction NAME (sfi = …)> (target TURBOFAN) - took A, B, C ms]":
  // preparing, executing (on a background thread) and finalising the job
  const byFunction = new Map();
  let jobs = 0;
  let ms = 0;
  let deopts = 0;
  for (const line of lines) {
    if (line.startsWith('[bailout (kind:')) deopts++;
    const m = /^\[completed compiling .*?<JSFunction (\S*).*\(target TURBOFAN\) - took ([\d.]+), ([\d.]+), ([\d.]+) ms\]/.exec(line);
    if (m === null) continue;
    const took = Number(m[2]) + Number(m[3]) + Number(m[4]);
    jobs++;
    ms += took;
    const name = m[1] === '' ? '(anonymous)' : m[1];
    const f = byFunction.get(name) ?? { jobs: 0, ms: 0 };
    f.jobs++;
    f.ms += took;
    byFunction.set(name, f);
  }
  return { jobs, ms, deopts, byFunction };
}

const spawn = (script, scriptArgs) => {
  const run = spawnSync(process.execPath, [...TRACE, script, ...scriptArgs], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    process.exit(run.status ?? 1);
  }
  return run.stdout.split('\n');
};

if (warm) {
  // each row of warm.mjs's table ends one run: the trace lines before it (since the row before) are that run's
  let since = [];
  for (const line of spawn(join(here, 'warm.mjs'), args)) {
    if (/^\s+\d+\s+\d+\s+[\d.]+\s/.test(line)) {
      const c = compiles(since);
      process.stdout.write(`${line.trimEnd()}   TurboFan ${c.jobs} jobs, ${(c.ms / 1000).toFixed(2)} s; ${c.deopts} deoptimisations\n`);
      since = [];
    } else if (/^(run {2}threads|\d+ thread\(s\): cold|\S+: \d+ runs per thread count)/.test(line)) {
      process.stdout.write(`${line}\n`);
    } else {
      // trace lines (the isolates write them at once, so a few arrive cut and are not counted)
      since.push(line);
    }
  }
  process.exit(0);
}

const out = mkdtempSync(join(tmpdir(), 'cascade-compile-'));
const cli = join(here, '..', 'packages', 'cli', 'bin', 'cascade.js');
try {
  const lines = spawn(cli, ['run', ...args, '--quiet', '--no-report', '--no-compare', '--force', '--out', out]);
  const engine = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).engine;
  const { jobs, ms: compileMs, deopts, byFunction } = compiles(lines);
  const cores = engine.cpuSeconds === undefined ? '-' : (engine.cpuSeconds / engine.wallSeconds).toFixed(2);
  process.stdout.write(
    `threads ${engine.threads}, partitions ${engine.partitions}: wall ${engine.wallSeconds.toFixed(2)} s, ` +
      `CPU ${engine.cpuSeconds?.toFixed(2) ?? '-'} s (${cores} cores busy)` +
      (engine.busySeconds === undefined ? '' : `, work per partition ${engine.busySeconds.map((s) => s.toFixed(2)).join(' / ')} s`) +
      `\nTurboFan: ${jobs} jobs, ${(compileMs / 1000).toFixed(2)} s; ${deopts} deoptimisations\n`,
  );
  const top = [...byFunction].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
  for (const [name, f] of top) process.stdout.write(`  ${(f.ms / 1000).toFixed(3).padStart(7)} s  ${String(f.jobs).padStart(3)} jobs  ${name}\n`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
