// The DNS explorer's pure pieces: the config of one exploration run (the 2025 settings, random
// delays, no forced fault), the first violation of a summary, and traces that replay exactly.
// The lead's pool runs one seed per task and stops at the first seed whose summary has a violation.
import { canonicalJson, runSingle, type Actor, type ActorId, type Context, type Message, type Model } from '@cascade/kernel';
import { INVARIANTS, type DnsMessage, type Invariant, type Violation } from '@cascade/dns';
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
  /** The interleaving that led to the violation (recordRace); absent in traces of older versions. */
  readonly race?: RaceRecord;
}

/**
 * One event of the race as one DNS actor saw it: a message it received, in words. Shaped like the
 * report's SequenceEvent (@cascade/metrics) so the CLI hands it over as is; the two packages do
 * not depend on each other, so the shape is stated on each side.
 */
export interface RaceEvent {
  /** seconds of simulated time */
  readonly t: number;
  /** the actor: dns-planner, dns-enactor-1, route53, resolver-0, ... */
  readonly lane: string;
  readonly kind: string;
  readonly text: string;
  /** for a run of writes of one plan by one enactor (one pass): the last write's time and the count */
  readonly t2?: number;
  readonly count?: number;
}

export interface RaceRecord {
  /** the events from `fromS` to just after the violation, at most RACE_EVENTS_MAX, oldest dropped first */
  readonly events: readonly RaceEvent[];
  readonly fromS: number;
  readonly toS: number;
  /** events in the window left out to keep the bound */
  readonly dropped: number;
}

/** The window recorded before a violation: as long as the longest random enactor stall (dns.enactor.stallMax's default). */
export const RACE_WINDOW_S = 1800;
/** Writes of one plan further apart than this are two spans: a stalled enactor shows as a gap. */
const RACE_WRITE_GAP_S = 5;
/** The bound on recorded events, whatever the config: a trace stays well under a megabyte. */
export const RACE_EVENTS_MAX = 3000;

