#!/usr/bin/env node
// How fast each core of this machine is, alone: the same three loops pinned to each core in turn
// (taskset), in rounds: integer arithmetic, random reads and writes in 1 MB (the L2 cache) and in
// 32 MB (memory). A simulation's events are memory-bound like the last two; a thread pinned to a
// core that is slower there runs its partition slower, and every window waits for it. Usage:
//   node benchmarks/cores.mjs [--rounds 4]
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const LOOPS = `
function loop(kind) {
  let x = 12345;
  let s = 0;
  if (kind === 'alu') {
    for (let i = 0; i < 3e8; i++) s = (s + Math.imul(i, 0x9e3779b1)) | 0;
    return s;
  }
  const n = kind === 'l2' ? 128 * 1024 : 4 * 1024 * 1024;
  const a = new Float64Array(n).fill(1);
  for (let i = 0; i < 3e7; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    const j = (x >>> 8) & (n - 1);
    s += a[j];
    a[j] = s;
  }
  return s;
}
const start = performance.now();
const s = loop(process.argv[1]);
process.stdout.write(String(performance.now() - start + (s === 0.5 ? 1e-9 : 0)));
`;
const KINDS = [['alu', 'arithmetic'], ['l2', '1 MB random'], ['dram', '32 MB random']];

const args = process.argv.slice(2);
let rounds = 4;
if (args.length > 0) {
  rounds = Number(args[1]);
  if (args[0] !== '--rounds' || args.length !== 2 || !Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write(`usage: node benchmarks/cores.mjs [--rounds K]  (K a whole number >= 1; got ${args.join(' ')})\n`);
    process.exit(2);
  }
}
if (spawnSync('taskset', ['--version']).error !== undefined) {
  process.stderr.write('benchmarks/cores.mjs: taskset (util-linux) is not installed\n');
  process.exit(2);
}
const cores = availableParallelism();
const time = (core, kind) => {
  const r = spawnSync('taskset', ['-c', String(core), process.execPath, '-e', LOOPS, kind], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`core ${core}, ${kind}: ${r.stderr.trim()}`);
  return Number(r.stdout);
};
console.log(`round  core  ${KINDS.map(([, label]) => label.padStart(14)).join('')}   (ms)`);
for (let round = 1; round <= rounds; round++) {
  const rows = [];
  for (let core = 0; core < cores; core++) rows.push(KINDS.map(([kind]) => time(core, kind)));
  rows.forEach((ms, core) => console.log(`${String(round).padStart(5)}  ${String(core).padStart(4)}  ${ms.map((m) => m.toFixed(0).padStart(14)).join('')}`));
  const spread = KINDS.map((_, k) => {
    const column = rows.map((r) => r[k]);
    return `${(Math.max(...column) / Math.min(...column)).toFixed(2)}x`;
  });
  console.log(`${''.padStart(5)}  slowest / fastest core: ${KINDS.map(([, label], k) => `${label} ${spread[k]}`).join(', ')}`);
}
