// The run folder of CONTRACT.md from a synthetic finished run: files, CSV shape, HdrHistogram
// output, summary completeness, and the report rebuilt from the folder alone.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeHistogram } from '@cascade/kernel';
import {
  SUMMARY_FIELDS, buildReport, buildSummary, missingSummaryFields, summaryMetrics, writeRunFolder, type RunOutput,
} from '@cascade/metrics';
import { SERIES_LABELS } from '../packages/metrics/src/series-labels.js';
import { END_US, SAMPLE_INTERVAL_US, syntheticRun } from './metrics-fixture.js';

let work = '';
let run: RunOutput;
let dir = '';

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'cascade-metrics-'));
  run = syntheticRun();
  dir = join(work, 'run');
  await writeRunFolder(dir, run, { report: true });
});

after(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

const CHART_IDS = ['timeline', 'series-dns', 'series-dynamodb', 'series-leases', 'series-dwfm', 'series-network', 'series-nlb',
  'series-launches', 'series-other', 'latency-dwfm-attemptLatency', 'latency-leases-establishLatency'];

test('writeRunFolder writes every file of the contract, with an SVG and a PNG per chart', () => {
  for (const file of ['summary.json', 'config.json', 'timeseries.csv', 'report.html']) assert.ok(existsSync(join(dir, file)), file);
  assert.deepEqual(readdirSync(join(dir, 'histograms')).sort(), [
    'dwfm.attemptLatency.hdr', 'dwfm.attemptLatency.hgrm', 'dwfm.attemptLatency.hlog',
    'leases.establishLatency.hdr', 'leases.establishLatency.hgrm', 'leases.establishLatency.hlog',
  ]);
  const plots = readdirSync(join(dir, 'plots')).sort();
  assert.deepEqual(plots, CHART_IDS.flatMap((id) => [`${id}.png`, `${id}.svg`]).sort());
  for (const file of plots.filter((f) => f.endsWith('.png'))) {
    assert.deepEqual([...readFileSync(join(dir, 'plots', file)).subarray(1, 4)], [0x50, 0x4e, 0x47], `${file} is a PNG`);
  }
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), run.config);
});

test('timeseries.csv has a row per sample interval and a sorted column per series, empty where absent', () => {
  const lines = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trimEnd().split('\n');
  const names = Object.keys(run.series).sort();
  assert.equal(lines[0], ['time', ...names].join(','));
  const rows = END_US / SAMPLE_INTERVAL_US + 1;
  assert.equal(lines.length, rows + 1);
  const col = names.indexOf('leases.establishAttempts') + 1;
  for (let row = 0; row < rows; row++) {
    const cells = (lines[row + 1] as string).split(',');
    assert.equal(cells.length, names.length + 1);
    assert.equal(Number(cells[0]), row * 60);
    const expected = run.series['leases.establishAttempts']?.buckets[row];
    assert.equal(cells[col], expected === undefined ? '' : String(expected), `row ${row}`);
  }
});

