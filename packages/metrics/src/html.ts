// The report page: plain HTML with its CSS inline and its charts as inline SVG, so the file opens
// offline and alone. Every value from the run is escaped.
import { SUMMARY_FIELDS } from './summary.js';
import { formatDuration, formatNumber, formatSimTime, type WallClock } from './clock.js';
import type { ConfigRow } from './config-table.js';

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface ChartBlock {
  readonly id: string;
  readonly kind: 'timeline' | 'timeseries' | 'latency';
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
  readonly timeline: ChartBlock | null;
  readonly timelineNote: string;
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
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
header h1 { font-size: 24px; margin: 0 0 6px; }
header .meta { display: flex; flex-wrap: wrap; gap: 6px 18px; color: var(--muted); }
header .meta b { color: var(--fg); font-weight: 600; }
code, .mono { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; vertical-align: middle; }
.badge.ok { background: #dafbe1; color: var(--ok); }
.badge.bad { background: #ffebe9; color: var(--bad); }
.banner { margin: 16px 0; padding: 12px 16px; border: 2px solid var(--bad); border-radius: 6px; background: #ffebe9; color: var(--bad); font-weight: 600; }
h2 { font-size: 18px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0 0 6px; }
nav { margin: 14px 0 0; color: var(--muted); }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: 3px 6px; text-align: left; vertical-align: top; border-bottom: 1px solid #eef1f4; }
th { color: var(--muted); font-weight: 600; }
td.v { text-align: right; font-variant-numeric: tabular-nums; }
.nw { white-space: nowrap; }
.sep { color: var(--muted); }
.card th { word-break: break-word; }
.card details summary { cursor: pointer; color: var(--muted, #666); font-size: 0.85em; margin-top: 4px; }
td.never { color: var(--muted); }
td.bad { color: var(--bad); font-weight: 600; }
.wide td.v { text-align: left; white-space: normal; word-break: break-word; }
figure.chart { margin: 18px 0; padding: 10px; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
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
  const title = `cascade · ${scenario} · seed ${String(s['seed'])}`;
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
<span>clock start <b>${typeof clockStart === 'string' ? esc(clockStart) : 'none (simulated seconds)'}</b></span>
<span>digest <b class="mono" id="digest">${esc(String(s['digest']))}</b></span>
</div>
<nav><a href="#summary">Summary</a><a href="#timeline">Timeline</a><a href="#series">Time series</a><a href="#latency">Latency</a><a href="#config">Config</a></nav>
</header>`);
  if (!complete) {
    parts.push(`<div class="banner" id="incomplete-banner">This run is INCOMPLETE: it stopped before the end of its simulated time, so every figure below covers only the part that ran.</div>`);
  }
  parts.push(`<section id="summary"><h2>Summary</h2>${summaryCards(s, input.clock)}</section>`);
  parts.push(`<section id="timeline"><h2>Timeline</h2><p class="note">${esc(input.timelineNote)}</p>${input.timeline === null ? '' : figure(input.timeline)}${phaseTable(s, input.clock)}</section>`);
  parts.push(`<section id="series"><h2>Time series</h2>${input.series.length === 0 ? '<p class="note">The run recorded no time series.</p>' : input.series.map(figure).join('\n')}</section>`);
  parts.push(`<section id="latency"><h2>Latency</h2>${input.latency.length === 0 ? '<p class="note">The run recorded no latency histograms.</p>' : latencyTable(input.latencyRows) + input.latency.map(figure).join('\n')}</section>`);
  parts.push(`<section id="config"><h2>Policies</h2>${configTable(input.policies, 'No policy or safety keys in this scenario.')}<h2>Configuration</h2>${configTable(input.config, 'Empty configuration.')}</section>`);
  parts.push(`<footer>Generated by cascade from the run folder (summary.json, config.json, timeseries.csv, histograms/*.hdr). Charts: Vega-Lite rendered to SVG; PNG copies in plots/.</footer>
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

const SECTION_TITLES: Record<string, string> = {
  whatIf: 'What-if vs the replay', engine: 'Engine', fleet: 'Fleet', dns: 'DNS', dynamodb: 'DynamoDB', leases: 'Leases',
  network: 'Network Manager', nlb: 'NLB', launches: 'Launches',
};

/** A contract field is shown in its card; a model's extra fields are folded under it. */
function isContractField(section: string, key: string): boolean {
  const path = `${section}.${key}`;
  // leases.verdict is a contract addition that older run folders lack, so not a required field
  return path === 'leases.verdict' || SUMMARY_FIELDS.some((f) => f === path || path.startsWith(`${f}.`));
}

/** The what-if card: the changed keys, then how recovery moved, overall and per phase. */
function whatIfRows(w: Record<string, unknown>): [string, unknown][] {
  const rows: [string, unknown][] = Object.entries((w['changes'] ?? {}) as Record<string, unknown>).map(([k, v]) => [`set ${k}`, v]);
  const replay = (w['replay'] ?? {}) as { timeToRecovery?: unknown };
  rows.push(['replay timeToRecovery', replay.timeToRecovery ?? null], ['timeToRecoveryChange', w['timeToRecoveryChange'] ?? null]);
  for (const p of (w['phases'] ?? []) as { name: string; change: number | null; end: number | null }[]) {
    rows.push([`${p.name} end change`, p.end === null ? 'no phase' : p.change]);
  }
  return rows;
}
const SKIP_TOP = new Set(['schema', 'scenario', 'seed', 'complete', 'clock', 'digest', 'phases']);

function summaryCards(s: Record<string, unknown>, clock: WallClock | null): string {
  const cards: string[] = [];
  const order = [...Object.keys(SECTION_TITLES), ...Object.keys(s).filter((k) => !(k in SECTION_TITLES))];
  const scalars: [string, unknown][] = [];
  for (const key of order) {
    if (SKIP_TOP.has(key) || !(key in s)) continue;
    const value = s[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const title = `<h3>${esc(SECTION_TITLES[key] ?? key)}</h3>`;
      if (key === 'whatIf') {
        cards.unshift(`<div class="card" data-section="whatIf">${title}<table>${whatIfRows(value as Record<string, unknown>).map(([k, v]) => row(k, v, clock)).join('')}</table></div>`);
        continue;
      }
      const rows = flattenSection(value as Record<string, unknown>, '').filter(([k]) => !(key === 'dns' && k === 'violations'));
      const known = key in SECTION_TITLES ? rows.filter(([k]) => isContractField(key, k)) : rows;
      const extra = key in SECTION_TITLES ? rows.filter(([k]) => !isContractField(key, k)) : [];
      const violations = key === 'dns' ? (value as { violations?: unknown }).violations : undefined;
      const more =
        extra.length === 0
          ? ''
          : `<details><summary>${extra.length} more</summary><table>${extra.map(([k, v]) => row(k, v, clock)).join('')}</table></details>`;
      cards.push(`<div class="card" data-section="${esc(key)}">${title}<table>${known
        .map(([k, v]) => row(k, v, clock))
        .join('')}${key === 'dns' ? violationRows(violations, clock) : ''}</table>${more}</div>`);
    } else {
      scalars.push([key, value]);
    }
  }
  if (scalars.length > 0) {
    cards.push(`<div class="card" data-section="recovery"><h3>Recovery</h3><table>${scalars.map(([k, v]) => row(k, v, clock)).join('')}</table></div>`);
  }
  return `<div class="cards">${cards.join('\n')}</div>`;
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

function row(key: string, value: unknown, clock: WallClock | null): string {
  const [text, cls] = formatField(key, value, clock);
  // "9,420 s · 02:25:00" may wrap between the two readings, never inside one
  const html = text.split(' · ').map((part) => `<span class="nw">${esc(part)}</span>`).join(' <span class="sep">·</span> ');
  return `<tr><th>${esc(key)}</th><td class="v${cls === '' ? '' : ` ${cls}`}" data-field="${esc(key)}">${html}</td></tr>`;
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
  if (/(At|From)$/.test(leaf)) return [clock === null ? `${formatNumber(value)} s` : `${formatNumber(value)} s · ${formatSimTime(value, clock)}`, ''];
  if (leaf === 'timeToRecovery') return [formatDuration(value), ''];
  if (/Fraction/.test(leaf)) return [`${formatNumber(value * 100)} %`, ''];
  if (/Bytes$/.test(leaf)) return [`${(value / 2 ** 20).toFixed(1)} MiB`, ''];
  if (/(Seconds|^p\d+|^max)$/.test(leaf) && key.includes('Latency')) return [`${formatNumber(value)} s`, ''];
  if (leaf === 'wallSeconds') return [`${formatNumber(value)} s`, ''];
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

function phaseTable(s: Record<string, unknown>, clock: WallClock | null): string {
  const phases = Array.isArray(s['phases']) ? (s['phases'] as { name: string; start: number; end: number | null }[]) : [];
  if (phases.length === 0) return '';
  const rows = phases.map((p) => `<tr><td>${esc(p.name)}</td><td class="v">${esc(formatSimTime(p.start, clock))}</td><td class="v">${p.end === null ? 'open at the end' : esc(formatSimTime(p.end, clock))}</td><td class="v">${p.end === null ? '—' : esc(formatDuration(p.end - p.start))}</td></tr>`);
  return `<table id="phases"><tr><th>phase</th><th>start</th><th>end</th><th>duration</th></tr>${rows.join('')}</table>`;
}

function latencyTable(rows: readonly (readonly string[])[]): string {
  const head = ['histogram', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  return `<table id="latency-table"><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? '' : ' class="v"'}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

function configTable(rows: readonly ConfigRow[], empty: string): string {
  if (rows.length === 0) return `<p class="note">${esc(empty)}</p>`;
  return `<table class="wide config"><tr><th>key</th><th>value</th></tr>${rows
    .map((r) => `<tr><th class="mono">${esc(r.key)}</th><td class="v mono">${esc(r.value)}</td></tr>`)
    .join('')}</table>`;
}
