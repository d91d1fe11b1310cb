// The DNS explorer's pure pieces: the config of one exploration run (the 2025 settings, random
// delays, no forced fault), the first violation of a summary, and traces that replay exactly.
// The lead's pool runs one seed per task and stops at the first seed whose summary has a violation.
import { canonicalJson, runSingle } from '@cascade/kernel';
import { INVARIANTS, type Invariant, type Violation } from '@cascade/dns';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { dnsRaceScenario, type DnsRaceConfig } from './dns-race.js';
import { resolveConfig, type ConfigSources } from './registry.js';

/** The format name of a trace file (its content is sealed by the CLI with the runtime's codec). */
export const TRACE_FORMAT = 'cascade.trace/1';

export interface DnsTrace {
  readonly scenario: 'dns-race';
  /** What the trace says about itself: the hash of its config and its seed. */
  readonly description: { readonly configSha256: string; readonly seed: number };
  /** The fully resolved config, seed included: `build(config)` re-creates the run exactly. */
  readonly config: DnsRaceConfig;
  readonly violation: Violation;
}

const traceSchema = z.object({
  scenario: z.literal('dns-race'),
  description: z.object({ configSha256: z.string().regex(/^[0-9a-f]{64}$/), seed: z.int().nonnegative() }),
  config: z.record(z.string(), z.unknown()),
  violation: z.object({ invariant: z.enum(INVARIANTS), at: z.number().nonnegative(), detail: z.string() }),
});

function configSha256(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/**
 * Checks a decoded trace: its structure, its description against its config, and the config
 * against the scenario's schema. Throws ConfigError saying what is wrong or disagrees.
 */
export function parseTrace(value: unknown, where: string): DnsTrace {
  const parsed = traceSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new ConfigError(`${where}: not a valid trace: ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
  }
  const trace = value as DnsTrace;
  if (trace.config.seed !== trace.description.seed) {
    throw new ConfigError(`${where}: the trace disagrees with itself: its config has seed ${String(trace.config.seed)} but it was found with seed ${trace.description.seed}`);
  }
  if (configSha256(trace.config) !== trace.description.configSha256) {
    throw new ConfigError(`${where}: the trace disagrees with itself: its config is not the one it was found with (the config hash differs)`);
  }
  resolveConfig(dnsRaceScenario, { file: { path: `${where}: config`, content: trace.config as unknown as Record<string, unknown> } });
  return trace;
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
  return { scenario: 'dns-race', description: { configSha256: configSha256(config), seed: config.seed }, config, violation };
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
