// The report page, an incident report: what happened first (time to recovery, the worst figures,
// the phases against the official times and the replay), then the charts on one time axis, the
// details, the configuration, and the engine last. Plain HTML with its CSS inline and its charts as
// inline SVG, so the file opens offline and alone. Every value from the run is escaped.
import { SUMMARY_FIELDS } from './summary.js';
import { formatChange, formatDuration, formatNumber, formatSimTime, formatWhen, type WallClock } from './clock.js';
import type { ConfigRow } from './config-table.js';
import { words } from './series-labels.js';
import type { Story, StoryPhase } from './story.js';

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface ChartBlock {
  readonly id: string;
  readonly kind: 'timeline' | 'timeseries' | 'latency' | 'sequence';
  readonly title: string;
  readonly caption: string;
  /** inline SVG, ids already prefixed */
  readonly svg: string;
  readonly markCount: number;
  readonly points: number;
}

export interface PageInput {
  readonly summary: Record<string, unknown>;
  readonly clock: WallClock | null;
  readonly story: Story;
  readonly timeline: ChartBlock | null;
  /** the charts that tell the run's story, right after the timeline */
  readonly key: readonly ChartBlock[];
  readonly series: readonly ChartBlock[];
  readonly latency: readonly ChartBlock[];
  readonly latencyRows: readonly (readonly string[])[];
  readonly config: readonly ConfigRow[];
  readonly policies: readonly ConfigRow[];
}

const CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #1f6feb; --bad: #cf222e; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 14px 28px 64px; }
header h1 { font-size: 21px; margin: 0 0 2px; }
header .meta { display: flex; flex-wrap: wrap; gap: 2px 16px; color: var(--muted); font-size: 12.5px; }
header .meta b { color: var(--fg); font-weight: 600; }
code, .mono { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; vertical-align: middle; }
.badge.ok { background: #dafbe1; color: var(--ok); }
.badge.bad { background: #ffebe9; color: var(--bad); }
.banner { margin: 10px 0; padding: 10px 14px; border: 2px solid var(--bad); border-radius: 6px; background: #ffebe9; color: var(--bad); font-weight: 600; }
h2 { font-size: 18px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0 0 6px; }
nav { margin: 4px 0 0; color: var(--muted); font-size: 12.5px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 12px; }
.headline { display: grid; grid-template-columns: 250px 1fr; gap: 10px; margin: 10px 0 8px; }
.ttr { border: 2px solid var(--fg); border-radius: 6px; padding: 8px 12px; }
.ttr .label, .fact .label { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; }
.ttr .big { display: block; font-size: 28px; font-weight: 700; line-height: 1.15; margin: 2px 0; }
.ttr.bad .big { color: var(--bad); }
.ttr .big small { display: block; font-size: 14px; }
.ttr .sub, .fact .sub { color: var(--muted); font-size: 12px; display: block; }
.delta { display: block; font-size: 12px; font-weight: 600; color: var(--accent); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 8px; }
.fact { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.fact .value { display: block; font-size: 17px; font-weight: 700; }
.fact.bad .value { color: var(--bad); }
.what { margin: 6px 0 8px; }
.what p { margin: 0 0 3px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: 3px 6px; text-align: left; vertical-align: top; border-bottom: 1px solid #eef1f4; }
th { color: var(--muted); font-weight: 600; }
td.v { text-align: right; font-variant-numeric: tabular-nums; }
#phases { width: auto; min-width: 60%; }
#phases td, #phases th { padding: 2px 10px; font-size: 13px; }
#phases th.grp { text-align: center; border-bottom: 1px solid var(--line); }
.nw { white-space: nowrap; }
.sep { color: var(--muted); }
.card details summary { cursor: pointer; color: var(--muted, #666); font-size: 0.85em; margin-top: 4px; }
td.never { color: var(--muted); }
td.bad, .bad { color: var(--bad); }
td.bad { font-weight: 600; }
.wide td.v { text-align: left; white-space: normal; word-break: break-word; }
figure.chart { margin: 14px 0; padding: 10px; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
figure.chart figcaption { color: var(--muted); margin: 4px 0 0; }
figure.chart .links a { color: var(--accent); margin-right: 10px; font-size: 12px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
p.note { color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

export function renderPage(input: PageInput): string {
  const s = input.summary;
  const complete = s['complete'] === true;
  const scenario = String(s['scenario']);
  const clockStart = (s['clock'] as { start?: unknown } | undefined)?.start;
  const droplets = (s['fleet'] as { droplets?: unknown } | undefined)?.droplets;
  const title = `cascade · ${scenario} · seed ${String(s['seed'])}`;
  const sections = [
    ['story', 'What happened'], ['timeline', 'Timeline'], ['series', 'Time series'], ['latency', 'Latency'], ['details', 'Details'], ['config', 'Config'], ['engine', 'Engine'],
  ].filter(([id]) => id !== 'timeline' || input.timeline !== null || input.key.length > 0);
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}${complete ? '' : ' (INCOMPLETE)'}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(scenario)} <span class="badge ${complete ? 'ok' : 'bad'}" id="complete-flag" data-complete="${complete}">${complete ? 'complete' : 'INCOMPLETE'}</span></h1>
<div class="meta">
<span>seed <b>${esc(String(s['seed']))}</b></span>
${typeof droplets === 'number' ? `<span><b>${esc(formatNumber(droplets))}</b> droplets</span>` : ''}
<span>t = 0 at <b>${typeof clockStart === 'string' ? esc(clockStart) : 'the start (no wall clock)'}</b></span>
<span>digest <b class="mono" id="digest">${esc(String(s['digest']))}</b></span>
</div>
<nav>${sections.map(([id, name]) => `<a href="#${id}">${name}</a>`).join('')}</nav>
</header>`);
  if (!complete) {
    parts.push(`<div class="banner" id="incomplete-banner">This run is INCOMPLETE: it stopped before the end of its simulated time, so every figure below covers only the part that ran.</div>`);
  }
  parts.push(`<section id="story">${storyHtml(input.story, input.clock)}</section>`);
  if (input.timeline !== null || input.key.length > 0) {
    // phases the run read off its outage say less than its key charts (throughput over goodput): those first
    const timeline = input.timeline === null ? [] : [figure(input.timeline)];
    const key = input.key.map(figure);
    const charts = input.story.phasesDerived ? [...key, ...timeline] : [...timeline, ...key];
    parts.push(`<section id="timeline"><h2>Timeline</h2>${charts.join('\n')}</section>`);
  }
  parts.push(`<section id="series"><h2>Time series</h2>${input.series.length === 0 ? '<p class="note">The run recorded no time series.</p>' : input.series.map(figure).join('\n')}</section>`);
  parts.push(`<section id="latency"><h2>Latency</h2>${input.latency.length === 0 ? '<p class="note">The run recorded no latency histograms.</p>' : latencyTable(input.latencyRows) + input.latency.map(figure).join('\n')}</section>`);
  parts.push(`<section id="details"><h2>Details</h2>${summaryCards(s, input.clock)}${operatorTable(s, input.clock)}</section>`);
  parts.push(`<section id="config"><h2>Policies</h2>${configTable(input.policies, input.clock, 'No policy or safety keys in this scenario.')}<h2>Configuration</h2>${configTable(input.config, input.clock, 'Empty configuration.')}</section>`);
  parts.push(`<section id="engine"><h2>Engine</h2>${engineCard(s)}</section>`);
  parts.push(`<footer>Generated by cascade from the run folder (summary.json, config.json, timeseries.csv, histograms/*.hdr and *.hlog${input.story.phases.some((p) => p.replay !== null) ? ', replay/' : ''}). Charts: Vega-Lite rendered to SVG; PNG copies in plots/.</footer>
</main>
</body>
</html>
`);
  return parts.join('\n');
}

function figure(chart: ChartBlock): string {
  return `<figure class="chart" id="chart-${esc(chart.id)}" data-chart="${esc(chart.id)}" data-kind="${chart.kind}" data-marks="${chart.markCount}" data-points="${chart.points}">
${chart.svg}
<figcaption>${esc(chart.caption)} <span class="links"><a href="plots/${esc(chart.id)}.svg">SVG</a><a href="plots/${esc(chart.id)}.png">PNG</a></span></figcaption>
</figure>`;
}

/** The first screen: time to recovery, the worst figures, what happened in sentences, the phase table. */
function storyHtml(story: Story, clock: WallClock | null): string {
  const ttr = `<div class="ttr${story.ttrS === null ? ' bad' : ''}"><span class="label">Time to recovery</span><span class="big" id="ttr" data-seconds="${story.ttrS ?? ''}">${story.ttrLowerBound ? '<small>more than</small> ' : ''}${esc(story.ttrText)}</span><span class="sub">${esc(story.ttrDetail)}</span>${story.ttrDelta === null ? '' : `<span class="delta">${esc(story.ttrDelta)}</span>`}</div>`;
  const facts = story.facts.map((f) => `<div class="fact${f.bad ? ' bad' : ''}" data-fact="${esc(f.id)}"><span class="label">${esc(f.label)}</span><span class="value">${esc(f.value)}</span><span class="sub">${esc(f.detail)}</span>${f.delta === null ? '' : `<span class="delta">${esc(f.delta)}</span>`}</div>`);
  const what = story.sentences.length === 0 ? '' : `<div class="what">${story.sentences.map((t) => `<p>${esc(t)}</p>`).join('')}</div>`;
  return `<div class="headline">${ttr}<div class="facts">${facts.join('')}</div></div>${what}${phaseTable(story, clock)}`;
}

function phaseTable(story: Story, clock: WallClock | null): string {
  if (story.phases.length === 0) return '<p class="note" id="no-phases">The run recorded no outage: no phase started.</p>';
  const official = story.phases.some((p) => p.official !== null);
  const replay = story.phases.some((p) => p.replay !== null);
  const when = (t: number | null | undefined) => (t === null || t === undefined ? '—' : formatWhen(t, clock));
  const change = (a: number | null | undefined, b: number | null | undefined) => (a === null || a === undefined || b === null || b === undefined ? '—' : formatChange(a - b));
  const span = (p: { start: number; end: number | null }) => (p.end === null ? 'still open' : formatDuration(p.end - p.start));
  const cells = (p: StoryPhase): string[] => [
    when(p.start), p.end === null ? 'open at the end' : when(p.end), span(p),
    ...(official ? [when(p.official?.start), when(p.official?.end), change(p.start, p.official?.start), change(p.end, p.official?.end)] : []),
    ...(replay ? [when(p.replay?.start), p.replay === null ? '—' : p.replay.end === null ? 'open at the end' : when(p.replay.end), change(p.end, p.replay?.end)] : []),
  ];
  const groups = `<tr><th></th><th class="grp" colspan="3">this run</th>${official ? '<th class="grp" colspan="4">official</th>' : ''}${replay ? '<th class="grp" colspan="3">replay</th>' : ''}</tr>`;
  const head = ['phase', 'start', 'end', 'duration', ...(official ? ['start', 'end', 'start Δ', 'end Δ'] : []), ...(replay ? ['start', 'end', 'end Δ'] : [])];
  const rows = story.phases.map((p) => `<tr data-phase="${esc(p.name)}"><td>${esc(p.title)}</td>${cells(p).map((c) => `<td class="v nw">${esc(c)}</td>`).join('')}</tr>`);
  const note = [
    clock === null ? 'Times since the start of the run (h:mm:ss).' : `Times on the scenario's clock (${clock.offsetLabel}).`,
    story.phasesDerived ? `Phases read from the run: its DynamoDB outage${story.phases.length > 1 ? ' and the lease recovery after it' : ''}.` : '',
    story.officialSource === null ? '' : `Official times: ${story.officialSource}.`,
  ].filter((x) => x !== '');
  return `<table id="phases">${official || replay ? groups : ''}<tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table><p class="note">${esc(note.join(' '))}</p>`;
}

const SECTION_TITLES: Record<string, string> = {
  fleet: 'Fleet', dns: 'DNS', dynamodb: 'DynamoDB', leases: 'Leases', dwfm: 'DWFM', network: 'Network Manager', nlb: 'NLB', launches: 'Launches',
};

/** Contract fields in words; a model's extra fields are put in words from their keys. */
const FIELD_LABELS: Record<string, string> = {
  'fleet.droplets': 'droplets', 'fleet.dwfmHosts': 'DWFM hosts',
  'dns.emptyRecordAt': 'record empty at', 'dns.restoredAt': 'restored at', 'dns.automationStuck': 'automation stuck',
  'dynamodb.unavailableFrom': 'unavailable from', 'dynamodb.availableAt': 'available again at',
  'leases.validFractionMin': 'valid leases at worst', 'leases.recoveredAt': '99% valid again at', 'leases.collapsed': 'collapsed at the end',
  'leases.wastedWorkFraction': 'DWFM work wasted', 'leases.establishedTotal': 'leases established', 'leases.verdict': 'verdict',
  'network.backlogPeak': 'backlog peak (changes)', 'network.clearedAt': 'backlog cleared at',
  'nlb.flaps': 'target flaps', 'nlb.capacityRemovedPeak': 'capacity removed at peak', 'nlb.stableAt': 'stable at',
  'launches.attempted': 'attempted', 'launches.succeeded': 'succeeded', 'launches.insufficientCapacity': 'failed: insufficient capacity', 'launches.throttled': 'throttled',
};

function fieldLabel(section: string, key: string): string {
  const known = FIELD_LABELS[`${section}.${key}`];
  if (known !== undefined) return known;
  const latency = /^(\w+Latency)\.(p\d+|max|count)$/.exec(key);
  if (latency !== null) return `${words(latency[1] as string)} ${latency[2] === 'p999' ? 'p99.9' : latency[2]}`;
  return words(key);
}

/** A contract field is shown in its card; a model's extra fields are folded under it. */
function isContractField(section: string, key: string): boolean {
  const path = `${section}.${key}`;
  // leases.verdict is a contract addition that older run folders lack, so not a required field
  return path === 'leases.verdict' || SUMMARY_FIELDS.some((f) => f === path || path.startsWith(`${f}.`));
}

/** Sections the first screen, the engine card or the tables show; the others get a card each. */
const SKIP_TOP = new Set(['schema', 'scenario', 'seed', 'complete', 'clock', 'digest', 'phases', 'timeToRecovery', 'engine', 'operator', 'official', 'whatIf']);

/** A value that says something: not null, not an empty list. */
function applies(value: unknown): boolean {
  return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
}

/** One card per section of the summary that applies to this run; a section with nothing in it is left out. */
function summaryCards(s: Record<string, unknown>, clock: WallClock | null): string {
  const cards: string[] = [];
  const order = [...Object.keys(SECTION_TITLES), ...Object.keys(s).filter((k) => !(k in SECTION_TITLES)).sort()];
  for (const key of order) {
    if (SKIP_TOP.has(key) || !(key in s)) continue;
    const value = s[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const rows = flattenSection(value as Record<string, unknown>, '');
    if (!rows.some(([, v]) => applies(v))) continue;
    const title = `<h3>${esc(SECTION_TITLES[key] ?? words(key))}</h3>`;
    const shown = rows.filter(([k]) => !(key === 'dns' && k === 'violations'));
    const known = key in SECTION_TITLES ? shown.filter(([k]) => isContractField(key, k)) : shown;
    const extra = key in SECTION_TITLES ? shown.filter(([k]) => !isContractField(key, k)) : [];
    const violations = key === 'dns' ? (value as { violations?: unknown }).violations : undefined;
    const more =
      extra.length === 0
        ? ''
        : `<details><summary>${extra.length} more</summary><table>${extra.map(([k, v]) => row(key, k, v, clock)).join('')}</table></details>`;
    cards.push(`<div class="card" data-section="${esc(key)}">${title}<table>${known
      .map(([k, v]) => row(key, k, v, clock))
      .join('')}${key === 'dns' ? violationRows(violations, clock) : ''}</table>${more}</div>`);
  }
  return `<div class="cards">${cards.join('\n')}</div>`;
}

/** The engine's figures: how the simulation ran, not what it found. */
function engineCard(s: Record<string, unknown>): string {
  const engine = (s['engine'] ?? {}) as Record<string, unknown>;
  const labels: Record<string, string> = {
    threads: 'worker threads', partitions: 'partitions', events: 'events processed', windows: 'synchronisation windows',
    wallSeconds: 'wall time', eventsPerSecond: 'events per second', peakRssBytes: 'peak memory (RSS)',
    busySeconds: 'work, per partition', barrierWaitSeconds: 'waiting at the barrier, per partition',
    cpuSeconds: 'CPU time, all threads',
  };
  // per-partition figures read as one line: "3.912 s / 3.877 s"
  const shown = (v: unknown): unknown => (Array.isArray(v) ? v.map((x) => `${formatNumber(Number(x))} s`).join(' / ') : v);
  return `<div class="card" data-section="engine"><table>${Object.entries(engine).map(([k, v]) => row('engine', k, shown(v), null, labels[k])).join('')}</table></div>`;
}

function operatorTable(s: Record<string, unknown>, clock: WallClock | null): string {
  const operator = (s['operator'] ?? {}) as { mode?: string; actions?: unknown };
  const actions = Array.isArray(operator.actions) ? (operator.actions as { action?: string; at?: unknown; trigger?: string }[]) : [];
  if (actions.length === 0) return '';
  const rows = actions.map((a) => `<tr><td class="nw">${typeof a.at === 'number' ? esc(`${formatWhen(a.at, clock)} (${formatNumber(a.at)} s)`) : '—'}</td><td class="nw">${esc(a.action ?? '')}</td><td>${esc(a.trigger ?? '')}</td></tr>`);
  return `<h3 style="margin-top:16px">Operator actions (${esc(operator.mode ?? '')})</h3><table id="operator-actions"><tr><th>when</th><th>action</th><th>why</th></tr>${rows.join('')}</table>`;
}

function flattenSection(obj: Record<string, unknown>, prefix: string): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...flattenSection(v as Record<string, unknown>, key));
    else out.push([key, v]);
  }
  return out;
}

function row(section: string, key: string, value: unknown, clock: WallClock | null, label = fieldLabel(section, key)): string {
  const [text, cls] = formatField(key, value, clock);
  // "9,420 s · 02:25:00" may wrap between the two readings, never inside one
  const html = text.split(' · ').map((part) => `<span class="nw">${esc(part)}</span>`).join(' <span class="sep">·</span> ');
  return `<tr><th>${esc(label)}</th><td class="v${cls === '' ? '' : ` ${cls}`}" data-field="${esc(`${section}.${key}`)}">${html}</td></tr>`;
}

/** Formats a summary value by what its name says it is: a time, a duration, a fraction, bytes. */
export function formatField(key: string, value: unknown, clock: WallClock | null): [string, string] {
  const leaf = key.split('.').pop() as string;
  if (value === null || value === undefined) return ['—', 'never'];
  if (typeof value === 'boolean') {
    const bad = (leaf === 'collapsed' || leaf === 'automationStuck') && value;
    return [value ? 'yes' : 'no', bad ? 'bad' : ''];
  }
  if (leaf === 'verdict') return [typeof value === 'string' ? value : JSON.stringify(value), value === 'metastable' ? 'bad' : ''];
  if (Array.isArray(value)) return [value.length === 0 ? 'none' : `${value.length} items`, ''];
  if (typeof value !== 'number') return [typeof value === 'string' ? value : JSON.stringify(value), ''];
  if (/(At|From)$/.test(leaf)) return [`${formatNumber(value)} s · ${clock === null ? formatWhen(value, null) : formatSimTime(value, clock)}`, ''];
  if (leaf === 'timeToRecovery') return [formatDuration(value), ''];
  if (/Fraction|capacityRemovedPeak/.test(leaf)) return [`${formatNumber(value * 100)} %`, ''];
  if (/Bytes$/.test(leaf)) return [`${(value / 2 ** 20).toFixed(1)} MiB`, ''];
  if (/Seconds$/.test(leaf) || (/^(p\d+|max)$/.test(leaf) && key.includes('Latency'))) return [`${formatNumber(value)} s`, ''];
  return [formatNumber(value), ''];
}

function violationRows(violations: unknown, clock: WallClock | null): string {
  if (!Array.isArray(violations) || violations.length === 0) return '<tr><th>violations</th><td class="v">none</td></tr>';
  type V = { invariant?: unknown; at?: unknown; detail?: unknown };
  const line = (v: V) => `${esc(String(v.invariant))} at ${typeof v.at === 'number' ? esc(formatSimTime(v.at, clock)) : '?'}: ${esc(typeof v.detail === 'string' ? v.detail : JSON.stringify(v.detail ?? ''))}`;
  // the first violation of each invariant up front, the others folded
  const seen = new Set<unknown>();
  const first: V[] = [];
  const rest: V[] = [];
  for (const v of violations as V[]) {
    if (seen.has(v.invariant)) rest.push(v);
    else {
      seen.add(v.invariant);
      first.push(v);
    }
  }
  const shown = rest.slice(0, 50);
  const folded =
    rest.length === 0
      ? ''
      : `<tr><td colspan="2"><details><summary>${rest.length} more</summary>${shown.map((v) => `<p class="bad">${line(v)}</p>`).join('')}${rest.length > shown.length ? `<p>… and ${rest.length - shown.length} more</p>` : ''}</details></td></tr>`;
  return `<tr><th>violations</th><td class="v bad">${violations.length}</td></tr>${first.map((v) => `<tr><td colspan="2" class="bad">${line(v)}</td></tr>`).join('')}${folded}`;
}

function latencyTable(rows: readonly (readonly string[])[]): string {
  const head = ['histogram', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  return `<table id="latency-table"><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? '' : ' class="v"'}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

function configTable(rows: readonly ConfigRow[], clock: WallClock | null, empty: string): string {
  if (rows.length === 0) return `<p class="note">${esc(empty)}</p>`;
  return `<table class="wide config"><tr><th>key</th><th>value</th></tr>${rows
    .map((r) => `<tr><th class="mono">${esc(r.key)}</th><td class="v mono">${esc(configValue(r, clock))}</td></tr>`)
    .join('')}</table>`;
}

/** A time key (`nlbFailoverOffAt`, `restartAt`) reads as clock times with its seconds: `09:36 (38,160 s)`. */
function configValue(r: ConfigRow, clock: WallClock | null): string {
  const leaf = r.key.split('.').pop() as string;
  if (!/At$/.test(leaf) || r.value === '') return r.value;
  const times = r.value.split(',').map(Number);
  if (!times.every((t) => Number.isFinite(t))) return r.value;
  return times.map((t) => `${formatWhen(t, clock)} (${formatNumber(t)} s)`).join(', ');
}
