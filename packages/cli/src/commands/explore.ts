// `cascade explore`: run many seeds of dns-race with random delays and no forced fault, one run
// per pool task, and stop at the first seed (in seed order) that violates an invariant; write a
// trace that `cascade replay` reproduces. `cascade replay TRACE` re-runs it.
import { CodecError, defaultThreads, runMany, seal, unseal } from '@cascade/runtime';
import {
  INVARIANTS,
  TRACE_FORMAT,
  clip,
  describeViolation,
  exploreBase,
  exploreConfig,
  firstViolation,
  makeTrace,
  parseTrace,
  replay,
  scenarioDef,
  type DnsTrace,
  type Invariant,
} from '@cascade/scenarios';
import { writeFileAtomic } from '@cascade/tune';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { natsRunner } from '../cluster.js';
import { UsageError } from '../errors.js';
import { checkPoolMemory } from '../memory-guard.js';
import { outPath, prepareOutDir } from '../out-dir.js';
import { runProgressBar } from '../progress.js';
import { MODEL_MODULE } from '../execute.js';

export interface ExploreFlags {
  readonly scenario?: string;
  readonly seeds?: number;
  readonly firstSeed?: number;
  readonly invariant?: string[];
  readonly set?: string[];
  readonly threads?: number;
  /** Run the seeds on a NATS cluster's workers instead of this machine's pool. */
  readonly nats?: string;
  readonly out?: string;
  /** Into a folder holding other files. */
  readonly force?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export async function exploreCommand(flags: ExploreFlags, signal: AbortSignal): Promise<number> {
  const scenario = flags.scenario ?? 'dns-race';
  if (scenario !== 'dns-race') throw new UsageError(`--scenario ${scenario}: only dns-race can be explored`);
  const invariants = parseInvariants(flags.invariant);
  const base = exploreBase({ sets: flags.set ?? [] });
  const seeds = flags.seeds ?? 1000;
  const first = flags.firstSeed ?? 1;
  const configs = Array.from({ length: seeds }, (_, i) => exploreConfig(base, first + i));
  const threads = flags.threads ?? defaultThreads();
  if (!flags.force && flags.nats === undefined) checkPoolMemory(scenarioDef(scenario), configs, threads);
  const out = prepareOutDir(outPath(flags.out, 'explore'), 'explore', { force: flags.force });
  const bar = runProgressBar({ quiet: flags.quiet ?? false, json: flags.json ?? false, label: 'explore' });
  let done = 0;
  const started = performance.now();
  const runner = flags.nats === undefined ? runMany : natsRunner(flags.nats);
  const result = await runner(
    configs.map((config) => ({ modelModule: MODEL_MODULE, scenario, config })),
    {
      threads,
      signal,
      onResult: () => bar?.update({ done: ++done, total: seeds, resumed: 0 }),
      stopWhen: (r) => firstViolation(r.summary, invariants) !== null,
    },
  );
  bar?.stop();
  const wallSeconds = (performance.now() - started) / 1000;
  const runs = result.results.filter((r) => r !== undefined).length;
  if (result.stoppedAt === undefined) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ seedsRun: runs, violation: null, wallSeconds })}\n`);
    else if (!flags.quiet) process.stdout.write(`no invariant violated in ${runs} seeds (${first}..${first + runs - 1}), ${wallSeconds.toFixed(1)} s on ${threads} threads\n`);
    return 0;
  }
  const seed = first + result.stoppedAt;
  const summary = (result.results[result.stoppedAt] as { summary: Record<string, unknown> }).summary;
  const violation = firstViolation(summary, invariants);
  if (violation === null) throw new Error('explore: the stopping run has no violation');
  const trace = makeTrace(configs[result.stoppedAt] as DnsTrace['config'], violation);
  const tracePath = join(out, 'trace.msgpack');
  writeFileAtomic(tracePath, seal(TRACE_FORMAT, trace));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ seedsRun: result.stoppedAt + 1, violation: { seed, ...violation }, trace: tracePath, wallSeconds })}\n`);
  } else if (!flags.quiet) {
    process.stdout.write(
      `seed ${seed} violates ${describeViolation(violation)}\n` +
        `found after ${result.stoppedAt + 1} seeds in ${wallSeconds.toFixed(1)} s on ${flags.nats === undefined ? `${threads} threads` : 'the NATS cluster'}\n` +
        `trace: ${tracePath}  (cascade replay ${tracePath})\n`,
    );
  }
  return 1;
}

function parseInvariants(given: string[] | undefined): Invariant[] | undefined {
  if (given === undefined || given.length === 0) return undefined;
  for (const name of given) {
    if (!(INVARIANTS as readonly string[]).includes(name)) throw new UsageError(`--invariant ${name}: expected one of ${INVARIANTS.join(', ')}`);
  }
  return given as Invariant[];
}

export function replayCommand(file: string, flags: { json?: boolean; quiet?: boolean }): number {
  const where = clip(file);
  if (!existsSync(file)) throw new UsageError(`${where}: no such trace file`);
  if (!statSync(file).isFile()) throw new UsageError(`${where}: not a trace file (a folder or a device); give the trace.msgpack that explore wrote`);
  let content: unknown;
  try {
    content = unseal(readFileSync(file), TRACE_FORMAT, 'trace file');
  } catch (error) {
    if (error instanceof CodecError) throw new UsageError(`${where}: ${error.message}`);
    throw error;
  }
  const trace: DnsTrace = parseTrace(content, where);
  const r = replay(trace);
  if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else if (!flags.quiet) {
    process.stdout.write(
      r.ok
        ? `reproduced: ${describeViolation(r.actual ?? r.expected)} (seed ${trace.config.seed})\n`
        : `NOT reproduced: expected ${describeViolation(r.expected)}, got ${r.actual === null ? 'no violation' : describeViolation(r.actual)}\n`,
    );
  }
  return r.ok ? 0 : 1;
}
