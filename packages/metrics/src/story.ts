// What happened in a run, in words and numbers with units: the first screen of the report. Read
// from the contract's summary fields and the time series, so it tells any scenario's story; the
// official times come from the run's data (`summary.official`), never from here.
import { formatChange, formatDuration, formatNumber, formatWhen, type WallClock } from './clock.js';
import type { SeriesTable } from './timeseries.js';

/** A run's data as the story reads it: its summary and time series. */
export interface RunData {
  readonly summary: Record<string, unknown>;
  readonly table: SeriesTable;
}

export interface Span {
  readonly start: number;
  readonly end: number | null;
}

export interface StoryPhase extends Span {
  readonly name: string;
  readonly title: string;
  readonly official: Span | null;
  readonly replay: Span | null;
}

/** One of the worst figures: a number with its unit, what it is made of, and its change against the replay. */
export interface Fact {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly detail: string;
  readonly delta: string | null;
  readonly bad: boolean;
}

export interface Story {
  readonly ttrS: number | null;
  /** `14 h 21 min`, or why there is none */
  readonly ttrText: string;
  /** the run ended before recovery: ttrText is a lower bound */
  readonly ttrLowerBound: boolean;
  readonly ttrDetail: string;
  readonly ttrDelta: string | null;
  readonly sentences: readonly string[];
  readonly phases: readonly StoryPhase[];
  /** true when the summary has no phases and the story made them from the outage and the recovery */
  readonly phasesDerived: boolean;
  readonly officialSource: string | null;
  readonly facts: readonly Fact[];
}

type Obj = Record<string, unknown>;

