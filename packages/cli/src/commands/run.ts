// `cascade run`: one run, its run folder and a short summary table.
import { formatUs, type Placement } from '@cascade/kernel';
import { formatSimTime, parseClock, writeRunFolder, type SequenceInput, type Summary } from '@cascade/metrics';
import { firstViolation, recordRace, type DnsTrace } from '@cascade/scenarios';
import { defaultThreads } from '@cascade/runtime';
import { writeStaged } from '@cascade/tune';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { natsHostGroup } from '../cluster.js';
import { EXIT_INTERRUPTED, UsageError } from '../errors.js';
import { checkpointWriter } from '../checkpoint-file.js';
import { checkRunMemory } from '../memory-guard.js';
import { outPath, prepareOutDir } from '../out-dir.js';
import { execute, type ExecuteOptions } from '../execute.js';
import { readCachedReplay, replayCachePath, writeCachedReplay, type CachedReplay } from '../replay-cache.js';
import { progressBar } from '../progress.js';
import { resolveScenario, type ResolvedScenario, type ScenarioFlags } from '../scenario-input.js';
import { changedKeys, compare, describeWhatIf, replayOf, type WhatIf } from '../what-if.js';
import { formatCores, formatCount, formatDuration, formatElapsed, formatPercent, formatYesNo } from '../table.js';

