// `cascade bench`: the same run at several fleet sizes and thread counts, each in its own process
// so that peak memory is measured per run; prints a table and writes bench.json.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Summary } from '@cascade/metrics';
import { writeFileAtomic } from '@cascade/tune';
import { machineInfo } from '../machine.js';
import { resolveScenario } from '../scenario-input.js';
import { formatCores, formatCount, formatTable } from '../table.js';
import { UsageError } from '../errors.js';
import { checkRunMemory } from '../memory-guard.js';
import { outPath, prepareOutDir } from '../out-dir.js';

export interface BenchFlags {
  readonly scenario?: string;
  readonly fleet?: string[];
  readonly threads?: number[];
  readonly repeat?: number;
  readonly set?: string[];
  readonly seed?: number;
  readonly duration?: string;
  readonly out?: string;
  /** Past the memory guard, and into a folder holding other files. */
  readonly force?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export interface BenchRun {
  scenario: string;
  fleet: number | null;
  threads: number;
  repeat: number;
  wallSeconds: number;
  events: number;
  windows: number;
  eventsPerSecond: number;
  peakRssBytes: number;
  digest: string;
  /** Per partition, with more than one thread: seconds at work and waiting at the barrier. */
  busySeconds?: number[];
  barrierWaitSeconds?: number[];
  /** On local worker threads: the CPU seconds of all the run's threads. */
  cpuSeconds?: number;
}

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

export async function benchCommand(flags: BenchFlags): Promise<number> {
  const fleets = flags.fleet ?? [undefined];
  const threadList = flags.threads ?? [1];
  const repeats = flags.repeat ?? 1;
  // Validate every combination before running anything.
  const plans = fleets.map((fleet) => ({ fleet, scenario: resolveScenario({ ...flags, fleet }) }));
  if (!flags.force) for (const plan of plans) for (const threads of threadList) checkRunMemory(plan.scenario.def, plan.scenario.config, threads);
  const folder = prepareOutDir(outPath(flags.out, 'bench'), 'bench', { force: flags.force });
  // Repetitions run in rounds, each configuration once per round: a machine whose speed drifts
  // over minutes then slows every configuration alike, not the ones that happened to run last.
  const configs = plans.flatMap((plan) => {
    const fleetSize = plan.scenario.def.fleetKey === undefined ? null : (getPath(plan.scenario.config, plan.scenario.def.fleetKey) as number);
    return threadList.map((threads) => ({ plan, fleetSize, threads }));
  });
  const rounds: BenchRun[][] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'cascade-bench-'));
  try {
    for (let repeat = 1; repeat <= repeats; repeat++) {
      const round: BenchRun[] = [];
      for (const { plan, fleetSize, threads } of configs) {
        if (!flags.quiet && !flags.json) {
          process.stderr.write(`bench: ${plan.scenario.def.name} fleet=${fleetSize ?? '-'} threads=${threads} repeat=${repeat}\n`);
        }
        const args = ['run', '--scenario', flags.scenario ?? plan.scenario.def.name, '--threads', String(threads), '--json', '--quiet', '--no-report', '--out', join(scratch, `run-${repeat}-${round.length}`)];
        if (plan.fleet !== undefined) args.push('--fleet', plan.fleet);
        if (flags.force) args.push('--force');
        if (flags.seed !== undefined) args.push('--seed', String(flags.seed));
        if (flags.duration !== undefined) args.push('--duration', flags.duration);
        for (const s of flags.set ?? []) args.push('--set', s);
        const summary = await runChild(args);
        round.push({
          scenario: summary.scenario,
          fleet: fleetSize,
          threads,
          repeat,
          wallSeconds: summary.engine.wallSeconds,
          events: summary.engine.events,
          windows: summary.engine.windows,
          eventsPerSecond: summary.engine.eventsPerSecond,
          peakRssBytes: summary.engine.peakRssBytes,
          digest: summary.digest,
          ...(summary.engine.busySeconds === undefined ? {} : { busySeconds: summary.engine.busySeconds, barrierWaitSeconds: summary.engine.barrierWaitSeconds }),
          ...(summary.engine.cpuSeconds === undefined ? {} : { cpuSeconds: summary.engine.cpuSeconds }),
        });
      }
      rounds.push(round);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // reported by configuration, in the order given, then by repetition
  const runs = configs.flatMap((_, c) => rounds.map((round) => round[c] as BenchRun));
  writeFileAtomic(join(folder, 'bench.json'), `${JSON.stringify({ machine: machineInfo(), runs }, null, 2)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify({ runs }, null, 2)}\n`);
  else process.stdout.write(`${benchTable(runs)}\n\nbench.json: ${join(folder, 'bench.json')}\n`);
  return 0;
}

/** The table, with each configuration's speed-up over one thread at the same fleet size. */
export function benchTable(runs: readonly BenchRun[]): string {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const baseline = new Map<string, number>();
  for (const r of runs) {
    if (r.threads !== 1) continue;
    const key = `${r.scenario}|${r.fleet}`;
    baseline.set(key, mean(runs.filter((x) => x.threads === 1 && `${x.scenario}|${x.fleet}` === key).map((x) => x.eventsPerSecond)));
  }
  const rows = runs.map((r) => {
    const base = baseline.get(`${r.scenario}|${r.fleet}`);
    return [
      r.scenario,
      r.fleet === null ? '-' : formatCount(r.fleet),
      String(r.threads),
      String(r.repeat),
      formatCount(r.events),
      formatCount(r.windows),
      r.wallSeconds.toFixed(2),
      formatCores(r.cpuSeconds, r.wallSeconds) ?? '-',
      formatCount(r.eventsPerSecond),
      base === undefined ? '-' : `${(r.eventsPerSecond / base).toFixed(2)}x`,
      `${(r.peakRssBytes / 2 ** 20).toFixed(0)}`,
      r.digest.slice(0, 12),
    ];
  });
  return formatTable(['scenario', 'fleet', 'threads', 'rep', 'events', 'windows', 'wall s', 'cores', 'events/s', 'speedup', 'RSS MiB', 'digest'], rows);
}

function getPath(obj: Record<string, unknown>, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((cur, k) => (cur as Record<string, unknown> | undefined)?.[k], obj);
}

function runChild(args: string[]): Promise<Summary> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolvePromise(JSON.parse(out) as Summary);
      } else if (code === 2) {
        reject(new UsageError(err.trim().split('\n').pop() ?? 'bad input'));
      } else {
        reject(new Error(`benchmark run failed (exit ${code}): ${err.trim().split('\n').pop() ?? ''}`));
      }
    });
  });
}
