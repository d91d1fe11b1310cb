// A swimlane (sequence) chart: one lane per actor, time across, one tick per event (a bar for a
// run of them) coloured by its kind, the moment that matters marked with a red rule. The data is
// generic: lanes, events, a mark.
import type { ChartSpec } from './charts.js';

export interface SequenceEvent {
  /** seconds of simulated time */
  readonly t: number;
  readonly lane: string;
  readonly kind: string;
  readonly text: string;
  /** an event that lasts (a run of writes): its end, drawn as a bar */
  readonly t2?: number;
  /** how many events the bar stands for */
  readonly count?: number;
}

export interface SequenceInput {
  readonly title: string;
  readonly events: readonly SequenceEvent[];
  /** the moment that matters (an invariant violation), drawn as a red rule */
  readonly mark: { readonly t: number; readonly label: string };
}

/** The close-up: this many seconds before the mark. */
export const SEQUENCE_CLOSE_UP_S = 60;

const KIND_COLORS: Record<string, string> = {
  plan: '#1f6feb', take: '#8250df', check: '#bf8700', lock: '#57606a', write: '#1a7f37', 'clean-up': '#bc4c00', repair: '#0969da', answer: '#6e7781', empty: '#cf222e', reject: '#a40e26', finish: '#0a3069',
};

/** Lanes in order of first appearance, Planner first: the order a reader follows the story in. */
function laneOrder(events: readonly SequenceEvent[]): string[] {
  const lanes: string[] = [];
  for (const e of events) if (!lanes.includes(e.lane)) lanes.push(e.lane);
  return lanes.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function rank(lane: string): number {
  const order = ['planner', 'plan-store', 'enactor', 'route53', 'resolver'];
  const i = order.findIndex((o) => lane.includes(o));
  return i < 0 ? order.length : i;
}

/** The whole record, or from `fromS` on (spans cut at it): a close-up of the last moments. */
export function sequenceSpec(whole: SequenceInput, fromS: number | null = null): ChartSpec {
  const input = fromS === null ? whole : { ...whole, events: whole.events.filter((e) => (e.t2 ?? e.t) >= fromS).map((e) => (e.t < fromS ? { ...e, t: fromS } : e)) };
  const lanes = laneOrder(whole.events);
  const kinds = [...new Set(input.events.map((e) => e.kind))].sort();
  const x = { field: 't', type: 'quantitative', title: 'simulated time (s)', scale: { zero: false, nice: false, ...(fromS === null ? {} : { domain: [fromS, whole.mark.t + 1] }) }, axis: { labelExpr: "format(datum.value, ',~f')" } };
  const y = { field: 'lane', type: 'nominal', sort: lanes, title: 'actor', axis: { labelLimit: 200 } };
  const color = { field: 'kind', type: 'nominal', title: 'event', sort: kinds, scale: { domain: kinds, range: kinds.map((k) => KIND_COLORS[k] ?? '#6e7781') }, legend: { orient: 'top', columns: 10 } };
  const tooltip = [{ field: 't', title: 'time (s)', format: ',.3f' }, { field: 'lane', title: 'actor' }, { field: 'text', title: 'event' }];
  const spans = input.events.filter((e) => e.t2 !== undefined).map((e) => ({ ...e, text: `${e.text} (${e.count ?? 1}×, until ${(e.t2 as number).toFixed(1)} s)` }));
  return {
    title: { text: fromS === null ? input.title : `${input.title}: the last ${Math.round(whole.mark.t - fromS)} s`, subtitle: `${input.events.length.toLocaleString('en-US')} events; the red rule: ${input.mark.label}` },
    width: 900,
    height: Math.max(1, lanes.length) * 28,
    layer: [
      { data: { values: spans }, mark: { type: 'bar', height: 10, opacity: 0.6 }, encoding: { x, x2: { field: 't2' }, y, color, tooltip } },
      { data: { values: input.events.filter((e) => e.t2 === undefined) }, mark: { type: 'tick', thickness: 2, size: 18, opacity: 0.9 }, encoding: { x, y, color, tooltip } },
      { data: { values: [input.mark] }, mark: { type: 'rule', color: '#cf222e', strokeWidth: 2 }, encoding: { x: { ...x, field: 't' } } },
      {
        data: { values: [input.mark] },
        mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, dy: 2, fontSize: 11, fontWeight: 'bold', color: '#cf222e' },
        encoding: { x: { ...x, field: 't' }, y: { value: 0 }, text: { value: 'violation' } },
      },
    ],
  } as ChartSpec;
}
