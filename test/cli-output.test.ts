// End-to-end: what `cascade run` prints: the run folder and report in --json, one number format in
// the table, "collapsed at end" in words, --set values echoed as written, progress lines off a TTY.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatDuration, formatElapsed } from '../packages/cli/src/table.js';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-cli-output-'));

function cascade(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const LEASE_STORM = ['run', '--scenario', 'lease-storm', '--fleet', '1e4', '--threads', '1'];

/** One human lease-storm run, shared by the tests that read its table. */
let table: string | undefined;
function leaseStormTable(): string {
  if (table === undefined) {
    const r = cascade([...LEASE_STORM, '--no-report', '--out', join(scratch, 'table')]);
    assert.equal(r.code, 0, r.stderr);
    table = r.stdout;
  }
  return table;
}

test('cascade run --json names the run folder and the report', () => {
  const out = join(scratch, 'json');
  const r = cascade(['run', '--scenario', 'phold', '--fleet', '2000', '--duration', '5s', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const printed = JSON.parse(r.stdout);
  assert.equal(printed.out, out);
  assert.equal(printed.report, join(out, 'report.html'));
});

test('cascade run --json --no-report gives a null report', () => {
  const out = join(scratch, 'json-no-report');
  const r = cascade(['run', '--scenario', 'phold', '--fleet', '2000', '--duration', '5s', '--out', out, '--json', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  const printed = JSON.parse(r.stdout);
  assert.equal(printed.out, out);
  assert.equal(printed.report, null);
});

test('the run table prints counts with thousands separators, times as h/min/s and shares as percentages', () => {
  const text = leaseStormTable();
  assert.match(text, /\nevents +\d{1,3}(,\d{3})+\n/);
  assert.match(text, /\nDynamoDB available at +1 h 10 min\n/);
  assert.match(text, /\nleases recovered at +1 h \d\d min \d\d s\n/);
  assert.match(text, /\nvalid leases \(min\) +\d+(\.\d+)?%\n/);
  assert.match(text, /\nwasted DWFM work +\d+(\.\d+)?%\n/);
});

test('durations read in the unit they round to: 999.6 µs is 1 ms and 999.6 ms is 1 s', () => {
  assert.deepEqual(
    [0.0009996, 0.9996, 0.0004, 0.4, 3.98, 2887, 12815.96].map(formatDuration),
    ['1 ms', '1 s', '400 µs', '400 ms', '3.98 s', '48 min 07 s', '3 h 33 min 35 s'],
  );
});

test('measured times keep three significant digits, so a rounded one does not look exact', () => {
  assert.deepEqual(
    [5.996, 7.4449, 0.9996, 0.0123, 12.5, 61.2, 59.97, 0.0009996, 0.00042].map(formatElapsed),
    ['6.00 s', '7.44 s', '1.00 s', '12.3 ms', '12.5 s', '1 min 01 s', '1 min 00 s', '1.00 ms', '420 µs'],
  );
  assert.match(leaseStormTable(), /\nwall time +(\d\.\d\d s|\d\d\.\d s|\d{3} ms|\d+ min \d\d s)\n/);
});

test('the run table says in words whether DWFM was collapsed at the end', () => {
  assert.match(leaseStormTable(), /\nDWFM collapsed at end +no\n/);
});

test('a what-if names a --set value as the user wrote it: never, not null', () => {
  const r = cascade(['run', '--fleet', '6000', '--duration', '6h', '--set', 'operator.mode=timetable', '--set', 'operator.nlbFailoverOnAt=never', '--no-report', '--out', join(scratch, 'never')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nwhat-if against the replay: .*operator\.mode=timetable.*operator\.nlbFailoverOnAt=never/);
  assert.doesNotMatch(r.stdout, /=null/);
});

test('off a TTY a run prints progress lines on stderr', () => {
  const r = cascade([...LEASE_STORM, '--no-report', '--out', join(scratch, 'progress')], { CASCADE_PROGRESS_INTERVAL: '0' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^lease-storm: \d+% \(t = .+ of 6 h 00 min\) \| [\d,]+ events \| [\d,]+ events\/s \| .+ so far, ETA .+$/m);
});

test('a bad CASCADE_PROGRESS_INTERVAL exits 2 naming it and what is allowed', () => {
  const r = cascade([...LEASE_STORM, '--out', join(scratch, 'bad-interval')], { CASCADE_PROGRESS_INTERVAL: 'often' });
  assert.equal(r.code, 2);
  assert.match(r.stderr.trim(), /^cascade: CASCADE_PROGRESS_INTERVAL=often: expected a duration such as 500ms/);
});
