// The Vega-Lite specs of the report: phase timeline, time-series groups and HDR percentile plots.
// Pure functions from plain data to specs; rendering is charts.ts.
import type { ChartSpec } from './charts.js';
import { OFFICIAL_PHASES, parseClock, shiftedMs, type WallClock } from './clock.js';
import type { Histogram } from './histograms.js';
import { maxRecordedUs, percentileCurve } from './histograms.js';
import type { Phase } from './summary.js';
import type { PlotPoint } from './timeseries.js';

const WIDTH = 900;
/** Tick labels: `750` up to 999, then SI (`25k`, `1.2M`); per label, not a shared prefix. */
const VALUE_LABEL = "abs(datum.value) >= 1e3 ? format(datum.value, '.3~s') : format(datum.value, ',.4~g')";

/** The x encoding of simulated time: wall-clock (shifted UTC) with a clock, else seconds. */
function timeX(clock: WallClock | null, field: string, title?: string): Record<string, unknown> {
  if (clock === null) return { field, type: 'quantitative', title: title ?? 'simulated time (s)', scale: { nice: false }, axis: { labelExpr: "format(datum.value, ',~f')" } };
  return {
    field,
    type: 'temporal',
    scale: { type: 'utc' },
    title: title ?? `wall-clock time (${clock.offsetLabel})`,
    axis: { format: '%H:%M', labelOverlap: true },
  };
}

function timeValue(clock: WallClock | null, seconds: number): number {
  return clock === null ? seconds : shiftedMs(clock, seconds);
}

export interface TimelineInput {
  readonly phases: readonly Phase[];
  /** start of simulated time (for the official lanes) as ISO with offset, or null */
  readonly clockStart: string | null;
  /** show the official lanes of the 2025 incident */
  readonly official: boolean;
  /** where open phases (end null) are drawn to, seconds */
  readonly runEndS: number;
}

