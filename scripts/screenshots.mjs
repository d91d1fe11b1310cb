#!/usr/bin/env node
// Screenshots of the default run's report for the README: runs `cascade run` with no scenario
// flags (the default scenario at its default size) into a temporary folder, opens its report.html
// in headless Chromium (offline) and writes docs/report.png (the first screen, 1280x800) and
// docs/report-charts.png (the phase timeline chart). Run by hand after the report or the default
// scenario changes: `node scripts/screenshots.mjs` (see docs/README.md).
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
/** The default run takes well under a minute on a quiet 2-core machine; a loaded one is slower. */
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
const runDir = join(work, 'run');
let context;
try {
  process.stderr.write(`screenshots: cascade run --out ${runDir}\n`);
  const run = spawnSync(process.execPath, [CLI, 'run', '--out', runDir], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: RUN_TIMEOUT_MS });
  if (run.status !== 0) fail(`cascade run exited ${run.status ?? run.signal}`);
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));

  // a fresh profile (--user-data-dir) in the temporary folder, no network at all
  context = await chromium.launchPersistentContext(join(work, 'user-data'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: VIEWPORT,
    offline: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(pathToFileURL(join(runDir, 'report.html')).href, { waitUntil: 'load' });
  if (errors.length > 0) fail(`the report logged errors in Chromium:\n  ${errors.join('\n  ')}`);

  // both shots go to the temporary folder first, so a failure leaves docs/ as it was
  const first = join(DOCS, 'report.png');
  await page.screenshot({ path: join(work, 'report.png'), fullPage: false });

  const timeline = await page.$('figure.chart[data-kind="timeline"]');
  if (timeline === null) fail('the report has no phase timeline chart (figure.chart[data-kind="timeline"])');
  const charts = join(DOCS, 'report-charts.png');
  await timeline.scrollIntoViewIfNeeded();
  await timeline.screenshot({ path: join(work, 'report-charts.png') });
  copyFileSync(join(work, 'report.png'), first);
  copyFileSync(join(work, 'report-charts.png'), charts);

  process.stdout.write(
    `${summary.scenario}, seed ${summary.seed}, ${summary.fleet.droplets} droplets, digest ${summary.digest.slice(0, 12)}\n` +
      `wrote ${relative(ROOT, first)} (first screen, ${VIEWPORT.width}x${VIEWPORT.height}) and ${relative(ROOT, charts)} (phase timeline)\n`,
  );
} catch (error) {
  if (!(error instanceof ScreenshotError)) throw error;
  process.stderr.write(`screenshots: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  // the browser closes before its profile and the run folder go
  await context?.close();
  rmSync(work, { recursive: true, force: true });
}
