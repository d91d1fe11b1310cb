// The summary.json object (schema cascade.summary/1 of CONTRACT.md): assembled from the engine's
// part and the model's sections, with every required field present (null when never produced).

export const SUMMARY_SCHEMA = 'cascade.summary/1';

/** Percentiles of a latency histogram, in seconds; nearest-rank on exact values. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

export interface InvariantViolation {
  invariant: string;
  /** seconds of simulated time */
  at: number;
  detail: string;
}

export interface Phase {
  name: string;
  /** seconds of simulated time */
  start: number;
  /** seconds of simulated time; null while the phase never ended */
  end: number | null;
}

export interface EngineFigures {
  threads: number;
  partitions: number;
  events: number;
  windows: number;
  wallSeconds: number;
  eventsPerSecond: number;
  peakRssBytes: number;
  /**
   * Per partition, in order, when partitions met at a barrier (worker threads of one machine): the
   * seconds each worked in the window loop and waited at the barrier for the others.
   */
  busySeconds?: number[];
  barrierWaitSeconds?: number[];
  /**
   * With them: CPU seconds the process spent over the run on all its threads (the workers, the
   * coordinator, V8's compiler and collector threads). Against wallSeconds, the cores the run kept
   * busy: a run that keeps every core busy is bound by the machine.
   */
  cpuSeconds?: number;
}

/** Times are seconds of simulated time since the scenario start; null when it never happened. */
export interface Summary {
  schema: typeof SUMMARY_SCHEMA;
  scenario: string;
  seed: number;
  complete: boolean;
  fleet: { droplets: number | null; dwfmHosts: number | null; [extra: string]: unknown };
  clock: { start: string | null };
  engine: EngineFigures;
  digest: string;
  dns: {
    emptyRecordAt: number | null;
    restoredAt: number | null;
    automationStuck: boolean | null;
    violations: InvariantViolation[];
    [extra: string]: unknown;
  };
  dynamodb: { unavailableFrom: number | null; availableAt: number | null; [extra: string]: unknown };
  leases: {
    validFractionMin: number | null;
    recoveredAt: number | null;
    collapsed: boolean | null;
    wastedWorkFraction: number | null;
    establishedTotal: number | null;
    establishLatency: LatencySummary;
    [extra: string]: unknown;
  };
  network: { backlogPeak: number | null; clearedAt: number | null; [extra: string]: unknown };
  nlb: { flaps: number | null; capacityRemovedPeak: number | null; stableAt: number | null; [extra: string]: unknown };
  launches: {
    attempted: number | null;
    succeeded: number | null;
    insufficientCapacity: number | null;
    throttled: number | null;
    [extra: string]: unknown;
  };
  phases: Phase[];
  timeToRecovery: number | null;
  /** Who acted on the run and when (seconds); a scenario without an operator has `timetable` and no action. */
  operator: { mode: string; actions: { action: string; at: number; trigger: string }[]; [extra: string]: unknown };
  [extra: string]: unknown;
}

/** What the engine knows about a run, independent of the model. */
export interface EngineSummaryPart {
  scenario: string;
  seed: number;
  complete: boolean;
  /** ISO-8601 wall-clock time of t=0 with its UTC offset, or null for a scenario without one. */
  clock: { start: string | null };
  engine: EngineFigures;
  digest: string;
}

export interface SummaryParts {
  engine: EngineSummaryPart;
  /** The model's sections (`Model.summarize`), any subset of the contract's, plus extras. */
  model: Record<string, unknown>;
}

/** Every required field of CONTRACT.md as a dotted path: what a complete summary.json holds. */
export const SUMMARY_FIELDS: readonly string[] = [
  'schema', 'scenario', 'seed', 'complete', 'fleet.droplets', 'fleet.dwfmHosts', 'clock.start',
  'engine.threads', 'engine.partitions', 'engine.events', 'engine.windows', 'engine.wallSeconds',
  'engine.eventsPerSecond', 'engine.peakRssBytes', 'digest',
  'dns.emptyRecordAt', 'dns.restoredAt', 'dns.automationStuck', 'dns.violations',
  'dynamodb.unavailableFrom', 'dynamodb.availableAt',
  'leases.validFractionMin', 'leases.recoveredAt', 'leases.collapsed', 'leases.wastedWorkFraction',
  'leases.establishedTotal', 'leases.establishLatency.count', 'leases.establishLatency.p50',
  'leases.establishLatency.p90', 'leases.establishLatency.p99', 'leases.establishLatency.p999',
  'leases.establishLatency.max',
  'network.backlogPeak', 'network.clearedAt', 'nlb.flaps', 'nlb.capacityRemovedPeak', 'nlb.stableAt',
  'launches.attempted', 'launches.succeeded', 'launches.insufficientCapacity', 'launches.throttled',
  'phases', 'timeToRecovery',
];

