// `cascade run --trace FILE`: the run's story as Trace Event JSON (Perfetto, chrome://tracing):
// a process per subsystem with its time series as counters, phases as slices, DNS invariant
// violations, operator actions and the summary's milestones as instants. Time is simulated µs.
import { writeFileSync } from 'node:fs';
import { runEpoch } from './epoch.js';
import { seriesSubsystem, parseSeriesName } from './series-catalog.js';
import { officialOf } from './story.js';
import { downsample, type SeriesTable } from './timeseries.js';

/**
 * The size bound: at most this many events, whatever the fleet or the duration. Counters take what
 * the slices and instants leave, split evenly over the series; a series with more sample intervals
 * than its share is reduced to the minimum and maximum of each bin (peaks survive). At about 100
 * bytes an event the file stays under 40 MB.
 */
export const TRACE_EVENTS_MAX = 400_000;
/** Instants of one kind (invariant violations, operator actions) kept; the rest are counted in otherData. */
export const TRACE_INSTANTS_MAX = 10_000;

export type TraceEvent =
  | { name: string; ph: 'M'; ts: 0; pid: number; tid: number; args: Record<string, string | number> }
  | { name: string; ph: 'B' | 'E'; ts: number; pid: number; tid: number; cat: string; args?: Record<string, unknown> }
  | { name: string; ph: 'i'; ts: number; pid: number; tid: number; s: 't'; cat: string; args: Record<string, unknown> }
  | { name: string; ph: 'C'; ts: number; pid: number; tid: 0; cat: string; args: { value: number } };

export interface Trace {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: Record<string, unknown>;
}

/** Processes (tracks groups) in the order of the cascade, then any other subsystem. */
const SUBSYSTEMS: readonly [string, string][] = [
  ['dns', 'DNS (Planner, Enactors, Route53)'], ['dynamodb', 'DynamoDB clients'], ['leases', 'Droplet leases'],
  ['dwfm', 'DWFM hosts'], ['network', 'Network Manager'], ['nlb', 'NLB'], ['launches', 'Launches'],
];
const PID_STORY = 1;
const PID_OPERATOR = 2;
const PID_FIRST_SUBSYSTEM = 3;
const TID_MILESTONES = 1;
const TID_FIRST_PHASE = 2;
const TID_VIOLATIONS = 1;
const TID_ACTIONS = 1;

/** Summary times (seconds) worth a mark on the timeline. */
const MILESTONES: readonly [string, string, string][] = [
  ['dns', 'emptyRecordAt', 'DNS record empty'], ['dns', 'restoredAt', 'DNS restored'],
  ['dynamodb', 'unavailableFrom', 'DynamoDB unavailable'], ['dynamodb', 'availableAt', 'DynamoDB available'],
  ['leases', 'recoveredAt', 'leases recovered (99% valid)'], ['network', 'clearedAt', 'network backlog cleared'],
  ['nlb', 'stableAt', 'NLB stable'],
];

interface Phase { name: string; start: number; end: number | null }
interface Violation { invariant: string; at: number; detail?: string }
interface Action { action: string; at: number; trigger?: unknown }

