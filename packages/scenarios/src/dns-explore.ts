// The DNS explorer's pure pieces: the config of one exploration run (the 2025 settings, random
// delays, no forced fault), the first violation of a summary, and traces that replay exactly.
// The lead's pool runs one seed per task and stops at the first seed whose summary has a violation.
import { runSingle } from '@cascade/kernel';
import type { Invariant, Violation } from '@cascade/dns';
import { ConfigError } from './errors.js';
import { dnsRaceScenario, type DnsRaceConfig } from './dns-race.js';
import { resolveConfig, type ConfigSources } from './registry.js';

export interface DnsTrace {
  readonly scenario: 'dns-race';
  /** The fully resolved config, seed included: `build(config)` re-creates the run exactly. */
  readonly config: DnsRaceConfig;
  readonly violation: Violation;
}

/** The base of an exploration: dns-race defaults (the 2025 settings) plus `sources`, with no forced stall. */
export function exploreBase(sources: ConfigSources = {}): DnsRaceConfig {
  const config = resolveConfig(dnsRaceScenario, sources);
  return { ...config, faults: { ...config.faults, enactorStall: null } };
}

/** The config of the exploration run for `seed`: `base` with that seed and no forced fault. */
export function exploreConfig(base: DnsRaceConfig, seed: number): DnsRaceConfig {
  if (!(Number.isInteger(seed) && seed >= 0)) throw new ConfigError(`explore seed ${seed}: expected a whole number >= 0`);
  return { ...base, seed, faults: { ...base.faults, enactorStall: null } };
}

/** The earliest violation in a dns-race summary, optionally only of the given invariants. */
export function firstViolation(summary: Record<string, unknown>, invariants?: readonly Invariant[]): Violation | null {
  const dns = summary['dns'] as { violations?: readonly Violation[] } | undefined;
  for (const v of dns?.violations ?? []) if (invariants === undefined || invariants.includes(v.invariant)) return v;
  return null;
}

export function makeTrace(config: DnsRaceConfig, violation: Violation): DnsTrace {
  return { scenario: 'dns-race', config, violation };
}

export interface ExploreResult {
  readonly seed: number;
  readonly digest: string;
  readonly events: number;
  readonly violation: Violation | null;
  readonly trace: DnsTrace | null;
}

/** Runs one exploration seed in this thread (what one pool task does). */
export function exploreSeed(base: DnsRaceConfig, seed: number, invariants?: readonly Invariant[]): ExploreResult {
  const config = exploreConfig(base, seed);
  const outcome = runSingle(dnsRaceScenario.build(config));
  const violation = firstViolation(outcome.summary, invariants);
  return { seed, digest: outcome.digest, events: outcome.events, violation, trace: violation === null ? null : makeTrace(config, violation) };
}

export interface ReplayResult {
  /** True iff the re-run hits the same invariant at the same simulated time. */
  readonly ok: boolean;
  readonly expected: Violation;
  readonly actual: Violation | null;
  readonly digest: string;
}

/** Re-runs a trace with `runSingle` and checks it hits the same violation at the same time. */
export function replay(trace: DnsTrace): ReplayResult {
  if (trace.scenario !== 'dns-race') throw new ConfigError(`trace scenario '${String(trace.scenario)}': only dns-race traces can be replayed`);
  // Re-validate: a trace file may have been edited or written by another version.
  const config = resolveConfig(dnsRaceScenario, { file: { path: 'trace.config', content: trace.config as unknown as Record<string, unknown> } });
  const outcome = runSingle(dnsRaceScenario.build(config));
  const expected = trace.violation;
  const actual = firstViolation(outcome.summary, [expected.invariant]);
  const ok = actual !== null && actual.at === expected.at && actual.detail === expected.detail;
  return { ok, expected, actual, digest: outcome.digest };
}

/** One line for humans: which invariant broke, when, and how. */
export function describeViolation(v: Violation): string {
  return `${v.invariant} at t=${v.at}s: ${v.detail}`;
}
