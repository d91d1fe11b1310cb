#!/usr/bin/env node
// A run in fresh workers against the same run in workers that have run it before. Each worker
// thread is an isolate of its own: in a fresh one the model's code starts in the interpreter and
// the optimising compiler works on it while the run goes on, on the same cores when the machine
// has no spare one. Here every thread count keeps one pool for all its runs, and the runs go in
// rounds (each thread count once per round), so run 1 is cold and the later ones are warm. Usage:
//   node benchmarks/warm.mjs [--threads 1,2] [--runs 4] [--scenario NAME] [--fleet N]
//                            [--duration D] [--set key=value ...]
import { createPool, localHostsOn, simulate } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';

const USAGE = 'usage: node benchmarks/warm.mjs [--threads 1,2] [--runs 4] [--scenario NAME] [--fleet N] [--duration D] [--set key=value ...]';
const args = process.argv.slice(2);
let threadCounts = [1, 2];
let runs = 4;
let scenario = 'us-east-1-2025-10-20';
const sources = { sets: [] };
const fail = (message) => {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
};
const FLAGS = ['--threads', '--runs', '--scenario', '--fleet', '--duration', '--set'];
for (let i = 0; i < args.length; i += 2) {
  const flag = args[i];
  const value = args[i + 1];
  if (!FLAGS.includes(flag)) fail(`unknown argument ${flag}`);
  if (value === undefined) fail(`${flag} needs a value`);
  switch (flag) {
    case '--threads':
      threadCounts = value.split(',').map(Number);
      if (!threadCounts.every((t) => Number.isInteger(t) && t >= 1)) fail(`--threads: '${value}' is not a list of whole numbers >= 1`);
      break;
    case '--runs':
      runs = Number(value);
      if (!Number.isInteger(runs) || runs < 2) fail(`--runs: '${value}' is not a whole number >= 2`);
      break;
    case '--scenario':
      scenario = value;
      break;
    case '--fleet':
      sources.fleet = value;
      break;
    case '--duration':
      sources.duration = value;
      break;
    default:
      sources.sets.push(value);
  }
}

let def;
let config;
try {
  def = scenarioDef(scenario);
  config = resolveConfig(def, sources);
} catch (error) {
  fail(error.message);
}
const modelModule = import.meta.resolve('@cascade/scenarios');
const pools = new Map(threadCounts.map((t) => [t, createPool(t)]));
const walls = new Map(threadCounts.map((t) => [t, []]));
const fixed = (x) => x.toFixed(2);
console.log(`${scenario}: ${runs} runs per thread count, in rounds; run 1 in fresh workers, the rest in the same workers again`);
console.log('run  threads  wall s  cores  work / barrier wait per partition, s    digest');
try {
  for (let run = 1; run <= runs; run++) {
    for (const threads of threadCounts) {
      const r = await simulate({ modelModule, scenario: def.name, config, threads, hosts: localHostsOn(pools.get(threads)) });
      walls.get(threads).push(r.wallSeconds);
      const parts = (r.partitionSeconds ?? []).map((p) => `${fixed(p.busy)} / ${fixed(p.wait)}`).join(', ');
      const cores = r.cpuSeconds === undefined ? '-' : fixed(r.cpuSeconds / r.wallSeconds);
      console.log(`${String(run).padStart(3)}  ${String(threads).padStart(7)}  ${fixed(r.wallSeconds).padStart(6)}  ${cores.padStart(5)}  ${parts.padEnd(38)}  ${r.digest.slice(0, 12)}`);
    }
  }
} finally {
  await Promise.all([...pools.values()].map((pool) => pool.destroy()));
}
const base = threadCounts[0];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
for (const threads of threadCounts) {
  const w = walls.get(threads);
  const warm = median(w.slice(1));
  const speedup = threads === base ? '' : `; against ${base} thread(s): cold ${fixed(walls.get(base)[0] / w[0])}x, warm ${fixed(median(walls.get(base).slice(1)) / warm)}x`;
  console.log(`${threads} thread(s): cold ${fixed(w[0])} s, warm median ${fixed(warm)} s (cold - warm: ${fixed(w[0] - warm)} s)${speedup}`);
}
