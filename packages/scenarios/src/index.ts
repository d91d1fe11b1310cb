// @cascade/scenarios: the built-in scenarios, their configuration schemas, and the model builder
// (`buildModel`; worker threads load it alone, from `@cascade/scenarios/models`).
import { ConfigError, clip } from './errors.js';
import { dnsRaceScenario } from './dns-race.js';
import { leaseStormScenario } from './lease-storm.js';
import { pholdScenario } from './phold.js';
import { usEast1Scenario } from './us-east-1.js';
import type { AnyScenarioDef } from './registry.js';

export { ConfigError, ECHO_CHARS_MAX, clip, clipLine } from './errors.js';
export { MODEL_BUILDERS, buildModel } from './models.js';
export { buildPhold, pholdScenario, type PholdConfig } from './phold.js';
export { DNS_RACE_CLOCK_START, buildDnsRace, dnsRaceScenario, dnsRaceSchema, dnsSchema, toDnsParams, type DnsConfig, type DnsRaceConfig } from './dns-race.js';
export { INVARIANTS, type Invariant } from '@cascade/dns';
export { RACE_EVENTS_MAX, RACE_WINDOW_S, TRACE_FORMAT, describeViolation, exploreBase, exploreConfig, exploreSeed, firstViolation, makeTrace, parseTrace, recordRace, replay, type DnsTrace, type ExploreResult, type RaceEvent, type RaceRecord, type ReplayResult } from './dns-explore.js';
export { LEASE_STORM_SAMPLE_INTERVAL_S, buildLeaseStorm, leaseStormScenario, leaseStormSchema, toLeaseStormParams, type LeaseStormConfig } from './lease-storm.js';
export { US_EAST_1, US_EAST_1_DROPLETS_PER_HOST, US_EAST_1_OFFICIAL, US_EAST_1_RATE_UNIT_DROPLETS, buildUsEast1, timeToRecovery, toUsEast1Params, usEast1Scenario, usEast1Schema, type Phase, type UsEast1Config } from './us-east-1.js';
export { resolveConfig, type AnyScenarioDef, type ConfigSources, type OfficialTimes, type ScenarioDef } from './registry.js';
export { COUNT_HELP, DURATION_HELP, MAX_DURATION_S, count, duration, parseCount, parseDurationSeconds } from './units.js';

/** What `cascade run` runs without --scenario. */
export const DEFAULT_SCENARIO = 'us-east-1-2025-10-20';

/** Every built-in scenario, by name. */
export const SCENARIOS: ReadonlyMap<string, AnyScenarioDef> = new Map<string, AnyScenarioDef>(
  [pholdScenario, dnsRaceScenario, leaseStormScenario, usEast1Scenario].map((def) => [def.name, def]),
);

export function scenarioDef(name: string): AnyScenarioDef {
  const def = SCENARIOS.get(name);
  if (def === undefined) throw new ConfigError(`scenario '${clip(name)}' is unknown; built-in: ${[...SCENARIOS.keys()].join(', ')}`);
  return def;
}
