// `cascade replay TRACE --report`: a page of its own for a replayed race: what was violated and
// when, the swimlane of the events that led there, and the last of those events as a table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prefixSvgIds, renderSvg, svgToPng } from './charts.js';
import { esc } from './html.js';
import { SEQUENCE_CLOSE_UP_S, sequenceSpec, type SequenceInput } from './sequence-chart.js';

/** Events listed under the chart: the last ones before and at the mark. */
const TABLE_ROWS = 40;

export interface SequencePage {
  readonly title: string;
  /** lines of context above the chart (the violation, the seed, how to replay) */
  readonly lines: readonly string[];
  readonly sequence: SequenceInput;
}

/** Writes `dir/report.html` and `dir/plots/race.svg|png`; returns the page's path. */
export async function writeSequencePage(dir: string, page: SequencePage): Promise<string> {
  const plots = join(dir, 'plots');
  mkdirSync(plots, { recursive: true });
  const rendered = await renderSvg(sequenceSpec(page.sequence));
  const closeUp = await renderSvg(sequenceSpec(page.sequence, page.sequence.mark.t - SEQUENCE_CLOSE_UP_S));
  writeFileSync(join(plots, 'race.svg'), rendered.svg);
  writeFileSync(join(plots, 'race.png'), await svgToPng(rendered.svg));
  writeFileSync(join(plots, 'race-end.svg'), closeUp.svg);
  writeFileSync(join(plots, 'race-end.png'), await svgToPng(closeUp.svg));
  const last = page.sequence.events.filter((e) => e.t <= page.sequence.mark.t).slice(-TABLE_ROWS);
  const rows = last.map((e) => `<tr><td class="v">${e.t.toFixed(3)}</td><td>${esc(e.lane)}</td><td>${esc(e.text)}</td></tr>`).join('');
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(page.title)}</title>
<style>
body { margin: 0; font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 28px 48px; }
h1 { font-size: 21px; margin: 0 0 6px; }
.banner { margin: 10px 0; padding: 10px 14px; border: 2px solid #cf222e; border-radius: 6px; background: #ffebe9; color: #cf222e; font-weight: 600; }
figure { margin: 14px 0; padding: 10px; border: 1px solid #d1d9e0; border-radius: 6px; overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption, p.note { color: #59636e; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: 2px 8px; text-align: left; border-bottom: 1px solid #eef1f4; font-size: 13px; }
td.v { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
</style>
</head>
<body>
<main>
<h1>${esc(page.title)}</h1>
${page.lines.map((l, i) => (i === 0 ? `<div class="banner" id="violation">${esc(l)}</div>` : `<p class="note">${esc(l)}</p>`)).join('\n')}
<figure class="chart" id="chart-race" data-chart="race" data-kind="sequence" data-marks="${rendered.markCount}" data-points="${page.sequence.events.length}">
${prefixSvgIds(rendered.svg, 'c-race')}
<figcaption>One lane per DNS actor, time across; each tick is a message the actor received, a bar a run of one plan's writes (hover for what it said). The red rule is the violation.</figcaption>
</figure>
<figure class="chart" id="chart-race-end" data-chart="race-end" data-kind="sequence" data-marks="${closeUp.markCount}">
${prefixSvgIds(closeUp.svg, 'c-race-end')}
<figcaption>The same, the last ${SEQUENCE_CLOSE_UP_S} s before the violation.</figcaption>
</figure>
<h2>The last ${last.length} events up to the violation</h2>
<table id="race-events"><tr><th>time (s)</th><th>actor</th><th>event</th></tr>${rows}</table>
</main>
</body>
</html>
`;
  const path = join(dir, 'report.html');
  writeFileSync(path, html);
  return path;
}
