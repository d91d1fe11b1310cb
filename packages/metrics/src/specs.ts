// The Vega-Lite specs of the report: phase timeline, time-series panels on one shared time axis and
// HDR percentile plots.
// Pure functions from plain data to specs; rendering is charts.ts.
import type { ChartSpec } from './charts.js';
import { shiftedMs, type WallClock } from './clock.js';
import type { Histogram } from './histograms.js';
import { maxRecordedUs, percentileCurve } from './histograms.js';
import { words } from './series-labels.js';
import type { PlotPoint } from './timeseries.js';

const WIDTH = 900;
/** Tick labels: `750` up to 999, then SI (`25k`, `1.2M`); per label, not a shared prefix. */
const VALUE_LABEL = "abs(datum.value) >= 1e3 ? format(datum.value, '.3~s') : format(datum.value, ',.4~g')";
/** Light fills of the phases shaded behind every time chart, in phase order. */
const PHASE_FILLS = ['#fbe3b6', '#f9c9c4', '#cfe2fb', '#d7f0d2', '#e6d9f7', '#f5d6e8'];
const ACTION_COLOR = '#cf222e';
const RUN_COLOR = '#1f6feb';
const REPLAY_COLOR = '#8c959f';

/** The one time axis of every time chart: its range, the phases shaded on it and the operator's actions. */
export interface TimeFrame {
  readonly clock: WallClock | null;
  /** the axis runs from t = 0 to here, seconds */
  readonly endS: number;
  readonly phases: readonly { readonly name: string; readonly title: string; readonly start: number; readonly end: number | null }[];
  readonly actions: readonly { readonly action: string; readonly at: number }[];
}

function timeValue(clock: WallClock | null, seconds: number): number {
  return clock === null ? seconds : shiftedMs(clock, seconds);
}

/** Tick steps for time since the start, seconds: about 6 to 12 ticks whatever the length. */
const ELAPSED_STEPS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** The x encoding of simulated time over the frame: the clock's wall-clock time, else h:mm since the start. */
function timeX(frame: TimeFrame, field: string, labelled: boolean): Record<string, unknown> {
  const domain = [timeValue(frame.clock, 0), timeValue(frame.clock, frame.endS)];
  const quiet = labelled ? {} : { labels: false, title: null, ticks: false };
  if (frame.clock === null) {
    const step = ELAPSED_STEPS.find((s) => frame.endS / s <= 12) ?? 86400;
    const values = Array.from({ length: Math.floor(frame.endS / step) + 1 }, (_, i) => i * step);
    return {
      field,
      type: 'quantitative',
      title: 'time since the start (h:mm)',
      scale: { domain, nice: false, zero: false },
      axis: { values, labelExpr: "floor(datum.value / 3600) + ':' + format(floor(datum.value % 3600 / 60), '02d')", ...quiet },
    };
  }
  return { field, type: 'temporal', title: `wall-clock time (${frame.clock.offsetLabel})`, scale: { type: 'utc', domain, nice: false }, axis: { format: '%H:%M', labelOverlap: true, ...quiet } };
}

/** Phases shaded and operator actions as dashed rules: the layers behind every time chart. */
function backdrop(frame: TimeFrame, labelled: boolean): object[] {
  const layers: object[] = [];
  if (frame.phases.length > 0) {
    const values = frame.phases.map((p, i) => ({
      x: timeValue(frame.clock, p.start),
      x2: timeValue(frame.clock, p.end ?? frame.endS),
      fill: PHASE_FILLS[i % PHASE_FILLS.length],
      phase: p.title,
    }));
    layers.push({ data: { values }, mark: { type: 'rect', opacity: 0.45 }, encoding: { x: timeX(frame, 'x', labelled), x2: { field: 'x2' }, fill: { field: 'fill', type: 'nominal', scale: null }, tooltip: [{ field: 'phase' }] } });
  }
  if (frame.actions.length > 0) {
    const values = actionMarks(frame);
    layers.push({ data: { values }, mark: { type: 'rule', color: ACTION_COLOR, strokeDash: [4, 3], strokeWidth: 1.2, opacity: 0.8 }, encoding: { x: timeX(frame, 'x', labelled), tooltip: [{ field: 'label', title: 'operator' }] } });
  }
  return layers;
}

