#!/usr/bin/env node
// Screenshots of two reports for the README: runs `cascade run` with no scenario flags (the default
// scenario at its default size) and `cascade run --scenario lease-storm` (its defaults: DWFM
// collapses) into a temporary folder, opens each report.html in headless Chromium (offline) and
// writes docs/report.png (the default run's first screen, 1280x800), docs/report-charts.png (its
// phase timeline chart) and docs/report-lease-storm.png (the lease-storm run's first screen and its
// throughput/goodput chart, 1280x1100). Run by hand after the report or the default scenario
// changes: `node scripts/screenshots.mjs` (see docs/README.md).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'cascade.js');
const DOCS = join(ROOT, 'docs');
const CHROMIUM = process.env.CASCADE_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1280, height: 800 };
/** The lease-storm shot: its first screen and the throughput/goodput chart under it. */
const STORM_VIEWPORT = { width: 1280, height: 1100 };
/** Each run takes well under a minute on a quiet 2-core machine; a loaded one is slower. */
const RUN_TIMEOUT_MS = 15 * 60_000;

class ScreenshotError extends Error {}

function fail(message) {
  throw new ScreenshotError(message);
}

if (!existsSync(CHROMIUM)) {
  process.stderr.write(`screenshots: Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CASCADE_CHROMIUM)\n`);
  process.exit(1);
}
if (!existsSync(CLI)) {
  process.stderr.write(`screenshots: ${relative(ROOT, CLI)} not found: run npm ci first (it builds the project)\n`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'cascade-screenshots-'));
let context;
try {
  const runs = [];
  for (const [name, args] of [['default', []], ['lease-storm', ['--scenario', 'lease-storm']]]) {
    const runDir = join(work, name);
    process.stderr.write(`screenshots: cascade run ${[...args, '--out', runDir].join(' ')}\n`);
    const run = spawnSync(process.execPath, [CLI, 'run', ...args, '--out', runDir], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: RUN_TIMEOUT_MS });
    if (run.status !== 0) fail(`cascade run ${args.join(' ')} exited ${run.status ?? run.signal}`);
    runs.push({ runDir, summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) });
  }

  // a fresh profile (--user-data-dir) in the temporary folder, no network at all
  context = await chromium.launchPersistentContext(join(work, 'user-data'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: VIEWPORT,
    offline: true,
  });
  const open = async (runDir) => {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(pathToFileURL(join(runDir, 'report.html')).href, { waitUntil: 'load' });
    if (errors.length > 0) fail(`${runDir}/report.html logged errors in Chromium:\n  ${errors.join('\n  ')}`);
    return page;
  };

  // every shot goes to the temporary folder first, so a failure leaves docs/ as it was
  const page = await open(runs[0].runDir);
  await page.screenshot({ path: join(work, 'report.png'), fullPage: false });
  const timeline = await page.$('figure.chart[data-kind="timeline"]');
  if (timeline === null) fail('the report has no phase timeline chart (figure.chart[data-kind="timeline"])');
  await timeline.scrollIntoViewIfNeeded();
  await timeline.screenshot({ path: join(work, 'report-charts.png') });

  const storm = await open(runs[1].runDir);
  await storm.setViewportSize(STORM_VIEWPORT);
  await storm.screenshot({ path: join(work, 'report-lease-storm.png'), fullPage: false });

  const written = ['report.png', 'report-charts.png', 'report-lease-storm.png'];
  for (const file of written) copyFileSync(join(work, file), join(DOCS, file));
  for (const { summary } of runs) {
    process.stdout.write(`${summary.scenario}, seed ${summary.seed}, ${summary.fleet.droplets} droplets, digest ${summary.digest.slice(0, 12)}\n`);
  }
  process.stdout.write(`wrote ${written.map((f) => relative(ROOT, join(DOCS, f))).join(', ')}\n`);
} catch (error) {
  if (!(error instanceof ScreenshotError)) throw error;
  process.stderr.write(`screenshots: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  // the browser closes before its profile and the run folder go
  await context?.close();
  rmSync(work, { recursive: true, force: true });
}
