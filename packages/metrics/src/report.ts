// The report of one run: charts (plots/*.svg, *.png) and report.html, made from the run's data —
// either straight after the run or rebuilt from the files of a run folder (`cascade report DIR`).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prefixSvgIds, renderSvg, svgToPng, type ChartSpec } from './charts.js';
import { formatNumber, parseClock } from './clock.js';
import { flattenConfig, isPolicyKey } from './config-table.js';
import { decodeHistogramText, histogramFigures, type Histogram } from './histograms.js';
import { renderPage, type ChartBlock } from './html.js';
import { latencyOverTime, parseHlogIntervals, type IntervalHistograms } from './latency-over-time.js';
import { parseSeriesName } from './series-catalog.js';
import { seriesLabel, words } from './series-labels.js';
import { latencySpec, latencyUnit, panelsSpec, timelineSpec, type Panel, type PanelLine, type TimeFrame, type TimelineRow } from './specs.js';
import { SEQUENCE_CLOSE_UP_S, sequenceSpec, type SequenceInput } from './sequence-chart.js';
import { buildStory, operatorActionsOf, type RunData } from './story.js';
import { missingSummaryFields } from './summary.js';
import { downsample, parseTimeseriesCsv, type PlotPoint, type SeriesTable } from './timeseries.js';

const THROUGHPUT = 'dwfm.throughput';
const GOODPUT = 'dwfm.goodput';
const REPLAY_LINE = '#afb8c1';
const RUN_LINE = '#1f6feb';
/** The run folder's copy of a what-if's replay: its summary and time series. */
export const REPLAY_DIR = 'replay';
/** The run folder's record of the events that led to a violation. */
export const SEQUENCE_FILE = 'sequence.json';

/** Everything the report is made of: what a run folder holds. */
export interface ReportInputs {
  readonly summary: Record<string, unknown>;
  readonly config: unknown;
  readonly table: SeriesTable;
  /** by file base name (histograms/NAME.hdr) */
  readonly histograms: Record<string, Histogram>;
  /** by file base name: each sample interval's histogram, for latency over time; absent: none */
  readonly intervals?: Record<string, IntervalHistograms>;
  /** a what-if's replay (the run folder's replay/): drawn behind this run's series */
  readonly replay?: RunData | null;
  /** the events that led to a violation (the run folder's sequence.json): a swimlane chart */
  readonly sequence?: SequenceInput | null;
}

export interface ReportResult {
  readonly htmlPath: string;
  /** chart id -> number of data marks drawn */
  readonly charts: Record<string, number>;
}

/** Series prefixes in the order of the cascade (INCIDENT.md); others follow alphabetically. */
const GROUP_ORDER = ['dns', 'dynamodb', 'leases', 'dwfm', 'network', 'nlb', 'launches'];
const GROUP_TITLES: Record<string, string> = {
  dns: 'DNS', dynamodb: 'DynamoDB', leases: 'Leases', dwfm: 'DWFM', network: 'Network Manager', nlb: 'NLB',
  launches: 'Launches', other: 'Other series',
};
/** Points per plotted series, at most about twice this (min and max per bin). */
const PLOT_BINS = 600;

export function groupSeries(names: readonly string[]): { group: string; names: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const dot = name.indexOf('.');
    const group = dot > 0 ? name.slice(0, dot) : 'other';
    const members = groups.get(group);
    if (members === undefined) groups.set(group, [name]);
    else members.push(name);
  }
  const rank = (g: string): number => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : g === 'other' ? 1e9 : 1e6);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, members]) => ({ group, names: members }));
}

/** A column of a table scaled for plotting, reduced to min/max per bin; [] when the table lacks it. */
function plotted(table: SeriesTable, name: string, line: string, scale: number, fill: number | null = null): PlotPoint[] {
  const index = table.names.indexOf(name);
  if (index < 0) return [];
  const column = (table.columns[index] as (number | null)[]).map((v) => (v === null ? fill : v * scale));
  return downsample(table.timeS, column, line, PLOT_BINS);
}

