// Opens the report.html of a real run of the default scenario (small fleet) in headless Chromium
// (no network) and checks what a reader sees: every chart drawn with data, no console errors,
// nothing fetched. Its screenshots go to a temporary folder: the README's docs/report.png and
// docs/report-charts.png are of the default run, made by hand with scripts/screenshots.mjs.
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

let work = '';
let context: BrowserContext | undefined;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the report browser test needs it (apt-get update && apt-get install -y chromium)`);
  }
  work = mkdtempSync(join(tmpdir(), 'cascade-report-browser-'));
  const run = spawnSync(process.execPath, [CLI, 'run', '--fleet', '6000', '--quiet', '--out', join(work, 'run')], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  context = await chromium.launchPersistentContext(join(work, 'user-data'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 1500 },
    offline: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.on('request', (req) => { if (!req.url().startsWith('file:')) requests.push(req.url()); });
  await page.goto(pathToFileURL(join(work, 'run', 'report.html')).href, { waitUntil: 'load' });
});

after(async () => {
  await context?.close();
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

test('every chart of the report is an inline SVG with data marks on screen', async () => {
  const charts = await page.$$eval('figure.chart', (figures) =>
    figures.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      const marks = f.querySelectorAll('g[class^="mark-"] path, g[class^="mark-"] rect, g[class^="mark-"] line');
      const drawn = Array.from(marks).filter((m) => (m.getAttribute('d') ?? '').length > 2 || m.tagName !== 'path').length;
      return { id: f.id, kind: f.getAttribute('data-kind'), width: box?.width ?? 0, height: box?.height ?? 0, drawn };
    }),
  );
  // a timeline, a chart per series group (dns .. launches) and one per latency histogram
  const histograms = readdirSync(join(work, 'run', 'histograms')).filter((f) => f.endsWith('.hdr')).length;
  assert.ok(histograms >= 3, `${histograms} histograms`);
  assert.equal(charts.filter((c) => c.kind === 'latency').length, histograms);
  assert.equal(charts.filter((c) => c.kind === 'timeline').length, 1);
  assert.ok(charts.filter((c) => c.kind === 'timeseries').length >= 6, JSON.stringify(charts.map((c) => c.id)));
  for (const c of charts) {
    assert.ok(c.width > 300 && c.height > 50, `${c.id} is drawn at ${c.width}x${c.height}`);
    assert.ok(c.drawn > 0, `${c.id} has no data marks`);
  }
});

test('the report logs no console errors and fetches nothing from the network', () => {
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(requests, []);
});

test('the report shows the run header with scenario, seed and digest', async () => {
  const h1 = await page.textContent('header h1');
  assert.match(h1 ?? '', /us-east-1-2025-10-20/);
  const summary = JSON.parse(readFileSync(join(work, 'run', 'summary.json'), 'utf8'));
  assert.equal(await page.textContent('#digest'), summary.digest);
  assert.equal(await page.getAttribute('#complete-flag', 'data-complete'), 'true');
});

test('screenshots of the report can be taken (into the temporary folder, never into docs/)', async () => {
  const screenPath = join(work, 'report.png');
  const chartsPath = join(work, 'report-charts.png');
  await page.screenshot({ path: screenPath, fullPage: false });
  const timeline = await page.$('figure.chart[data-kind="timeline"]');
  assert.ok(timeline !== null);
  await timeline.scrollIntoViewIfNeeded();
  const top = await page.evaluate(() => window.scrollY);
  await page.screenshot({ path: chartsPath, clip: { x: 0, y: top, width: 1200, height: 1500 }, fullPage: true });
  assert.ok(existsSync(screenPath) && existsSync(chartsPath));
});