export interface TimelineRow {
  readonly lane: string;
  readonly source: 'simulated' | 'official';
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** Rows of the timeline, seconds of simulated time; official lanes placed by the wall clock. */
export function timelineRows(input: TimelineInput, officialStart: string): TimelineRow[] {
  const rows: TimelineRow[] = input.phases.map((p) => ({
    lane: p.name,
    source: 'simulated',
    start: p.start,
    end: p.end ?? Math.max(p.start, input.runEndS),
    label: p.end === null ? `${p.name} (still open at the end)` : p.name,
  }));
  if (input.official) {
    const t0 = parseClock(input.clockStart ?? officialStart) as WallClock;
    for (const o of OFFICIAL_PHASES) {
      rows.push({
        lane: o.name,
        source: 'official',
        start: (Date.parse(o.start) - t0.startMs) / 1000,
        end: (Date.parse(o.end) - t0.startMs) / 1000,
        label: o.label,
      });
    }
  }
  return rows;
}

/** An operator action on the timeline (seconds of simulated time). */
export interface TimelineAction {
  readonly action: string;
  readonly at: number;
}

/** Phases as bars; operator actions, if any, as dashed rules labelled at the top (actions at one instant share a label). */
export function timelineSpec(rows: readonly TimelineRow[], clock: WallClock | null, actions: readonly TimelineAction[] = []): ChartSpec {
  const lanes: string[] = [];
  for (const r of rows) if (!lanes.includes(r.lane)) lanes.push(r.lane);
  const values = rows.map((r) => ({ ...r, x: timeValue(clock, r.start), x2: timeValue(clock, r.end) }));
  const sources = rows.some((r) => r.source === 'official') ? ['simulated', 'official'] : ['simulated'];
  const bars = phaseBars(lanes, values, sources, clock);
  const title = sources.length > 1 ? 'Phases: simulated vs official' : 'Phases';
  if (actions.length === 0) return { title, width: WIDTH, height: { step: 34 }, ...bars } as ChartSpec;
  const byTime = new Map<number, string[]>();
  for (const a of actions) byTime.set(a.at, [...(byTime.get(a.at) ?? []), a.action]);
  const marks = [...byTime].map(([at, names]) => ({ x: timeValue(clock, at), at, label: names.join(' + ') }));
  return {
    title,
    width: WIDTH,
    height: lanes.length * (sources.length > 1 ? 52 : 34) + 24,
    layer: [
      bars,
      {
        data: { values: marks },
        mark: { type: 'rule', color: '#cf222e', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x: timeX(clock, 'x'), tooltip: [{ field: 'label', title: 'operator' }, { field: 'at', title: 'at (s)' }] },
      },
      {
        data: { values: marks },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, fontSize: 10, color: '#cf222e' },
        encoding: { x: timeX(clock, 'x'), y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  } as ChartSpec;
}

function phaseBars(lanes: readonly string[], values: readonly object[], sources: readonly string[], clock: WallClock | null): object {
  return {
    data: { values },
    mark: { type: 'bar', cornerRadius: 2, height: { band: 0.9 } },
    encoding: {
      y: { field: 'lane', type: 'nominal', sort: lanes, title: null, axis: { labelFontSize: 12 } },
      yOffset: { field: 'source', type: 'nominal', sort: sources },
      x: timeX(clock, 'x'),
      x2: { field: 'x2' },
      color: {
        field: 'source',
        type: 'nominal',
        title: null,
        scale: { domain: sources, range: ['#1f6feb', '#d4a72c'].slice(0, sources.length) },
        legend: { orient: 'top' },
      },
      tooltip: [{ field: 'label' }, { field: 'start', title: 'start (s)' }, { field: 'end', title: 'end (s)' }],
    },
  };
}

export function seriesGroupSpec(title: string, points: readonly PlotPoint[], clock: WallClock | null, order: readonly string[]): ChartSpec {
  return {
    title,
    data: { values: points.map((p) => ({ series: p.series, x: timeValue(clock, p.t), value: p.value })) },
    facet: {
      row: {
        field: 'series',
        type: 'nominal',
        sort: [...order],
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontWeight: 'bold', labelPadding: 4 },
      },
    },
    spec: {
      width: WIDTH,
      height: 70,
      mark: { type: 'line', interpolate: 'step-after', color: '#1f6feb' },
      encoding: {
        x: timeX(clock, 'x'),
        y: { field: 'value', type: 'quantitative', title: null, axis: { tickCount: 3, labelExpr: VALUE_LABEL }, scale: { zero: false, nice: true } },
      },
    },
    resolve: { scale: { y: 'independent' } },
    spacing: 8,
  };
}

/** Percentile plot like HdrHistogram's plotter: x is 1/(1-p) on a log scale, labelled as p. */
export function latencySpec(name: string, histogram: Histogram): ChartSpec {
  const curve = percentileCurve(histogram);
  const maxUs = maxRecordedUs(histogram);
  const unit = maxUs >= 10_000_000 ? { label: 's', perUs: 1e-6 } : maxUs >= 10_000 ? { label: 'ms', perUs: 1e-3 } : { label: 'µs', perUs: 1 };
  const xMax = curve.length === 0 ? 10 : (curve[curve.length - 1] as { inverse: number }).inverse;
  const ticks = Array.from({ length: Math.floor(Math.log10(xMax)) + 1 }, (_, i) => 10 ** i);
  return {
    title: { text: `${name}`, subtitle: `latency by percentile, ${histogram.totalCount.toLocaleString('en-US')} samples` },
    width: WIDTH,
    height: 220,
    data: { values: curve.map((p) => ({ inverse: p.inverse, percentile: p.percentile, value: p.valueUs * unit.perUs })) },
    mark: { type: 'line', color: '#8250df', point: { size: 10, filled: true, color: '#8250df' } },
    encoding: {
      x: {
        field: 'inverse',
        type: 'quantitative',
        scale: { type: 'log', domain: [1, xMax] },
        title: 'percentile',
        axis: { values: ticks, labelExpr: "datum.value <= 1 ? '0%' : format(100 - 100 / datum.value, '.6~f') + '%'", grid: true },
      },
      y: { field: 'value', type: 'quantitative', title: `latency (${unit.label})` },
      tooltip: [{ field: 'percentile', format: '.4~f' }, { field: 'value', format: '.4~f', title: `latency (${unit.label})` }],
    },
  };
}
