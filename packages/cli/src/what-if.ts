// What-ifs: a run whose configuration differs from its scenario's replay (the defaults, at the
// same seed, fleet size and duration) is compared with that replay, phase by phase.
import type { Summary } from '@cascade/metrics';
import { resolveConfig } from '@cascade/scenarios';
import type { ResolvedScenario } from './scenario-input.js';

export interface WhatIf {
  /** The keys that differ from the replay, with this run's values. */
  readonly changes: Record<string, unknown>;
  readonly replay: { readonly digest: string; readonly timeToRecovery: number | null; readonly phases: Summary['phases'] };
  /** This run's time to recovery minus the replay's (negative = faster); null if either never recovered. */
  readonly timeToRecoveryChange: number | null;
  /** Per phase of either run: its end in each, and the change (null where a phase is absent). */
  readonly phases: { name: string; end: number | null; replayEnd: number | null; change: number | null }[];
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
  const endOf = (s: Summary, name: string) => s.phases.find((p) => p.name === name)?.end ?? null;
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return {
    changes,
    replay: { digest: replay.digest, timeToRecovery: replay.timeToRecovery, phases: replay.phases },
    timeToRecoveryChange: diff(run.timeToRecovery, replay.timeToRecovery),
    phases: names.map((name) => ({ name, end: endOf(run, name), replayEnd: endOf(replay, name), change: diff(endOf(run, name), endOf(replay, name)) })),
  };
}

/** Lines for the terminal. */
export function describeWhatIf(w: WhatIf, run: Summary): string {
  const secs = (x: number | null) => (x === null ? 'never' : `${x.toFixed(0)} s`);
  const change = (x: number | null) => (x === null ? '' : ` (${x <= 0 ? '' : '+'}${x.toFixed(0)} s)`);
  const lines = [
    `what-if against the replay: ${Object.entries(w.changes).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`,
    `  time to recovery  ${secs(run.timeToRecovery)} vs ${secs(w.replay.timeToRecovery)}${change(w.timeToRecoveryChange)}`,
  ];
  for (const p of w.phases) {
    const what = p.end === null ? 'no phase' : `ends ${secs(p.end)}`;
    lines.push(`  ${p.name.padEnd(16)}  ${what} vs ${p.replayEnd === null ? 'no phase' : secs(p.replayEnd)}${change(p.change)}`);
  }
  return lines.join('\n');
}