test('hgrm files hold the HdrHistogram percentile distribution in milliseconds', () => {
  const text = readFileSync(join(dir, 'histograms', 'dwfm.attemptLatency.hgrm'), 'utf8');
  assert.match(text, /^# cascade histogram dwfm\.attemptLatency\n# values in milliseconds/);
  assert.match(text, /Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
  const h = run.histograms['dwfm.attemptLatency'];
  assert.ok(h !== undefined);
  const maxMs = Number(/#\[Max\s+=\s+([0-9.]+)/.exec(text)?.[1]);
  assert.ok(Math.abs(maxMs - h.maxValue / 1000) < 0.01, `max ${maxMs} ms vs ${h.maxValue} µs`);
  assert.match(text, new RegExp(`Total count\\s+=\\s+${h.totalCount}\\]`));
});

test('hdr files decode to the recorded histograms without loss', () => {
  for (const [name, h] of Object.entries(run.histograms)) {
    const back = decodeHistogram(readFileSync(join(dir, 'histograms', `${name}.hdr`), 'utf8').trim());
    assert.equal(back.totalCount, h.totalCount);
    for (const p of [0, 50, 90, 99, 99.9, 100]) assert.equal(back.getValueAtPercentile(p), h.getValueAtPercentile(p), `${name} p${p}`);
  }
});

test('summary.json holds every field of the contract, null where the model produced none', () => {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, any>;
  assert.deepEqual(missingSummaryFields(summary), []);
  assert.equal(summary['schema'], 'cascade.summary/1');
  assert.equal(summary['nlb'].flaps, null);
  assert.equal(summary['network'].clearedAt, null);
  assert.equal(summary['leases'].wastedWorkFraction, null);
  assert.equal(summary['leases'].collapsed, false, 'derived from recoveredAt');
  assert.equal(summary['phases'][3].end, null);
  assert.equal(summary['timeToRecovery'], 50_000);
});

test('buildSummary gives a model without sections the full schema', () => {
  const summary = buildSummary({
    engine: {
      scenario: 'phold', seed: 1, complete: true, clock: { start: null }, digest: '00',
      engine: { threads: 1, partitions: 1, events: 10, windows: 1, wallSeconds: 0.1, eventsPerSecond: 100, peakRssBytes: 1 },
    },
    model: {},
  });
  assert.deepEqual(missingSummaryFields(summary), []);
  assert.ok(SUMMARY_FIELDS.length >= 40);
  assert.deepEqual(summary.dns.violations, []);
  assert.deepEqual(summary.phases, []);
  assert.equal(summary.leases.collapsed, null);
  assert.equal(summary.leases.establishLatency.count, 0);
  assert.equal(summary.timeToRecovery, null);
});

test('summaryMetrics flattens every numeric field with dotted names, null where null', () => {
  const metrics = summaryMetrics(run.summary);
  assert.equal(metrics['leases.recoveredAt'], 20_040);
  assert.equal(metrics['leases.establishLatency.p99'], 7000);
  assert.equal(metrics['engine.events'], 12_345_678);
  assert.equal(metrics['nlb.flaps'], null);
  assert.equal(metrics['timeToRecovery'], 50_000);
  for (const absent of ['scenario', 'digest', 'complete', 'clock.start', 'leases.collapsed', 'phases', 'dns.violations']) {
    assert.equal(absent in metrics, false, absent);
  }
});

test('summary.json is the last file written', () => {
  const summaryMs = statSync(join(dir, 'summary.json')).mtimeMs;
  const others = ['config.json', 'timeseries.csv', 'report.html', 'histograms/dwfm.attemptLatency.hdr', 'plots/timeline.png'];
  for (const file of others) assert.ok(statSync(join(dir, file)).mtimeMs <= summaryMs, file);
});

test('a failed write leaves no summary.json, even over an earlier complete run', async () => {
  const again = join(work, 'again');
  await writeRunFolder(again, run, { report: false });
  assert.ok(existsSync(join(again, 'summary.json')));
  await assert.rejects(writeRunFolder(again, { ...run, sampleIntervalUs: 0 }, { report: false }), /sampleIntervalUs/);
  assert.equal(existsSync(join(again, 'summary.json')), false);
});

test('report false writes no report.html and no plots', async () => {
  const bare = join(work, 'bare');
  await writeRunFolder(bare, run, { report: false });
  assert.equal(existsSync(join(bare, 'report.html')), false);
  assert.equal(existsSync(join(bare, 'plots')), false);
  assert.ok(existsSync(join(bare, 'summary.json')));
});

test('buildReport rebuilds the same report.html and plots from the folder alone', async () => {
  const original = readFileSync(join(dir, 'report.html'), 'utf8');
  const originalSvg = readFileSync(join(dir, 'plots', 'latency-dwfm-attemptLatency.svg'), 'utf8');
  rmSync(join(dir, 'report.html'));
  rmSync(join(dir, 'plots'), { recursive: true });
  const result = await buildReport(dir);
  assert.deepEqual(Object.keys(result.charts).sort(), [...CHART_IDS].sort());
  assert.equal(readFileSync(join(dir, 'report.html'), 'utf8'), original);
  assert.equal(readFileSync(join(dir, 'plots', 'latency-dwfm-attemptLatency.svg'), 'utf8'), originalSvg);
});

test('buildReport on a folder missing a file throws an error naming that file', async () => {
  await assert.rejects(buildReport(join(work, 'nowhere')), /nowhere: no such run folder/);
  const partial = join(work, 'partial');
  await writeRunFolder(partial, run, { report: false });
  rmSync(join(partial, 'timeseries.csv'));
  await assert.rejects(buildReport(partial), /timeseries\.csv: missing/);
  rmSync(join(partial, 'summary.json'));
  await assert.rejects(buildReport(partial), /summary\.json: missing/);
});

test('every chart of the report is inline SVG drawn with data, and element ids are unique', () => {
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  for (const id of CHART_IDS) {
    const figure = new RegExp(`<figure class="chart" id="chart-${id}"[^>]*data-marks="(\\d+)"[^>]*>\\s*<svg`).exec(html);
    assert.ok(figure !== null, `chart ${id} is in the page`);
    assert.ok(Number(figure[1]) > 0, `chart ${id} has data marks`);
  }
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, 'duplicate ids would break inline SVG clip paths');
});

test('the latency table gives four significant digits with thousands separated, in the unit each value rounds to', () => {
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  const table = /<table id="latency-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  const cells = [...table.matchAll(/<td class="v">([^<]*)<\/td>/g)].map((m) => m[1] ?? '');
  const times = cells.filter((c) => / (s|ms|µs)$/.test(c));
  // the synthetic establish latencies reach two hours: thousands of seconds
  assert.ok(times.some((c) => /^\d{1,3}(,\d{3})+ s$/.test(c)), times.join(' | '));
  for (const c of times) assert.match(c, /^(\d{1,3}(,\d{3})*(\.\d+)? s|\d{1,3}(\.\d+)? ms|\d{1,3} µs)$/, c);
});

test('a small count is plotted with ticks at whole numbers only', () => {
  // the synthetic DynamoDB panel is 0 or 1 (available or not); its axis once read 0, 0.5, 1
  const labels = (id: string) => [...readFileSync(join(dir, 'plots', `${id}.svg`), 'utf8').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  const dynamodb = labels('series-dynamodb');
  assert.ok(dynamodb.includes('0') && dynamodb.includes('1'), `axis labels ${dynamodb.join(' ')}`);
  assert.ok(!dynamodb.some((l) => /^\d*\.\d+$/.test(l ?? '')), `axis labels ${dynamodb.join(' ')}`);
});

test('no two series of the built-in models share a chart title', () => {
  const byTitle = new Map<string, string[]>();
  for (const [key, label] of Object.entries(SERIES_LABELS)) byTitle.set(label.title, [...(byTitle.get(label.title) ?? []), key]);
  assert.deepEqual([...byTitle.values()].filter((keys) => keys.length > 1), []);
});

test('the report is self-contained: no script, stylesheet or image is loaded from elsewhere', () => {
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /<script\b/i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i);
  assert.doesNotMatch(html, /@import|url\((?!#)/i);
});

test('an incomplete run is marked as such in the report', async () => {
  const incomplete = join(work, 'incomplete');
  await writeRunFolder(incomplete, syntheticRun({ complete: false }), { report: true });
  const html = readFileSync(join(incomplete, 'report.html'), 'utf8');
  assert.match(html, /<title>[^<]*\(INCOMPLETE\)<\/title>/);
  assert.match(html, /id="incomplete-banner"/);
  assert.match(html, /data-complete="false"/);
});

test('a run without a clock plots time since the start, and official lanes only when its summary hands them over', async () => {
  const plain = join(work, 'plain');
  await writeRunFolder(plain, syntheticRun({ scenario: 'lease-storm', clockStart: null }), { report: true });
  const timeline = readFileSync(join(plain, 'plots', 'timeline.svg'), 'utf8');
  assert.match(timeline, /time since the start \(h:mm\)/);
  assert.doesNotMatch(timeline, /official/);
  const official = readFileSync(join(dir, 'plots', 'timeline.svg'), 'utf8');
  assert.match(official, /official/);
  assert.match(official, /UTC-07:00/);
});

test("a what-if keeps its replay in replay/, and the report draws it behind every series with the change in time to recovery", async () => {
  const whatIf = join(work, 'what-if');
  const replay = syntheticRun();
  await writeRunFolder(whatIf, { ...run, summary: { ...run.summary, timeToRecovery: 40_000 }, replay: { summary: replay.summary, series: replay.series } }, { report: true });
  assert.ok(existsSync(join(whatIf, 'replay', 'summary.json')) && existsSync(join(whatIf, 'replay', 'timeseries.csv')));
  const html = readFileSync(join(whatIf, 'report.html'), 'utf8');
  assert.match(html, /−2 h 46 min vs the replay \(13 h 53 min\)/);
  for (const group of ['leases', 'nlb', 'launches']) assert.match(readFileSync(join(whatIf, 'plots', `series-${group}.svg`), 'utf8'), />replay</, group);
  rmSync(join(whatIf, 'report.html'));
  await buildReport(whatIf);
  assert.equal(readFileSync(join(whatIf, 'report.html'), 'utf8'), html, 'rebuilt from the folder alone');
});