export function traceOf(summary: Record<string, unknown>, table: SeriesTable): Trace {
  const meta: TraceEvent[] = [];
  const timed: TraceEvent[] = [];
  const us = (seconds: number) => Math.round(seconds * 1e6);
  const step = table.timeS.length >= 2 ? (table.timeS[1] as number) - (table.timeS[0] as number) : 0;
  const endS = Math.max(table.timeS.length > 0 ? (table.timeS[table.timeS.length - 1] as number) + step : 0, ...phaseList(summary).map((p) => Math.max(p.start, p.end ?? 0)));
  const processName = (pid: number, name: string) => {
    meta.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name } });
    meta.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: 0, args: { sort_index: pid } });
  };
  const threadName = (pid: number, tid: number, name: string) => {
    meta.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name } });
    meta.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid, tid, args: { sort_index: tid } });
  };

  // The story: milestones, then one track per phase (phases overlap, so each nests only with itself).
  processName(PID_STORY, `${String(summary['scenario'])} seed ${String(summary['seed'])}: phases`);
  threadName(PID_STORY, TID_MILESTONES, 'milestones');
  for (const [section, key, label] of MILESTONES) {
    const at = (summary[section] as Record<string, unknown> | undefined)?.[key];
    if (typeof at === 'number') timed.push({ name: label, ph: 'i', ts: us(at), pid: PID_STORY, tid: TID_MILESTONES, s: 't', cat: 'milestone', args: { field: `${section}.${key}`, atSeconds: at } });
  }
  let tid = TID_FIRST_PHASE;
  for (const phase of phaseList(summary)) {
    threadName(PID_STORY, tid, `phase ${phase.name}`);
    const end = Math.max(phase.start, phase.end ?? endS);
    timed.push({ name: phase.name, ph: 'B', ts: us(phase.start), pid: PID_STORY, tid, cat: 'phase', args: { start: phase.start, end: phase.end } });
    timed.push({ name: phase.name, ph: 'E', ts: us(end), pid: PID_STORY, tid, cat: 'phase' });
    tid++;
  }
  const epoch = runEpoch(summary);
  // the official phases the scenario hands over with its run (summary.official), when it has them
  for (const official of officialOf(summary).phases) {
    const label = `${official.title ?? official.name}, official`;
    threadName(PID_STORY, tid, `official ${official.name}`);
    timed.push({ name: label, ph: 'B', ts: us(official.start), pid: PID_STORY, tid, cat: 'official', args: { start: official.start, end: official.end } });
    timed.push({ name: label, ph: 'E', ts: us(official.end), pid: PID_STORY, tid, cat: 'official' });
    tid++;
  }

  // Operator actions, when the summary has them.
  const operator = summary['operator'] as { mode?: unknown; actions?: unknown } | undefined;
  const actions = Array.isArray(operator?.actions) ? (operator.actions as Action[]).filter((a) => typeof a?.action === 'string' && typeof a.at === 'number') : [];
  if (operator !== undefined) {
    processName(PID_OPERATOR, `operator (${typeof operator.mode === 'string' ? operator.mode : 'unknown mode'})`);
    threadName(PID_OPERATOR, TID_ACTIONS, 'actions');
    for (const a of actions.slice(0, TRACE_INSTANTS_MAX)) {
      timed.push({ name: a.action, ph: 'i', ts: us(a.at), pid: PID_OPERATOR, tid: TID_ACTIONS, s: 't', cat: 'operator', args: { trigger: a.trigger ?? null, atSeconds: a.at } });
    }
  }

  // A process per subsystem: DNS invariant violations and every series as a counter.
  const pids = subsystemPids(table.names);
  for (const [subsystem, pid] of pids) processName(pid, SUBSYSTEMS.find(([s]) => s === subsystem)?.[1] ?? subsystem);
  const dns = summary['dns'] as { violations?: unknown; violationCounts?: unknown } | undefined;
  const violations = Array.isArray(dns?.violations) ? (dns.violations as Violation[]).filter((v) => typeof v?.invariant === 'string' && typeof v.at === 'number') : [];
  if (violations.length > 0) {
    const pid = pids.get('dns') ?? PID_FIRST_SUBSYSTEM + pids.size;
    if (!pids.has('dns')) processName(pid, 'DNS (Planner, Enactors, Route53)');
    threadName(pid, TID_VIOLATIONS, 'invariant violations');
    for (const v of violations.slice(0, TRACE_INSTANTS_MAX)) {
      timed.push({ name: v.invariant, ph: 'i', ts: us(v.at), pid, tid: TID_VIOLATIONS, s: 't', cat: 'invariant', args: { detail: v.detail ?? '', atSeconds: v.at } });
    }
  }

  const budget = TRACE_EVENTS_MAX - meta.length - timed.length;
  const perSeries = table.names.length === 0 ? 0 : Math.floor(budget / table.names.length);
  let reduced = 0;
  table.names.forEach((name, index) => {
    const column = table.columns[index] as readonly (number | null)[];
    const pid = pids.get(seriesSubsystem(parseSeriesName(name).base)) as number;
    const fits = column.length <= perSeries;
    if (!fits) reduced++;
    // min and max per bin: at most two points a bin, so half the share in bins
    const points = fits ? column.map((value, row) => ({ t: table.timeS[row] as number, value })) : downsample(table.timeS, column, name, Math.max(1, Math.floor(perSeries / 2)));
    for (const { t, value } of points) {
      if (value !== null) timed.push({ name, ph: 'C', ts: us(t), pid, tid: 0, cat: 'series', args: { value } });
    }
  });

  // Stable sort by time: B before E at equal times keeps zero-length slices nested.
  timed.sort((a, b) => a.ts - b.ts);
  return {
    traceEvents: [...meta, ...timed],
    displayTimeUnit: 'ms',
    otherData: {
      scenario: summary['scenario'], seed: summary['seed'], digest: summary['digest'],
      timeUnit: 'microseconds of simulated time since t = 0',
      clockStart: epoch.source === 'scenario' ? epoch.start : null,
      bound: `at most ${TRACE_EVENTS_MAX} events; ${reduced} of ${table.names.length} series reduced to min/max per bin; at most ${TRACE_INSTANTS_MAX} instants per kind`,
      violationsShown: Math.min(violations.length, TRACE_INSTANTS_MAX), violationsInSummary: violations.length,
      operatorActionsShown: Math.min(actions.length, TRACE_INSTANTS_MAX),
    },
  };
}

/** Writes the trace one event a line (a valid JSON file that diffs and greps well); returns the event count. */
export function writeTrace(file: string, summary: Record<string, unknown>, table: SeriesTable): number {
  const trace = traceOf(summary, table);
  const events = trace.traceEvents.map((e) => JSON.stringify(e)).join(',\n');
  writeFileSync(file, `{"traceEvents":[\n${events}\n],\n"displayTimeUnit":"ms",\n"otherData":${JSON.stringify(trace.otherData)}}\n`);
  return trace.traceEvents.length;
}

function phaseList(summary: Record<string, unknown>): Phase[] {
  const phases = summary['phases'];
  return Array.isArray(phases) ? (phases as Phase[]).filter((p) => typeof p?.name === 'string' && typeof p.start === 'number') : [];
}

/** subsystem -> pid, in the cascade's order, then the others alphabetically. */
function subsystemPids(names: readonly string[]): Map<string, number> {
  const present = new Set(names.map((n) => seriesSubsystem(parseSeriesName(n).base)));
  const ordered = [...SUBSYSTEMS.map(([s]) => s).filter((s) => present.has(s)), ...[...present].filter((s) => !SUBSYSTEMS.some(([k]) => k === s)).sort()];
  return new Map(ordered.map((s, i) => [s, PID_FIRST_SUBSYSTEM + i]));
}