/** Renders every chart into `dir/plots` and writes `dir/report.html`. */
export async function renderReport(dir: string, inputs: ReportInputs): Promise<ReportResult> {
  const { summary, table } = inputs;
  const replay = inputs.replay ?? null;
  const clockStart = (summary['clock'] as { start?: unknown } | undefined)?.start;
  const clock = parseClock(typeof clockStart === 'string' ? clockStart : null);
  const plotsDir = join(dir, 'plots');
  mkdirSync(plotsDir, { recursive: true });
  for (const file of readdirSync(plotsDir)) if (/\.(svg|png)$/.test(file)) rmSync(join(plotsDir, file));

  const charts: Record<string, number> = {};
  // PNGs are drawn off the main thread while the next charts are laid out; the page comes last
  const pngs: Promise<void>[] = [];
  const draw = async (id: string, kind: ChartBlock['kind'], title: string, caption: string, spec: ChartSpec, points: number): Promise<ChartBlock> => {
    const rendered = await renderSvg(spec);
    writeFileSync(join(plotsDir, `${id}.svg`), rendered.svg);
    const png = svgToPng(rendered.svg).then((bytes) => writeFileSync(join(plotsDir, `${id}.png`), bytes));
    png.catch(() => undefined); // awaited below; a failure there fails the report
    pngs.push(png);
    charts[id] = rendered.markCount;
    return { id, kind, title, caption, svg: prefixSvgIds(rendered.svg, `c-${id}`), markCount: rendered.markCount, points };
  };

  const runEndS = runEnd(table, summary);
  const story = buildStory({ summary, table }, replay, clock, runEndS);
  const actions = operatorActionsOf(summary);
  const frame: TimeFrame = { clock, endS: runEndS, phases: story.phases, actions };
  const framing = `Shaded: the phases${actions.length > 0 ? '; red dashed lines: the operator\'s actions' : ''}${replay === null ? '' : '; grey: the replay'}.`;

  // The phases against the official timeline and the replay
  let timeline: ChartBlock | null = null;
  if (story.phases.length > 0) {
    const rows: TimelineRow[] = [];
    for (const p of story.phases) {
      rows.push({ lane: p.title, source: 'simulated', start: p.start, end: p.end ?? runEndS, label: p.end === null ? `${p.title} (still open at the end)` : p.title });
      if (p.replay !== null) rows.push({ lane: p.title, source: 'replay', start: p.replay.start, end: p.replay.end ?? runEndS, label: `${p.title} in the replay` });
      if (p.official !== null) rows.push({ lane: p.title, source: 'official', start: p.official.start, end: p.official.end ?? runEndS, label: `${p.title}, official` });
    }
    const against = [story.phases.some((p) => p.official !== null) ? 'the official times (gold)' : '', replay === null ? '' : 'the replay (grey)'].filter((x) => x !== '');
    const caption = `Simulated phases (blue)${against.length > 0 ? ` against ${against.join(' and ')}` : ''}${story.phasesDerived ? ', read from the DynamoDB outage and the lease recovery' : ''}.${actions.length > 0 ? ' Red dashed lines: the operator\'s actions.' : ''}`;
    timeline = await draw('timeline', 'timeline', 'Phases', caption, timelineSpec(rows, frame), rows.length + actions.length);
  }

  const key: ChartBlock[] = [];
  // The events that led to a violation, actor by actor
  if (inputs.sequence !== undefined && inputs.sequence !== null && inputs.sequence.events.length > 0) {
    const caption = `One lane per actor, time across: each tick is an event an actor received (hover for what it said); the red rule is ${inputs.sequence.mark.label}.`;
    key.push(await draw('race', 'sequence', inputs.sequence.title, caption, sequenceSpec(inputs.sequence), inputs.sequence.events.length));
    const fromS = inputs.sequence.mark.t - SEQUENCE_CLOSE_UP_S;
    key.push(await draw('race-end', 'sequence', `${inputs.sequence.title}: the last ${SEQUENCE_CLOSE_UP_S} s`, `The same, the last ${SEQUENCE_CLOSE_UP_S} s before the violation.`, sequenceSpec(inputs.sequence, fromS), inputs.sequence.events.filter((e) => (e.t2 ?? e.t) >= fromS).length));
  }

  // The picture of a metastable failure: throughput at capacity over goodput at zero
  if (table.names.includes(THROUGHPUT)) {
    const lines: PanelLine[] = [
      ...(replay === null || !replay.table.names.includes(THROUGHPUT)
        ? []
        : [
            { name: 'replay throughput', points: plotted(replay.table, THROUGHPUT, 'replay throughput', 1, 0), color: REPLAY_LINE },
            { name: 'replay goodput', points: plotted(replay.table, GOODPUT, 'replay goodput', 1, 0), color: REPLAY_LINE, dashed: true },
          ]),
      { name: 'throughput: items done', points: plotted(table, THROUGHPUT, 'throughput', 1, 0), color: '#cf222e' },
      { name: 'goodput: items done on time', points: plotted(table, GOODPUT, 'goodput', 1, 0), color: '#1a7f37', dashed: true },
    ];
    const caption = `DWFM items completed per second, all hosts: throughput counts every item served, goodput only those done by their deadline. Throughput high over goodput near zero is a metastable state. ${framing}`;
    const spec = panelsSpec('DWFM throughput and goodput', [{ title: 'Items completed per second, all DWFM hosts', unit: 'items/s', lines }], frame, 170);
    key.push(await draw('dwfm-throughput-goodput', 'timeseries', 'DWFM throughput and goodput', caption, spec, lines.reduce((n, l) => n + l.points.length, 0)));
  }

  // Time series, one chart per prefix group, one panel per series, the replay behind
  const series: ChartBlock[] = [];
  for (const { group, names } of groupSeries(table.names)) {
    const panels: Panel[] = names.map((name) => {
      const label = seriesLabel(parseSeriesName(name).base);
      const fill = label.counter ? 0 : null;
      const lines: PanelLine[] = [{ name: replay === null ? label.title : 'this run', points: plotted(table, name, name, label.scale, fill), color: RUN_LINE }];
      if (replay !== null && replay.table.names.includes(name)) lines.unshift({ name: 'replay', points: plotted(replay.table, name, name, label.scale, fill), color: REPLAY_LINE });
      return { title: name === parseSeriesName(name).base ? label.title : `${label.title} (${name.slice(parseSeriesName(name).base.length)})`, unit: label.unit, lines };
    });
    const title = GROUP_TITLES[group] ?? words(group);
    const id = `series-${safeId(group)}`;
    const caption = `${title}: ${names.length} series (${names.join(', ')}), ${table.timeS.length} sample intervals${table.timeS.length > PLOT_BINS ? `, plotted as min/max of ${PLOT_BINS} bins` : ''}. ${framing}`;
    series.push(await draw(id, 'timeseries', title, caption, panelsSpec(title, panels, frame), panels.reduce((n, p) => n + p.lines.reduce((m, l) => m + l.points.length, 0), 0)));
  }

  // Latency: over time (p50/p99 per sample interval) next to the HDR percentile plot
  const latency: ChartBlock[] = [];
  const latencyRows: string[][] = [];
  const intervalS = table.timeS.length >= 2 ? (table.timeS[1] as number) - (table.timeS[0] as number) : 0;
  for (const [name, histogram] of Object.entries(inputs.histograms).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const f = histogramFigures(histogram);
    latencyRows.push([name, f.count.toLocaleString('en-US'), ...[f.p50Us, f.p90Us, f.p99Us, f.p999Us, f.maxUs].map(formatLatencyUs)]);
    if (histogram.totalCount === 0) continue;
    const intervals = inputs.intervals?.[name];
    if (intervals !== undefined && intervalS > 0) {
      const over = latencyOverTime(intervals, intervalS, table.timeS.length);
      if (over.p50.length > 0) {
        const unit = latencyUnit(over.peakUs);
        const scaled = (points: PlotPoint[]) => points.map((p) => ({ ...p, value: p.value === null ? null : p.value * unit.perUs }));
        const lines: PanelLine[] = [{ name: 'p50', points: scaled(over.p50), color: '#8250df' }, { name: 'p99', points: scaled(over.p99), color: '#cf222e', dashed: true }];
        const caption = `${name}: the median and the 99th percentile of the latencies recorded in each ${formatNumber(intervalS)} s sample interval (from histograms/${name}.hlog). ${framing}`;
        latency.push(await draw(`latency-time-${safeId(name)}`, 'latency', `${name} over time`, caption, panelsSpec(`${words(name)} over time`, [{ title: 'Latency per sample interval', unit: `latency (${unit.label})`, lines, dots: true }], frame, 150), over.p50.length * 2));
      }
    }
    latency.push(await draw(`latency-${safeId(name)}`, 'latency', name, `${name}: latency by percentile (HdrHistogram), x = 1/(1-percentile) on a log scale.`, latencySpec(name, histogram), histogram.totalCount));
  }

  await Promise.all(pngs);
  const config = flattenConfig(inputs.config);
  const html = renderPage({
    summary,
    clock,
    story,
    timeline,
    key,
    series,
    latency,
    latencyRows,
    config,
    policies: config.filter((r) => isPolicyKey(r.key)),
  });
  const htmlPath = join(dir, 'report.html');
  writeFileSync(htmlPath, html);
  return { htmlPath, charts };
}