/** Actions at one instant share a mark and a label. */
function actionMarks(frame: TimeFrame): { x: number; at: number; label: string }[] {
  const byTime = new Map<number, string[]>();
  for (const a of frame.actions) byTime.set(a.at, [...(byTime.get(a.at) ?? []), a.action]);
  return [...byTime].map(([at, names]) => ({ x: timeValue(frame.clock, at), at, label: names.join(' + ') }));
}

export interface TimelineRow {
  readonly lane: string;
  readonly source: 'simulated' | 'official' | 'replay';
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** Phases as bars on the frame's axis (with the official and the replay's phases when given), actions labelled at the top. */
export function timelineSpec(rows: readonly TimelineRow[], frame: TimeFrame): ChartSpec {
  const lanes: string[] = [];
  for (const r of rows) if (!lanes.includes(r.lane)) lanes.push(r.lane);
  const sources = (['simulated', 'replay', 'official'] as const).filter((s) => rows.some((r) => r.source === s));
  const colors = { simulated: RUN_COLOR, replay: REPLAY_COLOR, official: '#d4a72c' };
  const values = rows.map((r) => ({ ...r, x: timeValue(frame.clock, r.start), x2: timeValue(frame.clock, r.end) }));
  const bars = {
    data: { values },
    mark: { type: 'bar', cornerRadius: 2, height: { band: 0.9 } },
    encoding: {
      y: { field: 'lane', type: 'nominal', sort: lanes, title: 'phase', axis: { labelFontSize: 12, labelLimit: 280 } },
      yOffset: { field: 'source', type: 'nominal', sort: sources },
      x: timeX(frame, 'x', true),
      x2: { field: 'x2' },
      color: { field: 'source', type: 'nominal', title: null, scale: { domain: sources, range: sources.map((s) => colors[s]) }, legend: { orient: 'top' } },
      tooltip: [{ field: 'label' }, { field: 'start', title: 'start (s)' }, { field: 'end', title: 'end (s)' }],
    },
  };
  const marks = actionMarks(frame);
  const layers: object[] = [bars];
  if (marks.length > 0) {
    layers.push(
      { data: { values: marks }, mark: { type: 'rule', color: ACTION_COLOR, strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x: timeX(frame, 'x', true), tooltip: [{ field: 'label', title: 'operator' }, { field: 'at', title: 'at (s)' }] } },
      { data: { values: marks }, mark: { type: 'text', align: 'left', baseline: 'bottom', angle: 0, dx: 3, dy: -2, fontSize: 10, color: ACTION_COLOR }, encoding: { x: timeX(frame, 'x', true), y: { value: 0 }, text: { field: 'label' } } },
    );
  }
  return {
    title: sources.length > 1 ? `Phases: ${sources.join(' vs ')}` : 'Phases',
    width: WIDTH,
    height: Math.max(1, lanes.length) * 18 * (sources.length + 1) + 24,
    layer: layers,
  } as ChartSpec;
}

/** A line of a panel: this run's, the replay's (drawn behind in grey), or a named statistic. */
export interface PanelLine {
  readonly name: string;
  readonly points: readonly PlotPoint[];
  readonly color?: string;
  readonly dashed?: boolean;
}

export interface Panel {
  readonly title: string;
  /** the y axis title */
  readonly unit: string;
  readonly lines: readonly PanelLine[];
  /** mark each point too: for sparse values a line alone would leave isolated points unseen */
  readonly dots?: boolean;
}

