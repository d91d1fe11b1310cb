#!/usr/bin/env node
// The cost of running over NATS on this machine: (1) one window exchange of a partitioned run,
// NATS workers against local threads; (2) job throughput with 1, 2 and 3 worker processes.
// Starts its own nats-server on a free loopback port. Prints a table and appends the figures,
// with the machine's description, to benchmarks/cluster-results.jsonl.
//   node benchmarks/cluster.mjs [--jobs 16] [--windows 1000]
import { natsHosts, runManyOverNats } from '@cascade/cluster';
import { runMany, simulate } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { jobs: { type: 'string', default: '16' }, windows: { type: 'string', default: '1000' } } });
const JOBS = Number(values.jobs);
const WINDOWS = Number(values.windows);
const SCENARIOS = import.meta.resolve('@cascade/scenarios');
const phold = (sets) => resolveConfig(scenarioDef('phold'), { sets });

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'cascade-bench-nats-'));
const token = randomBytes(12).toString('hex');
writeFileSync(join(dir, 'nats.conf'), `listen: 127.0.0.1:${port}\nmax_payload: 8MB\nauthorization { token: "${token}" }\njetstream { store_dir: "${join(dir, 'js')}" }\n`);
const server = spawn('nats-server', ['-c', join(dir, 'nats.conf')], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const url = `nats://${token}@127.0.0.1:${port}`;

async function startWorkers(n) {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [join(here, '..', 'cluster', 'worker.mjs'), '--nats', url, '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
      return new Promise((resolve) => {
        let out = '';
        child.stderr.on('data', (d) => {
          out += d;
          if (/ joined /.test(out)) resolve(child);
        });
      });
    }),
  );
}
async function stopWorkers(children) {
  await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
}

const rows = [];
try {
  // (1) Window exchange: a PHOLD so light that a window is almost all exchange.
  const light = phold(['phold.lps=200', 'phold.remote=0.3', `duration=${WINDOWS / 10}`]);
  const inline = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config: light, threads: 1 });
  const threads = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config: light, threads: 2 });
  const two = await startWorkers(2);
  const nats = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config: light, threads: 2, hosts: natsHosts({ url, workers: 2 }) });
  await stopWorkers(two);
  if (nats.digest !== inline.digest || threads.digest !== inline.digest) throw new Error('digests differ');
  // The in-process run has no windows; its time spread over the same windows is the compute share.
  for (const [name, run] of [['1 thread, in-process (compute only)', inline], ['2 local worker threads', threads], ['2 NATS worker processes', nats]]) {
    rows.push({ bench: 'window', setup: name, windows: threads.windows, events: run.events, wallSeconds: run.wallSeconds, msPerWindow: (run.wallSeconds * 1000) / threads.windows });
  }

  // (2) Job throughput: JOBS PHOLD runs of about 0.2 s each.
  const specs = Array.from({ length: JOBS }, (_, i) => ({ modelModule: SCENARIOS, scenario: 'phold', config: phold(['phold.lps=4000', 'duration=30', `seed=${i + 1}`]) }));
  for (const t of [1, 2]) {
    const started = performance.now();
    await runMany(specs, { threads: t });
    const s = (performance.now() - started) / 1000;
    rows.push({ bench: 'jobs', setup: `runMany, ${t} local thread${t > 1 ? 's' : ''}`, jobs: JOBS, wallSeconds: s, jobsPerSecond: JOBS / s });
  }
  for (const n of [1, 2, 3]) {
    const ws = await startWorkers(n);
    const started = performance.now();
    await runManyOverNats(specs, { url, timeoutMs: 60_000 });
    const s = (performance.now() - started) / 1000;
    await stopWorkers(ws);
    rows.push({ bench: 'jobs', setup: `runManyOverNats, ${n} worker process${n > 1 ? 'es' : ''} x 1 thread`, jobs: JOBS, wallSeconds: s, jobsPerSecond: JOBS / s });
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
}

for (const r of rows) {
  const figure = r.bench === 'window' ? `${r.msPerWindow.toFixed(3)} ms/window (${r.windows} windows, ${r.wallSeconds.toFixed(2)} s)` : `${r.jobsPerSecond.toFixed(1)} jobs/s (${r.jobs} jobs, ${r.wallSeconds.toFixed(2)} s)`;
  process.stdout.write(`${r.bench.padEnd(7)} ${r.setup.padEnd(48)} ${figure}\n`);
}
const machine = { cpu: cpus()[0]?.model, cores: availableParallelism(), memoryBytes: totalmem(), node: process.version, nats: execFileSync('nats-server', ['--version']).toString().trim() };
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here }).toString().trim();
appendFileSync(join(here, 'cluster-results.jsonl'), `${JSON.stringify({ name: 'cluster', date: new Date().toISOString(), commit, machine, rows })}\n`);
process.stdout.write(`${JSON.stringify(machine)}\nrecorded in benchmarks/cluster-results.jsonl\n`);