/** Reads a run folder's data files. Throws an Error naming the file that is missing or bad. */
export function readRunFolder(dir: string): ReportInputs {
  if (!existsSync(dir)) throw new Error(`${dir}: no such run folder`);
  const summary = readJson(join(dir, 'summary.json'));
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) throw new Error(`${join(dir, 'summary.json')}: expected a JSON object`);
  const missing = missingSummaryFields(summary);
  if (missing.length > 0) throw new Error(`${join(dir, 'summary.json')}: missing field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const config = readJson(join(dir, 'config.json'));
  const csvPath = join(dir, 'timeseries.csv');
  const table = parseTimeseriesCsv(readText(csvPath), csvPath);
  const histograms: Record<string, Histogram> = {};
  const intervals: Record<string, IntervalHistograms> = {};
  const intervalS = table.timeS.length >= 2 ? (table.timeS[1] as number) - (table.timeS[0] as number) : 0;
  const histDir = join(dir, 'histograms');
  if (existsSync(histDir)) {
    const files = readdirSync(histDir).sort();
    for (const file of files) {
      if (file.endsWith('.hgrm') && !files.includes(file.replace(/\.hgrm$/, '.hdr'))) {
        throw new Error(`${join(histDir, file.replace(/\.hgrm$/, '.hdr'))}: missing (the lossless histogram the report is drawn from)`);
      }
      if (!file.endsWith('.hdr')) continue;
      const path = join(histDir, file);
      const base = file.slice(0, -'.hdr'.length);
      histograms[base] = decodeHistogramText(readText(path), path);
      if (intervalS > 0 && files.includes(`${base}.hlog`)) intervals[base] = parseHlogIntervals(readText(join(histDir, `${base}.hlog`)), intervalS);
    }
  }
  const sequencePath = join(dir, SEQUENCE_FILE);
  const sequence = existsSync(sequencePath) ? (readJson(sequencePath) as SequenceInput) : null;
  return { summary: summary as Record<string, unknown>, config, table, histograms, intervals, replay: readReplay(dir), sequence };
}

/** The replay a what-if's run folder keeps (replay/summary.json and replay/timeseries.csv), or null. */
function readReplay(dir: string): RunData | null {
  const folder = join(dir, REPLAY_DIR);
  if (!existsSync(join(folder, 'summary.json'))) return null;
  const summary = readJson(join(folder, 'summary.json'));
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) throw new Error(`${join(folder, 'summary.json')}: expected a JSON object`);
  const csvPath = join(folder, 'timeseries.csv');
  return { summary: summary as Record<string, unknown>, table: parseTimeseriesCsv(readText(csvPath), csvPath) };
}

/** `cascade report DIR`: rebuilds report.html and plots/* from the files of a run folder. */
export async function buildReport(dir: string): Promise<ReportResult> {
  return renderReport(dir, readRunFolder(dir));
}

function readText(path: string): string {
  if (!existsSync(path)) throw new Error(`${path}: missing`);
  return readFileSync(path, 'utf8');
}

function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

/** The end of the time axis: the last sample interval's end, or a later phase boundary. */
function runEnd(table: SeriesTable, summary: Record<string, unknown>): number {
  const n = table.timeS.length;
  const step = n >= 2 ? (table.timeS[1] as number) - (table.timeS[0] as number) : 0;
  let end = n > 0 ? (table.timeS[n - 1] as number) + step : 0;
  const phases = Array.isArray(summary['phases']) ? (summary['phases'] as { start: number; end: number | null }[]) : [];
  for (const p of phases) end = Math.max(end, p.start, p.end ?? 0);
  return end;
}

function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '-');
}

/** Four significant digits in the unit the value rounds to, thousands separated: "21,680 s", "16.01 ms". */
function formatLatencyUs(us: number): string {
  const s = Number((us / 1e6).toPrecision(4));
  if (s >= 1) return `${formatNumber(s)} s`;
  const ms = Number((us / 1e3).toPrecision(4));
  if (ms >= 1) return `${ms} ms`;
  return `${us} µs`;
}
