// Opens the report.html of two real runs in headless Chromium (no network) at 1280x800 and checks
// what a reader sees: the default scenario (small fleet) and a lease-storm that collapses. The first
// screen holds the time to recovery with its unit and the phase table; every chart is drawn with
// data and every quantitative y axis is labelled and starts at zero; sections that do not apply are
// not shown; no console errors, nothing fetched. Screenshots go to a temporary folder: docs/ is
// written by hand with scripts/screenshots.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };
/** One DWFM host for 10,000 droplets: the recovery workflow's backlog outlasts the attempt timeout, and DWFM collapses. */
const STORM = ['--scenario', 'lease-storm', '--fleet', '1e4', '--set', 'fleet.dwfmHosts=1', '--threads', '1'];

let work = '';
let context: BrowserContext | undefined;
/** Whether a run's time series has a negative value anywhere (an axis may then go below zero). */
const negative: Record<'incident' | 'storm', boolean> = { incident: false, storm: false };
const pages: Record<'incident' | 'storm', { page: Page; dir: string; errors: string[]; requests: string[] }> = {} as never;

function run(name: string, args: readonly string[]): string {
  const out = join(work, name);
  const r = spawnSync(process.execPath, [CLI, 'run', ...args, '--quiet', '--out', out], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

async function open(dir: string): Promise<{ page: Page; dir: string; errors: string[]; requests: string[] }> {
  const page = await (context as BrowserContext).newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('request', (req) => { if (!req.url().startsWith('file:')) requests.push(req.url()); });
  await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
  return { page, dir, errors, requests };
}

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the report browser test needs it (apt-get update && apt-get install -y chromium)`);
  }
  work = mkdtempSync(join(tmpdir(), 'cascade-report-browser-'));
  const incident = run('incident', ['--fleet', '6000']);
  const storm = run('storm', STORM);
  context = await chromium.launchPersistentContext(join(work, 'user-data'), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: VIEWPORT, offline: true });
  for (const [which, dir] of [['incident', incident], ['storm', storm]] as const) {
    negative[which] = readFileSync(join(dir, 'timeseries.csv'), 'utf8').split('\n').slice(1).some((line) => line.split(',').slice(1).some((v) => Number(v) < 0));
  }
  pages.incident = await open(incident);
  pages.storm = await open(storm);
});

after(async () => {
  await context?.close();
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

/** The bottom edge of an element, page coordinates, with the page scrolled to the top. */
async function bottomOf(page: Page, selector: string): Promise<number> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box !== null, `${selector} is on the page and visible`);
  return box.y + box.height;
}

for (const which of ['incident', 'storm'] as const) {
  test(`the ${which} report's first screen holds the time to recovery with its unit and the phase table`, async () => {
    const { page } = pages[which];
    const ttr = (await page.textContent('#ttr')) ?? '';
    assert.match(ttr, /\d+ (h|min|s)\b/, `time to recovery "${ttr}" has a unit`);
    assert.ok((await bottomOf(page, '#ttr')) <= VIEWPORT.height, 'time to recovery on the first screen');
    assert.ok((await page.locator('#phases tr[data-phase]').count()) >= 2, 'the phase table has the phases');
    assert.ok((await bottomOf(page, '#phases')) <= VIEWPORT.height, 'the phase table on the first screen');
  });

  test(`the ${which} report logs no console errors and fetches nothing from the network`, () => {
    assert.deepEqual(pages[which].errors, []);
    assert.deepEqual(pages[which].requests, []);
  });

  test(`every chart of the ${which} report is drawn, and every quantitative y axis is labelled and starts at zero`, async () => {
    const charts = await pages[which].page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const box = f.querySelector('svg')?.getBoundingClientRect();
        const marks = f.querySelectorAll('g[class^="mark-"] path, g[class^="mark-"] rect, g[class^="mark-"] line');
        const drawn = Array.from(marks).filter((m) => (m.getAttribute('d') ?? '').length > 2 || m.tagName !== 'path').length;
        const yAxes = Array.from(f.querySelectorAll('[aria-roledescription="axis"]')).map((a) => a.getAttribute('aria-label') ?? '').filter((l) => l.startsWith('Y-axis'));
        return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, drawn, yAxes };
      }),
    );
    assert.ok(charts.length >= 4, JSON.stringify(charts.map((c) => c.id)));
    for (const c of charts) {
      assert.ok(c.width > 300 && c.height > 50, `${c.id} is drawn at ${c.width}x${c.height}`);
      assert.ok(c.drawn > 0, `${c.id} has no data marks`);
      assert.ok(c.yAxes.length > 0, `${c.id} has a y axis`);
      for (const axis of c.yAxes) {
        assert.match(axis, /^Y-axis titled '[^']+'/, `${c.id}: ${axis}`);
        const from = /linear scale with values from (\S+) to/.exec(axis);
        if (from === null) continue;
        // from zero; below it only where a series itself goes negative
        const lowest = Number((from[1] as string).replace('−', '-').replace(/,/g, ''));
        assert.ok(lowest === 0 || (lowest < 0 && negative[which]), `${c.id}: ${axis}`);
      }
    }
  });
}