/** Panels stacked on one time axis (labelled under the last), each with the phases and actions behind it, y from zero. */
export function panelsSpec(title: string, panels: readonly Panel[], frame: TimeFrame, height = 80): ChartSpec {
  return {
    title,
    vconcat: panels.map((panel, i) => panelSpec(panel, frame, i === panels.length - 1, height)),
    spacing: 6,
    resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent', strokeDash: 'independent' } },
  } as ChartSpec;
}

function panelSpec(panel: Panel, frame: TimeFrame, labelled: boolean, height: number): object {
  const names = panel.lines.map((l) => l.name);
  const colors = panel.lines.map((l, i) => l.color ?? (i === 0 ? RUN_COLOR : REPLAY_COLOR));
  const values = panel.lines.flatMap((line) => line.points.map((p) => ({ line: line.name, x: timeValue(frame.clock, p.t), value: p.value })));
  const legend = panel.lines.length > 1 ? { orient: 'top', direction: 'horizontal', title: null, labelLimit: 260, offset: 4 } : null;
  // a small count (AZs removed, an up/down flag) gets ticks at whole numbers only: "1.5 AZs" means nothing
  const ticks = wholeTicks(values.map((v) => v.value));
  return {
    title: { text: panel.title, fontSize: 12, fontWeight: 'bold', anchor: 'start', offset: 4 },
    width: WIDTH,
    height,
    layer: [
      ...backdrop(frame, labelled),
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, ...(panel.dots === true ? { point: { size: 14, filled: true } } : {}) },
        encoding: {
          x: timeX(frame, 'x', labelled),
          y: { field: 'value', type: 'quantitative', title: panel.unit, scale: { zero: true, nice: true }, axis: { tickCount: 3, labelExpr: VALUE_LABEL, titleFontSize: 11, ...(ticks === null ? {} : { values: ticks }) } },
          color: { field: 'line', type: 'nominal', sort: names, scale: { domain: names, range: colors }, legend },
          strokeDash: { field: 'line', type: 'nominal', sort: names, scale: { domain: names, range: panel.lines.map((l) => (l.dashed === true ? [5, 3] : [1, 0])) }, legend: null },
          order: { value: 0 },
        },
      },
    ],
  };
}

/**
 * The whole numbers from the axis's low end to its high end (zero included), when every value is
 * a whole number and they span at most four; else null, and the axis picks its own ticks (above
 * four its three or so ticks fall on whole numbers anyway).
 */
function wholeTicks(values: readonly (number | null)[]): number[] | null {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v === null) continue;
    if (!Number.isInteger(v)) return null;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo > 4) return null;
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** The unit latencies up to `maxUs` read best in. */
export function latencyUnit(maxUs: number): { label: string; perUs: number } {
  return maxUs >= 10_000_000 ? { label: 's', perUs: 1e-6 } : maxUs >= 10_000 ? { label: 'ms', perUs: 1e-3 } : { label: 'µs', perUs: 1 };
}

/** Percentile plot like HdrHistogram's plotter: x is 1/(1-p) on a log scale, labelled as p. */
export function latencySpec(name: string, histogram: Histogram): ChartSpec {
  const curve = percentileCurve(histogram);
  const maxUs = maxRecordedUs(histogram);
  const unit = latencyUnit(maxUs);
  const xMax = curve.length === 0 ? 10 : (curve[curve.length - 1] as { inverse: number }).inverse;
  const ticks = Array.from({ length: Math.floor(Math.log10(xMax)) + 1 }, (_, i) => 10 ** i);
  return {
    title: { text: `${words(name)} by percentile`, subtitle: `${name}: ${histogram.totalCount.toLocaleString('en-US')} samples` },
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
      y: { field: 'value', type: 'quantitative', title: `latency (${unit.label})`, scale: { zero: true } },
      tooltip: [{ field: 'percentile', format: '.4~f' }, { field: 'value', format: '.4~f', title: `latency (${unit.label})` }],
    },
  };
}
