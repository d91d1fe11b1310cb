// End-to-end: `cascade explore` finds the DNS race without a forced fault, writes a trace, and
// `cascade replay` reproduces it; with the safety switches on it finds nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-explore-'));

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('explore finds an emptied regional record without the forced stall, and replay reproduces it', () => {
  const out = join(scratch, 'found');
  const r = cascade('explore', '--seeds', '40', '--invariant', 'regional-endpoint-never-empty', '--threads', '2', '--out', out, '--json');
  assert.equal(r.code, 1, r.stderr);
  const found = JSON.parse(r.stdout);
  assert.equal(found.violation.invariant, 'regional-endpoint-never-empty');
  assert.ok(found.seedsRun >= 1 && found.seedsRun <= 40);
  assert.ok(existsSync(found.trace));
  const replayed = cascade('replay', found.trace, '--json');
  assert.equal(replayed.code, 0, replayed.stderr);
  const rr = JSON.parse(replayed.stdout);
  assert.equal(rr.ok, true);
  assert.equal(rr.actual.at, found.violation.at);
});

test('explore stops at the same seed whatever the thread count', () => {
  const one = JSON.parse(cascade('explore', '--seeds', '40', '--invariant', 'regional-endpoint-never-empty', '--threads', '1', '--out', join(scratch, 't1'), '--json').stdout);
  const two = JSON.parse(cascade('explore', '--seeds', '40', '--invariant', 'regional-endpoint-never-empty', '--threads', '2', '--out', join(scratch, 't2'), '--json').stdout);
  assert.deepEqual(one.violation, two.violation);
});

test('with every safety switch on, explore finds no violation', () => {
  const r = cascade(
    'explore', '--seeds', '30', '--threads', '2', '--json', '--out', join(scratch, 'safe'),
    '--set', 'dns.safety.versionCheck=atApply', '--set', 'dns.safety.cleanupSparesActive=true', '--set', 'dns.safety.rejectEmpty=true',
  );
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.violation, null);
  assert.equal(result.seedsRun, 30);
});

test('a corrupted trace is rejected with exit 2 naming the file', () => {
  const out = join(scratch, 'found');
  const good = readFileSync(join(out, 'trace.msgpack'));
  const bad = Buffer.from(good);
  bad[Math.floor(bad.length / 2)] = (bad[Math.floor(bad.length / 2)] as number) ^ 0x40;
  const file = join(scratch, 'bad.msgpack');
  writeFileSync(file, bad);
  const r = cascade('replay', file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.msgpack: corrupt trace file/);
});

test('replay --report draws the recorded race as a swimlane chart with the violation marked', () => {
  const trace = join(scratch, 'found', 'trace.msgpack');
  const out = join(scratch, 'race-report');
  const r = cascade('replay', trace, '--report', '--out', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).report, join(out, 'report.html'));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<div class="banner" id="violation">regional-endpoint-never-empty at t=/);
  const chart = /<figure class="chart" id="chart-race"[^>]*data-marks="(\d+)"[^>]*data-points="(\d+)"/.exec(html);
  assert.ok(chart !== null && Number(chart[1]) > 0 && Number(chart[2]) > 0, 'the swimlane has events');
  const svg = readFileSync(join(out, 'plots', 'race.svg'), 'utf8');
  for (const lane of ['dns-plan-store', 'dns-enactor-0', 'resolver-0']) assert.match(svg, new RegExp(`>${lane}<`), `lane ${lane}`);
  assert.match(svg, /class="mark-rule role-mark[^"]*"[^>]*role="graphics-object"/, 'the violation is a rule');
  assert.match(svg, />violation</);
});

test("the default dns-race run's report shows the race as the same swimlane chart", () => {
  const out = join(scratch, 'race-run');
  const r = cascade('run', '--scenario', 'dns-race', '--quiet', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<figure class="chart" id="chart-race" data-chart="race" data-kind="sequence" data-marks="[1-9]/);
  assert.match(html, /<figure class="chart" id="chart-race-end"/);
  const sequence = JSON.parse(readFileSync(join(out, 'sequence.json'), 'utf8'));
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.equal(sequence.mark.t, summary.dns.emptyRecordAt, 'the marked violation is the emptied record');
});

test('replay with a missing trace exits 2 naming the file', () => {
  const r = cascade('replay', join(scratch, 'none.msgpack'), '--report');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /none\.msgpack: no such trace file/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('explore rejects scenarios other than dns-race and unknown invariants with exit 2', () => {
  assert.equal(cascade('explore', '--scenario', 'phold').code, 2);
  const r = cascade('explore', '--invariant', 'never-sad');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--invariant never-sad: expected one of/);
});