/** The dotted paths of SUMMARY_FIELDS that `value` lacks (a key holding null is present). */
export function missingSummaryFields(value: unknown): string[] {
  const missing: string[] = [];
  for (const field of SUMMARY_FIELDS) {
    let cur: unknown = value;
    for (const part of field.split('.')) {
      cur = cur !== null && typeof cur === 'object' && part in cur ? (cur as Record<string, unknown>)[part] : undefined;
    }
    if (cur === undefined) missing.push(field);
  }
  return missing;
}

/** Builds the full summary: engine figures win over the model's, absent fields become null. */
export function buildSummary(parts: SummaryParts): Summary {
  const { engine: run, model } = parts;
  const section = (name: string): Record<string, unknown> => {
    const s = model[name];
    if (s === undefined || s === null) return {};
    if (typeof s !== 'object' || Array.isArray(s)) throw new Error(`model summary section '${name}' must be an object, got ${JSON.stringify(s)}`);
    return s as Record<string, unknown>;
  };
  const leases = section('leases');
  const recoveredAt = nullable(leases['recoveredAt']);
  const known = new Set(['schema', 'scenario', 'seed', 'complete', 'fleet', 'clock', 'engine', 'digest', 'dns', 'dynamodb',
    'leases', 'network', 'nlb', 'launches', 'phases', 'timeToRecovery', 'operator']);
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(model)) if (!known.has(key)) extras[key] = value;

  const summary: Summary = {
    schema: SUMMARY_SCHEMA,
    scenario: run.scenario,
    seed: run.seed,
    complete: run.complete,
    fleet: withDefaults(section('fleet'), { droplets: null, dwfmHosts: null }),
    clock: { start: run.clock.start },
    engine: { ...run.engine },
    digest: run.digest,
    dns: withDefaults(section('dns'), { emptyRecordAt: null, restoredAt: null, automationStuck: null, violations: [] }),
    dynamodb: withDefaults(section('dynamodb'), { unavailableFrom: null, availableAt: null }),
    leases: {
      ...withDefaults(leases, {
        validFractionMin: null,
        recoveredAt: null,
        // The contract defines collapsed as "recoveredAt is null at the end": derivable only when
        // the model tracks recovery at all.
        collapsed: 'recoveredAt' in leases ? recoveredAt === null : null,
        wastedWorkFraction: null,
        establishedTotal: null,
        // CONTRACT additions (2026-11-30): recovered | recovering | metastable, null without a verdict
        verdict: null,
      }),
      establishLatency: withDefaults(objectOr(leases['establishLatency']), {
        count: 0, p50: null, p90: null, p99: null, p999: null, max: null,
      }),
    },
    network: withDefaults(section('network'), { backlogPeak: null, clearedAt: null }),
    nlb: withDefaults(section('nlb'), { flaps: null, capacityRemovedPeak: null, stableAt: null }),
    launches: withDefaults(section('launches'), { attempted: null, succeeded: null, insufficientCapacity: null, throttled: null }),
    phases: Array.isArray(model['phases']) ? (model['phases'] as Phase[]).map((p) => ({ ...p, end: p.end ?? null })) : [],
    timeToRecovery: nullable(model['timeToRecovery']) as number | null,
    // CONTRACT additions (2026-11-30); a scenario without an operator has nobody acting
    operator: withDefaults(section('operator'), { mode: 'timetable', actions: [] }),
    ...extras,
  };
  return summary;
}

function nullable(value: unknown): unknown {
  return value === undefined ? null : value;
}

function objectOr(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The defaults' keys first (contract order), then the model's extra keys; undefined becomes default. */
function withDefaults<D extends Record<string, unknown>>(given: Record<string, unknown>, defaults: D): D & Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) out[key] = given[key] === undefined ? value : given[key];
  for (const [key, value] of Object.entries(given)) if (!(key in out)) out[key] = value;
  return out as D & Record<string, unknown>;
}

/** Fields that are never numbers, even when null. */
const NON_NUMERIC_FIELDS = new Set(['clock.start', 'dns.automationStuck', 'leases.collapsed']);

/**
 * Every numeric field of a summary flattened with dotted names, null where null (the `metrics`
 * of a sweep run in CONTRACT.md). Arrays (phases, violations), strings and booleans are left out.
 */
export function summaryMetrics(summary: Record<string, unknown>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'number') out[key] = value;
    else if (value === null) {
      if (!NON_NUMERIC_FIELDS.has(key)) out[key] = null;
    } else if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, key === '' ? k : `${key}.${k}`);
    }
  };
  walk(summary, '');
  return out;
}