export interface RunFlags extends ScenarioFlags {
  readonly threads?: number;
  /** Host the partitions on this many `cascade worker` processes of a NATS cluster. */
  readonly nats?: string;
  readonly workers?: number;
  readonly force?: boolean;
  /** Compare a what-if with the scenario's replay (default true; --no-compare). */
  readonly compare?: boolean;
  readonly checkpointEvery?: string;
  readonly placement?: Placement;
  readonly out?: string;
  readonly report: boolean;
  /** also write the run as Trace Event JSON to this file */
  readonly trace?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export async function runCommand(flags: RunFlags, signal: AbortSignal): Promise<number> {
  const scenario = resolveScenario(flags);
  return runScenario(scenario, outPath(flags.out, `${scenario.def.name}-${String(scenario.config['seed'])}`), flags, signal);
}

/** Refuses, before anything runs, a --trace path that cannot be written. */
function checkTracePath(file: string): void {
  const folder = dirname(resolve(file));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`--trace ${file}: no such folder ${folder}; expected a file path in an existing folder, e.g. run.trace.json`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--trace ${file}: is a folder; expected a file path, e.g. ${join(file, 'run.trace.json')}`);
}

/**
 * Runs a resolved scenario (from t = 0 or from a checkpoint) into a run folder, checked and
 * cleared before the run (`keep`: files of the folder to leave, e.g. the checkpoint resumed from).
 */
export async function runScenario(scenario: ResolvedScenario, outDir: string, flags: RunFlags, signal: AbortSignal, resumeFrom?: Uint8Array, keep: string[] = []): Promise<number> {
  if ((flags.workers === undefined) !== (flags.nats === undefined)) throw new UsageError('--nats URL and --workers N go together');
  const threads = flags.workers ?? flags.threads ?? scenario.def.threadsFor?.(scenario.config, defaultThreads()) ?? defaultThreads();
  const hosts = flags.nats === undefined ? undefined : natsHostGroup(flags.nats, threads);
  // Partitions hosted over NATS use the workers' memory, not this machine's.
  if (!flags.force && hosts === undefined) checkRunMemory(scenario.def, scenario.config, threads);
  if (flags.trace !== undefined) checkTracePath(flags.trace);
  const checkpoint = checkpointWriter(flags.checkpointEvery, outDir);
  const created = !existsSync(outDir);
  prepareOutDir(outDir, 'run', { force: flags.force, keep });
  const bar = progressBar({ quiet: flags.quiet ?? false, json: flags.json ?? false, label: scenario.def.name });
  let executed;
  try {
    executed = await execute(scenario, { threads, placement: flags.placement, onProgress: bar?.update, signal, checkpoint, resumeFrom, hosts });
  } catch (error) {
    // A failed run leaves nothing that could pass for results; the cleaning never hides the failure.
    if (created && readdirSync(outDir).length === 0) rmSync(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    bar?.stop();
  }
  const { result } = executed;
  let summary = executed.summary;
  // A what-if is compared with its scenario's replay (phases and time to recovery).
  let whatIf: WhatIf | undefined;
  let replayOutput: CachedReplay | undefined;
  let replayInterrupted = false;
  if (flags.compare !== false && result.complete && 'timeToRecovery' in result.summary && resumeFrom === undefined) {
    const replay = replayOf(scenario);
    const changes = changedKeys(scenario, replay);
    if (Object.keys(changes).length > 0) {
      const baseline = await replayFor(replay, outDir, flags, { threads, placement: flags.placement, signal, hosts });
      if (baseline === undefined) {
        replayInterrupted = true;
      } else {
        whatIf = compare(changes, summary, baseline.summary);
        // kept in the run folder (replay/) so that the report draws the replay behind every series
        replayOutput = baseline;
        summary = { ...summary, whatIf };
      }
    }
  }
  // An interrupted run gets no report: rendering it would hold the exit for seconds.
  const report = flags.report && result.complete && !replayInterrupted;
  const sequence = report ? raceOf(scenario, summary) : undefined;
  const output = {
    summary,
    config: { scenario: scenario.def.name, ...scenario.config },
    sampleIntervalUs: result.model.sampleIntervalUs,
    endUs: result.model.endUs,
    series: result.metrics.series,
    histograms: result.metrics.histograms,
    intervals: result.metrics.intervals,
    ...(replayOutput === undefined ? {} : { replay: replayOutput }),
    ...(sequence === undefined ? {} : { sequence }),
  };
  let written: Awaited<ReturnType<typeof writeRunFolder>> | undefined;
  await writeStaged(outDir, async (stage) => void (written = await writeRunFolder(stage, output, { report, trace: flags.trace })), ['summary.json']);
  const reportPath = report ? join(outDir, 'report.html') : null;
  if (flags.json) {
    const trace = flags.trace === undefined ? {} : { trace: flags.trace };
    process.stdout.write(`${JSON.stringify({ ...summary, out: outDir, report: reportPath, ...trace }, null, 2)}\n`);
  } else if (!flags.quiet) {
    const lines = [describe(summary)];
    if (whatIf !== undefined) lines.push('', whatIfText(whatIf, summary, flags.set ?? []));
    lines.push('', `run folder: ${outDir}`);
    if (reportPath !== null) lines.push(`report:     ${reportPath}`);
    if (flags.trace !== undefined) lines.push(`trace:      ${flags.trace} (${formatCount(written?.traceEvents ?? 0)} events; open in ui.perfetto.dev or chrome://tracing)`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!result.complete) {
    process.stderr.write(`cascade: interrupted at t=${formatUs(result.reachedUs)}; the run folder holds an incomplete run (complete: false, no report)\n`);
    return EXIT_INTERRUPTED;
  }
  if (replayInterrupted) {
    process.stderr.write('cascade: interrupted while running the replay to compare with; the run folder holds the what-if without its comparison (no report)\n');
    return EXIT_INTERRUPTED;
  }
  return 0;
}


/**
 * The replay a what-if is compared with: from the cache beside the run folder when this replay
 * (config and model code) ran before, else run now with its own progress bar and cached.
 * Undefined when interrupted.
 */
async function replayFor(replay: ResolvedScenario, outDir: string, flags: RunFlags, options: ExecuteOptions): Promise<CachedReplay | undefined> {
  const path = replayCachePath(outDir, replay);
  const cached = readCachedReplay(path);
  if (cached !== undefined) {
    if (!flags.quiet && !flags.json) process.stderr.write(`replay to compare with: cached (${path})\n`);
    return cached;
  }
  const bar = progressBar({ quiet: flags.quiet ?? false, json: flags.json ?? false, label: 'replay to compare with' });
  let baseline;
  try {
    baseline = await execute(replay, { ...options, onProgress: bar?.update });
  } finally {
    bar?.stop();
  }
  if (!baseline.result.complete) return undefined;
  const output = { summary: baseline.summary, series: baseline.result.metrics.series };
  writeCachedReplay(path, output);
  return output;
}

/**
 * A dns-race run that broke an invariant is run once more in this thread with its DNS actors'
 * events recorded, for the report's swimlane chart; the recording must not change the run.
 */
function raceOf(scenario: ResolvedScenario, summary: Summary): SequenceInput | undefined {
  if (scenario.def.name !== 'dns-race') return undefined;
  // the empty regional record is the race's outcome the report is about; else the first violation
  const violation = firstViolation(summary, ['regional-endpoint-never-empty']) ?? firstViolation(summary);
  if (violation === null) return undefined;
  const recorded = recordRace(scenario.config as unknown as DnsTrace['config'], violation);
  if (recorded.digest !== summary.digest) throw new Error(`dns-race: the recorded re-run has digest ${recorded.digest}, the run ${summary.digest}: recording changed the run`);
  return { title: 'The race, actor by actor', events: recorded.race.events, mark: { t: violation.at, label: violation.invariant } };
}

/**
 * The what-if comparison, its changes named as the user wrote them (`operator.throttleAt=never`,
 * not the resolved `null`); describeWhatIf's first line names them by resolved value.
 */
function whatIfText(w: WhatIf, s: Summary, sets: readonly string[]): string {
  const given = new Map<string, string>();
  for (const pair of sets) {
    const eq = pair.indexOf('=');
    given.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  const changes = Object.entries(w.changes).map(([key, value]) => `${key}=${given.get(key) ?? JSON.stringify(value)}`);
  const [, ...comparison] = describeWhatIf(w, s).split('\n');
  return [`what-if against the replay: ${changes.join(', ')}`, ...comparison].join('\n');
}

/** The short table `cascade run` prints: counts, durations and shares in the CLI's one format. */
export function describe(s: Summary): string {
  const cores = formatCores(s.engine.cpuSeconds, s.engine.wallSeconds);
  const rows: string[][] = [
    ['scenario', s.complete ? s.scenario : `${s.scenario} (INCOMPLETE: interrupted)`],
    ['seed', String(s.seed)],
    ...(s.clock.start === null ? [] : [['clock start (t = 0)', s.clock.start]]),
    ['events', formatCount(s.engine.events)],
    ['windows', formatCount(s.engine.windows)],
    ['threads / partitions', `${s.engine.threads} / ${s.engine.partitions}`],
    ['wall time', formatElapsed(s.engine.wallSeconds)],
    ...(cores === null ? [] : [['CPU time, all threads', `${formatElapsed(s.engine.cpuSeconds as number)} (${cores} cores busy)`]]),
    ['events/s', formatCount(s.engine.eventsPerSecond)],
    ['peak RSS', `${formatCount(s.engine.peakRssBytes / 2 ** 20)} MiB`],
  ];
  const clock = parseClock(s.clock.start);
  const add = <T>(label: string, value: T | null | undefined, format: (v: T) => string) => {
    if (value !== null && value !== undefined) rows.push([label, format(value)]);
  };
  // a time since the start, and on the scenario's wall clock when it has one
  const at = (seconds: number) => (clock === null ? formatDuration(seconds) : `${formatDuration(seconds)}  (${formatSimTime(seconds, clock)})`);
  add('DNS record empty at', s.dns.emptyRecordAt, at);
  add('DNS restored at', s.dns.restoredAt, at);
  const counts = s.dns['violationCounts'] as Record<string, number> | undefined;
  const violations = counts === undefined ? s.dns.violations.length : Object.values(counts).reduce((a, b) => a + b, 0);
  add('DNS invariant violations', violations > 0 ? violations : null, formatCount);
  add('DynamoDB unavailable from', s.dynamodb.unavailableFrom, at);
  add('DynamoDB available at', s.dynamodb.availableAt, at);
  add('valid leases (min)', s.leases.validFractionMin, formatPercent);
  add('leases recovered at', s.leases.recoveredAt, at);
  // "at end": a replay whose DWFM recovered after collapsing reads "no", not "never collapsed"
  add('DWFM collapsed at end', s.leases.collapsed, formatYesNo);
  add('DWFM verdict', s.leases['verdict'] as string | null | undefined, String);
  add('wasted DWFM work', s.leases.wastedWorkFraction, formatPercent);
  add('network backlog peak', s.network.backlogPeak, formatCount);
  add('network cleared at', s.network.clearedAt, at);
  add('NLB flaps', s.nlb.flaps, formatCount);
  add('NLB stable at', s.nlb.stableAt, at);
  add('launches attempted', s.launches.attempted, formatCount);
  add('launches succeeded', s.launches.succeeded, formatCount);
  add('time to recovery', s.timeToRecovery, formatDuration);
  const operator = s['operator'] as { mode: string; actions: { action: string; at: number }[] } | undefined;
  // a scenario without an operator (timetable, nothing to do) gets no row
  if (operator !== undefined && (operator.mode === 'reactive' || operator.actions.length > 0)) {
    const when = (t: number) => (clock === null ? formatDuration(t) : formatSimTime(t, clock).replace(/:\d\d( |$)/, '$1'));
    const acts = operator.actions.map((a) => `${a.action} ${when(a.at)}`);
    rows.push([`operator (${operator.mode})`, acts.length === 0 ? 'no action' : acts.join(', ')]);
  }
  rows.push(['digest', s.digest]);
  const width = Math.max(...rows.map((r) => (r[0] as string).length));
  return rows.map(([label, value]) => `${(label as string).padEnd(width)}  ${value as string}`).join('\n');
}
