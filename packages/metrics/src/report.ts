// The report of one run: charts (plots/*.svg, *.png) and report.html, made from the run's data —
// either straight after the run or rebuilt from the files of a run folder (`cascade report DIR`).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prefixSvgIds, renderSvg, svgToPng, type ChartSpec } from './charts.js';
import { INCIDENT_SCENARIO, INCIDENT_START, parseClock } from './clock.js';
import { flattenConfig, isPolicyKey } from './config-table.js';
import { throughputGoodputSpec } from './goodput-chart.js';
import { decodeHistogramText, histogramFigures, type Histogram } from './histograms.js';
import { renderPage, type ChartBlock } from './html.js';
import { latencySpec, seriesGroupSpec, timelineRows, timelineSpec, type TimelineAction } from './specs.js';
import { missingSummaryFields, type Phase } from './summary.js';
import { downsample, parseTimeseriesCsv, type SeriesTable } from './timeseries.js';

/** Everything the report is made of: what a run folder holds. */
export interface ReportInputs {
  readonly summary: Record<string, unknown>;
  readonly config: unknown;
  readonly table: SeriesTable;
  readonly histograms: Record<string, Histogram>;
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

/** Renders every chart into `dir/plots` and writes `dir/report.html`. */
export async function renderReport(dir: string, inputs: ReportInputs): Promise<ReportResult> {
  const { summary, table } = inputs;
  const clockStart = (summary['clock'] as { start?: unknown } | undefined)?.start;
  const clock = parseClock(typeof clockStart === 'string' ? clockStart : null);
  const plotsDir = join(dir, 'plots');
  mkdirSync(plotsDir, { recursive: true });
  for (const file of readdirSync(plotsDir)) if (/\.(svg|png)$/.test(file)) rmSync(join(plotsDir, file));

  const charts: Record<string, number> = {};
  const draw = async (id: string, kind: ChartBlock['kind'], title: string, caption: string, spec: ChartSpec, points: number): Promise<ChartBlock> => {
    const rendered = await renderSvg(spec);
    writeFileSync(join(plotsDir, `${id}.svg`), rendered.svg);
    writeFileSync(join(plotsDir, `${id}.png`), svgToPng(rendered.svg));
    charts[id] = rendered.markCount;
    return { id, kind, title, caption, svg: prefixSvgIds(rendered.svg, `c-${id}`), markCount: rendered.markCount, points };
  };

  // Timeline of phases
  const phases = Array.isArray(summary['phases']) ? (summary['phases'] as Phase[]) : [];
  const official = summary['scenario'] === INCIDENT_SCENARIO;
  const runEndS = runEnd(table, phases);
  let timeline: ChartBlock | null = null;
  let timelineNote = 'The model reported no phases.';
  if (phases.length > 0 || official) {
    const rows = timelineRows({ phases, clockStart: typeof clockStart === 'string' ? clockStart : null, official, runEndS }, INCIDENT_START);
    timelineNote = official
      ? `Simulated phases (blue) against the official timeline of 19–20 October 2025, PDT (gold)${clock === null ? `; this run has no clock, so t=0 is taken as ${INCIDENT_START}` : ''}.`
      : 'Simulated phases; the official lanes are shown only for the us-east-1-2025-10-20 scenario.';
    const actions = operatorActions(summary);
    if (actions.length > 0) timelineNote += ` Red dashed lines: the operator's actions (${actions.length}).`;
    timeline = await draw('timeline', 'timeline', 'Phases', 'Phases of the run' + (official ? ' against the official timeline' : '') + (actions.length > 0 ? ', with the operator\'s actions' : ''), timelineSpec(rows, clock, actions), rows.length + actions.length);
  }

  // Time series, one chart per prefix group, one panel per series
  const series: ChartBlock[] = [];
  for (const { group, names } of groupSeries(table.names)) {
    const points = names.flatMap((name) => downsample(table.timeS, table.columns[table.names.indexOf(name)] as (number | null)[], name, PLOT_BINS));
    const title = GROUP_TITLES[group] ?? `${group}.*`;
    const id = `series-${safeId(group)}`;
    const caption = `${title}: ${names.length} series (${names.join(', ')}), ${table.timeS.length} sample intervals${table.timeS.length > PLOT_BINS ? `, plotted as min/max of ${PLOT_BINS} bins` : ''}.`;
    series.push(await draw(id, 'timeseries', title, caption, seriesGroupSpec(title, points, clock, names), points.length));
  }

  const dwfm = throughputGoodputSpec(table, clock, PLOT_BINS);
  if (dwfm !== null) {
    const caption = 'DWFM items completed per second (throughput) and completed on time (goodput), all hosts: high throughput over zero goodput is a metastable state.';
    series.push(await draw('dwfm-throughput-goodput', 'timeseries', 'DWFM throughput and goodput', caption, dwfm.spec, dwfm.points));
  }

  // Latency: HDR percentile plots
  const latency: ChartBlock[] = [];
  const latencyRows: string[][] = [];
  for (const [name, histogram] of Object.entries(inputs.histograms).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const f = histogramFigures(histogram);
    latencyRows.push([name, f.count.toLocaleString('en-US'), ...[f.p50Us, f.p90Us, f.p99Us, f.p999Us, f.maxUs].map(formatLatencyUs)]);
    if (histogram.totalCount === 0) continue;
    latency.push(await draw(`latency-${safeId(name)}`, 'latency', name, `${name}: latency by percentile (HdrHistogram), x = 1/(1-percentile) on a log scale.`, latencySpec(name, histogram), histogram.totalCount));
  }

  const config = flattenConfig(inputs.config);
  const html = renderPage({
    summary,
    clock,
    timeline,
    timelineNote,
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
  const histDir = join(dir, 'histograms');
  if (existsSync(histDir)) {
    const files = readdirSync(histDir).sort();
    for (const file of files) {
      if (file.endsWith('.hgrm') && !files.includes(file.replace(/\.hgrm$/, '.hdr'))) {
        throw new Error(`${join(histDir, file.replace(/\.hgrm$/, '.hdr'))}: missing (the lossless histogram the report is drawn from)`);
      }
      if (!file.endsWith('.hdr')) continue;
      const path = join(histDir, file);
      histograms[file.slice(0, -'.hdr'.length)] = decodeHistogramText(readText(path), path);
    }
  }
  return { summary: summary as Record<string, unknown>, config, table, histograms };
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

/** `operator.actions` of a summary, when it has them. */
function operatorActions(summary: Record<string, unknown>): TimelineAction[] {
  const op = summary['operator'];
  if (op === null || typeof op !== 'object' || !Array.isArray((op as { actions?: unknown }).actions)) return [];
  return ((op as { actions: unknown[] }).actions).filter(
    (a): a is TimelineAction => a !== null && typeof a === 'object' && typeof (a as TimelineAction).action === 'string' && typeof (a as TimelineAction).at === 'number',
  );
}

function runEnd(table: SeriesTable, phases: readonly Phase[]): number {
  const n = table.timeS.length;
  const step = n >= 2 ? (table.timeS[1] as number) - (table.timeS[0] as number) : 0;
  let end = n > 0 ? (table.timeS[n - 1] as number) + step : 0;
  for (const p of phases) end = Math.max(end, p.start, p.end ?? 0);
  return end;
}

function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '-');
}

function formatLatencyUs(us: number): string {
  if (us >= 1e6) return `${Number((us / 1e6).toPrecision(4))} s`;
  if (us >= 1e3) return `${Number((us / 1e3).toPrecision(4))} ms`;
  return `${us} µs`;
}
