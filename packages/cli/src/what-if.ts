// What-ifs: a run whose configuration differs from its scenario's replay (the defaults, at the
// same seed, fleet size and duration) is compared with that replay, phase by phase.
import { formatSimTime, parseClock, type Summary } from '@cascade/metrics';
import { resolveConfig } from '@cascade/scenarios';
import type { ResolvedScenario } from './scenario-input.js';
import { formatDuration, formatTable } from './table.js';

export interface WhatIf {
  /** The keys that differ from the replay, with this run's values. */
  readonly changes: Record<string, unknown>;
  readonly replay: { readonly digest: string; readonly timeToRecovery: number | null; readonly phases: Summary['phases'] };
  /** This run's time to recovery minus the replay's (negative = faster); null if either never recovered. */
  readonly timeToRecoveryChange: number | null;
  /**
   * Per phase of either run: its start and end in each, and the changes (this run minus the replay;
   * null where a phase is absent or never ends). `change` is the end's change.
   */
  readonly phases: {
    name: string;
    start: number | null;
    replayStart: number | null;
    startChange: number | null;
    end: number | null;
    replayEnd: number | null;
    change: number | null;
  }[];
}

function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out[prefix] = value;
  }
  return out;
}

/** The replay's config for a run: defaults at the run's seed, fleet size and duration. */
export function replayOf(scenario: ResolvedScenario): ResolvedScenario {
  const c = scenario.config;
  const fleetKey = scenario.def.fleetKey;
  const fleet = fleetKey === undefined ? undefined : flatten(c)[fleetKey];
  const config = resolveConfig(scenario.def, {
    seed: c['seed'] as number,
    duration: String(c['duration']),
    sets: fleetKey === undefined ? [] : [`${fleetKey}=${String(fleet)}`],
  }) as Record<string, unknown>;
  return { def: scenario.def, config, source: scenario.def.name };
}

/** Keys whose values differ between a run's config and its replay's. */
export function changedKeys(scenario: ResolvedScenario, replay: ResolvedScenario): Record<string, unknown> {
  const mine = flatten(scenario.config);
  const theirs = flatten(replay.config);
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys({ ...mine, ...theirs }).sort()) {
    if (JSON.stringify(mine[key]) !== JSON.stringify(theirs[key])) changes[key] = mine[key];
  }
  return changes;
}

export function compare(changes: Record<string, unknown>, run: Summary, replay: Summary): WhatIf {
  const names = [...new Set([...replay.phases.map((p) => p.name), ...run.phases.map((p) => p.name)])];
  const startOf = (s: Summary, name: string) => s.phases.find((p) => p.name === name)?.start ?? null;
  const endOf = (s: Summary, name: string) => s.phases.find((p) => p.name === name)?.end ?? null;
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return {
    changes,
    replay: { digest: replay.digest, timeToRecovery: replay.timeToRecovery, phases: replay.phases },
    timeToRecoveryChange: diff(run.timeToRecovery, replay.timeToRecovery),
    phases: names.map((name) => ({
      name,
      start: startOf(run, name),
      replayStart: startOf(replay, name),
      startChange: diff(startOf(run, name), startOf(replay, name)),
      end: endOf(run, name),
      replayEnd: endOf(replay, name),
      change: diff(endOf(run, name), endOf(replay, name)),
    })),
  };
}

/** Lines for the terminal: the whole outage's time to recovery, then each phase against the replay. */
export function describeWhatIf(w: WhatIf, run: Summary): string {
  const change = (x: number | null) => (x === null ? '' : x === 0 ? '0 s' : `${x < 0 ? '-' : '+'}${formatDuration(Math.abs(x))}`);
  const clock = parseClock(run.clock.start);
  const at = (t: number) => (clock === null ? formatDuration(t) : formatSimTime(t, clock));
  const span = (start: number | null, end: number | null) => (start === null ? 'no phase' : `${at(start)} -> ${end === null ? 'never ends' : at(end)}`);
  const ttr = (x: number | null) => (x === null ? 'not recovered' : formatDuration(x));
  const rows = w.phases.map((p) => [p.name, span(p.start, p.end), span(p.replayStart, p.replayEnd), change(p.startChange), change(p.change)]);
  return [
    `what-if against the replay: ${Object.entries(w.changes).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`,
    `  time to recovery  ${ttr(run.timeToRecovery)} vs ${ttr(w.replay.timeToRecovery)} in the replay${w.timeToRecoveryChange === null ? '' : ` (${change(w.timeToRecoveryChange)})`}`,
    ...formatTable(['phase', 'this run', 'replay', 'start moved', 'end moved'], rows).split('\n').map((l) => `  ${l}`),
  ].join('\n');
}