function section(summary: Obj, name: string): Obj {
  const value = summary[name];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

interface OfficialPhase { name: string; title?: string; start: number; end: number }

/** `summary.official`: the phases the scenario says really happened, in seconds of simulated time. */
export function officialOf(summary: Obj): { source: string | null; phases: OfficialPhase[] } {
  const official = section(summary, 'official');
  const phases = Array.isArray(official['phases'])
    ? (official['phases'] as unknown[]).filter((p): p is OfficialPhase => p !== null && typeof p === 'object' && typeof (p as OfficialPhase).name === 'string' && num((p as OfficialPhase).start) !== null && num((p as OfficialPhase).end) !== null)
    : [];
  return { source: typeof official['source'] === 'string' ? official['source'] : null, phases };
}

interface PhaseLike { name: string; title: string; start: number; end: number | null }

/**
 * The run's phases; a summary without phases gets two from its contract fields: the DynamoDB
 * outage and the lease recovery after it (open when leases never recovered).
 */
export function phasesOf(summary: Obj): { phases: PhaseLike[]; derived: boolean } {
  const titles = new Map(officialOf(summary).phases.map((p) => [p.name, p.title ?? p.name]));
  const given = Array.isArray(summary['phases']) ? (summary['phases'] as { name: string; start: number; end: number | null }[]) : [];
  if (given.length > 0) return { phases: given.map((p) => ({ name: p.name, title: titles.get(p.name) ?? p.name, start: p.start, end: p.end ?? null })), derived: false };
  const dynamodb = section(summary, 'dynamodb');
  const from = num(dynamodb['unavailableFrom']);
  const back = num(dynamodb['availableAt']);
  if (from === null) return { phases: [], derived: true };
  const phases: PhaseLike[] = [{ name: 'outage', title: 'DynamoDB unavailable', start: from, end: back }];
  const leases = section(summary, 'leases');
  if (back !== null && num(leases['validFractionMin']) !== null) {
    phases.push({ name: 'recovery', title: 'Leases recovering (to 99%)', start: back, end: num(leases['recoveredAt']) });
  }
  return { phases, derived: true };
}

/** Time to recovery: the summary's, or from the first derived phase's start to the last one's end. */
export function timeToRecoveryOf(summary: Obj): number | null {
  const { phases, derived } = phasesOf(summary);
  if (!derived) return num(summary['timeToRecovery']);
  if (phases.length === 0 || phases.some((p) => p.end === null)) return null;
  return Math.max(...phases.map((p) => p.end as number)) - Math.min(...phases.map((p) => p.start));
}

/** Seconds between sample intervals of a table (0 with fewer than two rows). */
function stepOf(table: SeriesTable): number {
  return table.timeS.length >= 2 ? (table.timeS[1] as number) - (table.timeS[0] as number) : 0;
}

/** ∫ f(value) dt over a series, in value × seconds; null without the series. */
function integral(table: SeriesTable, name: string, f: (v: number) => number): number | null {
  const index = table.names.indexOf(name);
  if (index < 0) return null;
  const step = stepOf(table);
  let sum = 0;
  for (const v of table.columns[index] as readonly (number | null)[]) if (v !== null) sum += f(v) * step;
  return sum;
}

interface Figure { value: number; text: string; detail: string; bad: boolean }
interface FactDef { id: string; label: string; figure: (run: RunData, clock: WallClock | null, endS: number) => Figure | null; unit: (v: number) => string }

const pct = (share: number) => `${formatNumber(Math.round(share * 1000) / 10)}%`;

/** The worst figures, each shown only for a run that has the data. */
const FACTS: readonly FactDef[] = [
  {
    id: 'lease-hours',
    label: 'Droplets without a valid lease',
    unit: (v) => `${formatNumber(Math.round(v))} droplet-hours`,
    figure: ({ summary, table }) => {
      const droplets = num(section(summary, 'fleet')['droplets']);
      const worst = num(section(summary, 'leases')['validFractionMin']);
      if (droplets === null || worst === null) return null;
      const seconds = integral(table, 'leases.valid', (valid) => Math.max(0, droplets - valid));
      if (seconds === null) return null;
      const hours = seconds / 3600;
      return { value: hours, text: `${formatNumber(Math.round(hours))} droplet-hours`, detail: `at worst ${pct(1 - worst)} of ${formatNumber(droplets)} droplets without one`, bad: worst < 0.99 };
    },
  },
  {
    id: 'launches-failed',
    label: 'Launches failed',
    unit: (v) => `${formatNumber(v)} launches`,
    figure: ({ summary }) => {
      const l = section(summary, 'launches');
      const attempted = num(l['attempted']);
      if (attempted === null) return null;
      const capacity = num(l['insufficientCapacity']) ?? 0;
      const throttled = num(l['throttled']) ?? 0;
      const failed = capacity + throttled;
      return {
        value: failed,
        text: `${formatNumber(failed)} launches`,
        detail: `${attempted === 0 ? '0%' : pct(failed / attempted)} of ${formatNumber(attempted)}: ${formatNumber(capacity)} insufficient capacity, ${formatNumber(throttled)} throttled`,
        bad: failed > 0,
      };
    },
  },
  {
    id: 'nlb-capacity',
    label: 'NLB capacity out of service',
    unit: (v) => `${formatNumber(Math.round(v * 10) / 10)} capacity-hours`,
    figure: ({ summary, table }) => {
      const peak = num(section(summary, 'nlb')['capacityRemovedPeak']);
      const seconds = integral(table, 'nlb.capacityRemoved', (share) => share);
      if (peak === null || seconds === null) return null;
      const hours = seconds / 3600;
      return {
        value: hours,
        text: `${formatNumber(Math.round(hours * 10) / 10)} capacity-hours`,
        detail: `whole-region capacity × hours; peak ${pct(peak)} out, ${formatNumber(num(section(summary, 'nlb')['flaps']) ?? 0)} target flaps`,
        bad: peak > 0,
      };
    },
  },
  {
    id: 'dns-empty',
    label: 'DNS record empty',
    unit: (v) => formatDuration(v),
    figure: ({ summary }, clock, endS) => {
      const dns = section(summary, 'dns');
      const empty = num(dns['emptyRecordAt']);
      if (empty === null) return null;
      const restored = num(dns['restoredAt']);
      const end = restored ?? endS;
      const violations = Array.isArray(dns['violations']) ? dns['violations'].length : 0;
      return {
        value: end - empty,
        text: restored === null ? `${formatDuration(end - empty)}, never restored` : formatDuration(end - empty),
        detail: `from ${formatWhen(empty, clock)}${restored === null ? '' : ` to ${formatWhen(restored, clock)}`}; ${formatNumber(violations)} invariant violations`,
        bad: true,
      };
    },
  },
  {
    id: 'wasted-work',
    label: 'DWFM work wasted',
    unit: (v) => pct(v),
    figure: ({ summary }) => {
      const leases = section(summary, 'leases');
      const wasted = num(leases['wastedWorkFraction']);
      if (wasted === null) return null;
      const verdict = typeof leases['verdict'] === 'string' ? leases['verdict'] : null;
      return { value: wasted, text: pct(wasted), detail: `of DWFM busy time after DynamoDB returned${verdict === null ? '' : `; verdict ${verdict}`}`, bad: wasted > 0.1 || verdict === 'metastable' };
    },
  },
  {
    id: 'dwfm-goodput',
    label: 'DWFM goodput at the end',
    unit: (v) => `${formatNumber(Math.round(v))} items/s`,
    figure: ({ summary }) => {
      const leases = section(summary, 'leases');
      const evidence = section(leases, 'verdictEvidence');
      const throughput = num(evidence['throughput']);
      const goodput = num(evidence['goodput']);
      const window = num(evidence['windowSeconds']);
      if (throughput === null || goodput === null) return null;
      return {
        value: goodput,
        text: `${formatNumber(Math.round(goodput))} of ${formatNumber(Math.round(throughput))} items/s`,
        detail: `done on time, of all served, in the last ${window === null ? 'interval' : formatDuration(window)}; verdict ${typeof leases['verdict'] === 'string' ? leases['verdict'] : 'none'}`,
        bad: leases['verdict'] === 'metastable',
      };
    },
  },
  {
    id: 'network-backlog',
    label: 'Network Manager backlog',
    unit: (v) => `${formatNumber(v)} changes`,
    figure: ({ summary }, clock) => {
      const n = section(summary, 'network');
      const peak = num(n['backlogPeak']);
      if (peak === null) return null;
      const delay = num(n['delayPeakSeconds']);
      const cleared = num(n['clearedAt']);
      return {
        value: peak,
        text: `${formatNumber(peak)} changes`,
        detail: `peak backlog${delay === null ? '' : `; propagation delay up to ${formatDuration(delay)}`}${cleared === null ? '' : `; cleared ${formatWhen(cleared, clock)}`}`,
        bad: peak > 0,
      };
    },
  },
];

function changeText(run: number, replay: number, unit: (v: number) => string): string {
  const diff = run - replay;
  const rel = replay === 0 ? '' : ` (${diff < 0 ? '−' : '+'}${formatNumber(Math.round(Math.abs(diff / replay) * 100))}%)`;
  return `replay ${unit(replay)}${diff === 0 ? ', no change' : rel}`;
}

export function buildStory(run: RunData, replay: RunData | null, clock: WallClock | null, runEndS: number): Story {
  const { summary } = run;
  const official = officialOf(summary);
  const { phases: own, derived } = phasesOf(summary);
  const replayPhases = replay === null ? [] : phasesOf(replay.summary).phases;
  const phases: StoryPhase[] = own.map((p) => {
    const o = official.phases.find((x) => x.name === p.name);
    const r = replayPhases.find((x) => x.name === p.name);
    return { ...p, official: o === undefined ? null : { start: o.start, end: o.end }, replay: r === undefined ? null : { start: r.start, end: r.end } };
  });
  const ttr = timeToRecoveryOf(summary);
  const first = own.length === 0 ? null : Math.min(...own.map((p) => p.start));
  const last = own.length === 0 || own.some((p) => p.end === null) ? null : Math.max(...own.map((p) => p.end as number));
  let ttrText: string;
  let ttrDetail: string;
  if (ttr !== null && own.length === 0) {
    ttrText = formatDuration(ttr);
    ttrDetail = 'no outage in this run';
  } else if (ttr !== null && first !== null && last !== null) {
    ttrText = formatDuration(ttr);
    ttrDetail = `${formatWhen(first, clock)} → ${formatWhen(last, clock)}`;
    if (official.phases.length > 0) {
      const oStart = Math.min(...official.phases.map((p) => p.start));
      const oEnd = Math.max(...official.phases.map((p) => p.end));
      ttrDetail += `; official ${formatDuration(oEnd - oStart)} (${formatWhen(oStart, clock)} → ${formatWhen(oEnd, clock)})`;
    }
  } else if (first === null) {
    ttrText = 'none';
    ttrDetail = 'the run recorded no outage';
  } else {
    // not recovered: the run only bounds it from below
    ttrText = formatDuration(runEndS - first);
    ttrDetail = `not recovered by the end of the run; the outage began ${formatWhen(first, clock)}`;
  }
  let ttrDelta: string | null = null;
  if (replay !== null) {
    const replayTtr = timeToRecoveryOf(replay.summary);
    ttrDelta = replayTtr === null ? 'replay: not recovered' : ttr === null ? `replay ${formatDuration(replayTtr)}` : `${formatChange(ttr - replayTtr)} vs the replay (${formatDuration(replayTtr)})`;
  }
  const facts: Fact[] = [];
  for (const def of FACTS) {
    const f = def.figure(run, clock, runEndS);
    if (f === null) continue;
    const r = replay === null ? null : def.figure(replay, clock, runEndS);
    facts.push({ id: def.id, label: def.label, value: f.text, detail: f.detail, delta: r === null ? null : changeText(f.value, r.value, def.unit), bad: f.bad });
  }
  return { ttrS: ttr, ttrText, ttrLowerBound: ttr === null && first !== null, ttrDetail, ttrDelta, sentences: sentences(run, replay, clock, own), phases, phasesDerived: derived, officialSource: official.source, facts };
}

/** A few sentences: what broke, how the fleet came back (or did not), who acted, what a what-if changed. */
function sentences(run: RunData, replay: RunData | null, clock: WallClock | null, phases: readonly PhaseLike[]): string[] {
  const { summary } = run;
  const out: string[] = [];
  const when = (t: number) => formatWhen(t, clock);
  const dns = section(summary, 'dns');
  const dynamodb = section(summary, 'dynamodb');
  const leases = section(summary, 'leases');
  const empty = num(dns['emptyRecordAt']);
  const restored = num(dns['restoredAt']);
  const unavailable = num(dynamodb['unavailableFrom']);
  const available = num(dynamodb['availableAt']);
  if (empty !== null) {
    out.push(`The regional DNS record went empty at ${when(empty)}${restored === null ? ' and was never restored' : ` and was restored at ${when(restored)}`}${available === null ? '' : `; DynamoDB resolved again at ${when(available)}`}.`);
  } else if (unavailable !== null) {
    out.push(`DynamoDB was unavailable from ${when(unavailable)}${available === null ? ' to the end of the run' : ` to ${when(available)} (${formatDuration(available - unavailable)})`}.`);
  }
  const worst = num(leases['validFractionMin']);
  if (worst !== null && available !== null) {
    const droplets = num(section(summary, 'fleet')['droplets']);
    const recovered = num(leases['recoveredAt']);
    const verdict = typeof leases['verdict'] === 'string' ? leases['verdict'] : null;
    const evidence = section(leases, 'verdictEvidence');
    const throughput = num(evidence['throughput']);
    const goodput = num(evidence['goodput']);
    const flows = throughput !== null && goodput !== null ? ` (DWFM throughput ${formatNumber(Math.round(throughput))} items/s, goodput ${formatNumber(Math.round(goodput))} items/s at the end)` : '';
    const head = `Leases lapsed: at worst ${pct(worst)} of ${droplets === null ? 'the' : formatNumber(droplets)} droplets held a valid lease`;
    out.push(
      recovered === null
        ? `${head}, and they never got back to 99% valid by the end of the run${flows}: ${verdict === 'metastable' ? 'DWFM is stuck in a metastable state' : `verdict ${verdict ?? 'unknown'}`}.`
        : `${head}; 99% were valid again at ${when(recovered)}, ${formatDuration(recovered - available)} after DynamoDB returned (verdict ${verdict ?? 'recovered'}).`,
    );
  }
  const network = section(summary, 'network');
  const nlb = section(summary, 'nlb');
  const backlog = num(network['backlogPeak']);
  const flaps = num(nlb['flaps']);
  if (backlog !== null && flaps !== null) {
    const cleared = num(network['clearedAt']);
    const stable = num(nlb['stableAt']);
    out.push(`Network Manager's backlog peaked at ${formatNumber(backlog)} changes${cleared === null ? '' : ` (cleared ${when(cleared)})`}; NLB health checks flapped ${formatNumber(flaps)} times${stable === null ? ' and were still unstable at the end' : ` until ${when(stable)}`}.`);
  }
  const actions = operatorActionsOf(summary);
  if (actions.length > 0) {
    const grouped: string[] = [];
    for (const a of actions) {
      const text = `${when(a.at)} ${a.action}`;
      if (!grouped.includes(text)) grouped.push(text);
    }
    out.push(`The operator acted ${actions.length === 1 ? 'once' : `${actions.length} times`}: ${grouped.join(', ')}.`);
  } else if (phases.length > 0 && summary['operator'] !== undefined) {
    out.push('Nobody acted: no operator action in this run.');
  }
  const whatIf = section(summary, 'whatIf');
  const changes = section(whatIf, 'changes');
  if (Object.keys(changes).length > 0) {
    const ttr = timeToRecoveryOf(summary);
    const replayTtr = replay === null ? num(section(whatIf, 'replay')['timeToRecovery']) : timeToRecoveryOf(replay.summary);
    const moved = ttr === null || replayTtr === null ? (ttr === null ? 'it does not recover' : 'the replay does not recover') : ttr === replayTtr ? 'recovery takes as long as in the replay' : `recovery ends ${formatDuration(Math.abs(ttr - replayTtr))} ${ttr < replayTtr ? 'sooner' : 'later'} than in the replay`;
    out.push(`What-if: ${Object.entries(changes).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}; ${moved}.`);
  }
  return out;
}

export interface OperatorAction {
  readonly action: string;
  readonly at: number;
}

/** `operator.actions` of a summary, when it has them, in time order. */
export function operatorActionsOf(summary: Obj): OperatorAction[] {
  const actions = section(summary, 'operator')['actions'];
  if (!Array.isArray(actions)) return [];
  return actions
    .filter((a): a is OperatorAction => a !== null && typeof a === 'object' && typeof (a as OperatorAction).action === 'string' && num((a as OperatorAction).at) !== null)
    .map((a) => ({ action: a.action, at: a.at }))
    .sort((a, b) => a.at - b.at);
}