test('the incident report compares each phase with the official times and marks the operator on every time chart', async () => {
  const { page, dir } = pages.incident;
  const head = (await page.textContent('#phases')) ?? '';
  assert.match(head, /official/);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  assert.ok(summary.official.phases.length >= 4, 'the scenario hands its official phases over in summary.json');
  assert.ok(summary.operator.actions.length > 0);
  const timeCharts = await page.$$eval('figure.chart[data-kind="timeseries"] svg', (svgs) =>
    svgs.map((svg) => svg.querySelectorAll('g.mark-rule[role="graphics-object"] line, g.mark-rule[role="graphics-object"] path').length),
  );
  assert.ok(timeCharts.length >= 6);
  for (const rules of timeCharts) assert.ok(rules > 0, 'operator actions drawn as rules');
  // a chart per histogram over time and by percentile
  const histograms = readdirSync(join(dir, 'histograms')).filter((f) => f.endsWith('.hdr')).length;
  assert.equal(await page.locator('figure.chart[data-kind="latency"]').count(), 2 * histograms);
});

test('the lease-storm report tells its own story: the outage, the collapse, throughput over goodput, the verdict; no empty sections', async () => {
  const { page } = pages.storm;
  const first = (await page.textContent('#story')) ?? '';
  assert.match(first, /DynamoDB was unavailable from 0:10:00 to 1:10:00/);
  assert.match(first, /metastable/);
  assert.match((await page.textContent('#ttr')) ?? '', /^more than /);
  assert.equal(await page.locator('#no-phases').count(), 0);
  assert.equal(await page.locator('#chart-dwfm-throughput-goodput').count(), 1);
  for (const section of ['dns', 'nlb', 'launches', 'network']) {
    assert.equal(await page.locator(`[data-section="${section}"]`).count(), 0, `no ${section} card`);
  }
  const text = (await page.textContent('body')) ?? '';
  assert.doesNotMatch(text, /no phases/i);
  assert.doesNotMatch(text, /Network Manager|NLB capacity|Launches failed/);
});

test('the engine figures come last, after every chart', async () => {
  const { page } = pages.incident;
  const order = await page.$$eval('main > section', (sections) => sections.map((s) => s.id));
  assert.equal(order[0], 'story');
  assert.equal(order[order.length - 1], 'engine');
});

test('the report shows the run header with scenario, seed and digest', async () => {
  const { page, dir } = pages.incident;
  assert.match((await page.textContent('header h1')) ?? '', /us-east-1-2025-10-20/);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  assert.equal(await page.textContent('#digest'), summary.digest);
  assert.equal(await page.getAttribute('#complete-flag', 'data-complete'), 'true');
});

test('screenshots of the report can be taken (into the temporary folder, never into docs/)', async () => {
  const shot = join(work, 'report.png');
  await pages.incident.page.screenshot({ path: shot, fullPage: false });
  assert.ok(existsSync(shot));
});