const traceSchema = z.object({
  scenario: z.literal('dns-race'),
  description: z.object({ configSha256: z.string().regex(/^[0-9a-f]{64}$/), seed: z.int().nonnegative() }),
  config: z.record(z.string(), z.unknown()),
  violation: z.object({ invariant: z.enum(INVARIANTS), at: z.number().nonnegative(), detail: z.string() }),
  race: z
    .object({
      events: z.array(z.object({ t: z.number(), lane: z.string(), kind: z.string(), text: z.string(), t2: z.number().optional(), count: z.int().positive().optional() })).max(RACE_EVENTS_MAX),
      fromS: z.number(),
      toS: z.number(),
      dropped: z.int().nonnegative(),
    })
    .optional(),
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

export function makeTrace(config: DnsRaceConfig, violation: Violation, race?: RaceRecord): DnsTrace {
  return { scenario: 'dns-race', description: { configSha256: configSha256(config), seed: config.seed }, config, violation, ...(race === undefined ? {} : { race }) };
}

/** What a DNS actor's message says about the race, or null for the messages that say nothing (timers, samples). */
function raceEvent(msg: DnsMessage, lane: string, last: Map<string, string>): (Omit<RaceEvent, 't' | 'lane'> & { lane?: string }) | null {
  switch (msg.kind) {
    case 'put-plan':
      return { kind: 'plan', text: `generation ${msg.plan.generation} planned` };
    case 'delete-plans':
      return { kind: 'clean-up', text: `delete plans older than generation ${msg.below}${msg.spared.length > 0 ? ` (spares ${msg.spared.join(', ')})` : ''}` };
    case 'newest': {
      // polls that find the plan already taken say nothing new
      const text = msg.plan === null ? 'no plan' : `takes generation ${msg.plan.generation}`;
      if (last.get(`${lane} take`) === text) return null;
      last.set(`${lane} take`, text);
      return { kind: 'take', text };
    }
    case 'checked':
      return { kind: 'check', text: msg.ok ? `staleness check passed (applied ${msg.previous})` : `plan stale (applied ${msg.previous})` };
    case 'locked':
      // a lock is news only when another enactor holds some of the endpoints
      return msg.busy.length === 0 ? null : { kind: 'lock', text: `${msg.busy.length} endpoint(s) locked by another enactor` };
    case 'committed':
      // only a rejection is news: the write itself is drawn when Route53 receives it
      return msg.rejected > 0 ? { kind: 'reject', text: `Route53 rejected ${msg.rejected} write(s)` } : null;
    case 'cleaned':
      return msg.deleted === 0 ? null : { kind: 'clean-up', text: `its clean-up deleted ${msg.deleted} plan(s)` };
    case 'commit':
      // on the writer's lane: whose write it is matters more than who stores it
      return { kind: 'write', lane: `dns-enactor-${msg.enactor}`, text: `writes generation ${msg.plan.generation}` };
    case 'finish':
      return { kind: 'finish', lane: `dns-enactor-${msg.enactor}`, text: `pass done: generation ${msg.generation} applied; clean-up of plans older than ${msg.below}` };
    case 'repair':
      return { kind: 'repair', text: 'operator repairs the record' };
    case 'answer': {
      // only a changed answer is an event: resolvers answer many times a second
      const text = msg.addresses === 0 ? 'answers: EMPTY' : `answers ${msg.addresses} address(es), generation ${msg.generation}`;
      if (last.get(lane) === text) return null;
      last.set(lane, text);
      return { kind: msg.addresses === 0 ? 'empty' : 'answer', text };
    }
    default:
      return null;
  }
}

/**
 * Re-runs a violating config in this thread and records the DNS actors' events from RACE_WINDOW_S
 * before its violation to one second after it. Each actor's receive is watched from outside the
 * model, which runs exactly as without it: the digest is the same (checked by the caller's tests).
 */
export function recordRace(config: DnsRaceConfig, violation: Violation): { race: RaceRecord; digest: string } {
  const model = dnsRaceScenario.build(config);
  const fromS = Math.max(0, violation.at - RACE_WINDOW_S);
  const toS = violation.at + 1;
  let events: RaceEvent[] = [];
  let dropped = 0;
  const last = new Map<string, string>();
  /** the open run of writes per lane: one pass's writes become one span */
  const writing = new Map<string, { t: number; t2: number; count: number; lane: string; kind: string; text: string }>();
  const watched: Model = Object.create(model) as Model;
  Object.assign(watched, {
    createActor(id: ActorId): Actor {
      const actor = model.createActor(id);
      const lane = model.actorName(id);
      const receive = actor.receive.bind(actor);
      actor.receive = (msg: Message, ctx: Context<Message>) => {
        const t = ctx.now / 1e6;
        if (t >= fromS && t <= toS) {
          const e = raceEvent(msg as DnsMessage, lane, last);
          if (e !== null) {
            const event = { t, lane, ...e };
            const open = writing.get(event.lane);
            if (event.kind === 'write' && open !== undefined && open.text === event.text && t - open.t2 <= RACE_WRITE_GAP_S) {
              open.t2 = t;
              open.count++;
            } else if (event.kind === 'write') {
              const span = { ...event, t2: t, count: 1 };
              writing.set(event.lane, span);
              events.push(span);
            } else {
              writing.delete(event.lane);
              events.push(event);
            }
          }
          if (events.length >= 2 * RACE_EVENTS_MAX) {
            dropped += events.length - RACE_EVENTS_MAX;
            events = events.slice(-RACE_EVENTS_MAX);
          }
        }
        receive(msg, ctx);
      };
      return actor;
    },
  });
  const outcome = runSingle(watched);
  if (events.length > RACE_EVENTS_MAX) {
    dropped += events.length - RACE_EVENTS_MAX;
    events = events.slice(-RACE_EVENTS_MAX);
  }
  return { race: { events, fromS, toS, dropped }, digest: outcome.digest };
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
