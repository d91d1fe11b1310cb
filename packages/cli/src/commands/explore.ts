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
  recordRace,
  replay,
  scenarioDef,
  type DnsTrace,
  type Invariant,
  type RaceRecord,
} from '@cascade/scenarios';
import { writeSequencePage } from '@cascade/metrics';
import { writeFileAtomic } from '@cascade/tune';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  const config = configs[result.stoppedAt] as DnsTrace['config'];
  // the violating seed once more in this thread, its events recorded: the trace shows the race
  const recorded = recordRace(config, violation);
  const digest = (result.results[result.stoppedAt] as { digest?: string }).digest;
  if (digest !== undefined && recorded.digest !== digest) throw new Error(`explore: seed ${seed} recorded with digest ${recorded.digest}, found with ${digest}: recording changed the run`);
  const trace = makeTrace(config, violation, recorded.race);
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

export interface ReplayFlags {
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** also write report.html with the race as a swimlane chart */
  readonly report?: boolean;
  readonly out?: string;
}

export async function replayCommand(file: string, flags: ReplayFlags): Promise<number> {
  const where = clip(file);
  if (!existsSync(file)) throw new UsageError(`${where}: no such trace file; give the trace.msgpack that explore wrote`);
  if (!statSync(file).isFile()) throw new UsageError(`${where}: not a trace file (a folder or a device); give the trace.msgpack that explore wrote`);
  const outDir = flags.out ?? dirname(file);
  if (flags.report === true && existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`--out ${clip(outDir)}: not a folder; expected a folder for report.html`);
  let content: unknown;
  try {
    content = unseal(readFileSync(file), TRACE_FORMAT, 'trace file');
  } catch (error) {
    if (error instanceof CodecError) throw new UsageError(`${where}: ${error.message}`);
    throw error;
  }
  const trace: DnsTrace = parseTrace(content, where);
  const r = replay(trace);
  let reportPath: string | null = null;
  if (flags.report === true) {
    // a trace from before races were recorded gets its race recorded now
    const race = trace.race ?? recordRace(trace.config, trace.violation).race;
    mkdirSync(outDir, { recursive: true });
    reportPath = await writeSequencePage(outDir, racePage(trace.config.seed, trace.violation, race, file));
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...r, report: reportPath })}\n`);
  else if (!flags.quiet) {
    process.stdout.write(
      (r.ok
        ? `reproduced: ${describeViolation(r.actual ?? r.expected)} (seed ${trace.config.seed})\n`
        : `NOT reproduced: expected ${describeViolation(r.expected)}, got ${r.actual === null ? 'no violation' : describeViolation(r.actual)}\n`) +
        (reportPath === null ? '' : `report: ${reportPath} (the race as a swimlane chart)\n`),
    );
  }
  return r.ok ? 0 : 1;
}

/** The swimlane page of a recorded race. */
export function racePage(seed: number, violation: DnsTrace['violation'], race: RaceRecord, source: string): Parameters<typeof writeSequencePage>[1] {
  return {
    title: `dns-race · seed ${seed} · the race`,
    lines: [
      describeViolation(violation),
      `Events of the DNS actors from t=${race.fromS.toFixed(0)} s to t=${race.toS.toFixed(0)} s${race.dropped > 0 ? ` (the ${race.dropped.toLocaleString('en-US')} earliest left out to keep the bound)` : ''}; replay it with: cascade replay ${source}`,
    ],
    sequence: { title: 'The race, actor by actor', events: race.events, mark: { t: violation.at, label: violation.invariant } },
  };
}
