// End-to-end: the default scenario through the binary — wall-clock phases, and what-ifs compared
// with the replay.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scenarioDef, type ScenarioDef } from '@cascade/scenarios';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-us-east-1-'));

const runs = new Map<string, ReturnType<typeof runOnce>>();
function run(name: string, ...args: string[]) {
  let r = runs.get(name);
  if (r === undefined) {
    r = runOnce(name, ...args);
    runs.set(name, r);
  }
  return r;
}

function runOnce(name: string, ...args: string[]) {
  const out = join(scratch, name);
  const r = spawnSync(process.execPath, [CLI, 'run', '--fleet', '6000', '--no-report', '--quiet', '--out', out, ...args], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
}

test('the replay has no what-if section and starts its clock at 11:00 PM PDT', () => {
  const s = run('replay');
  assert.equal(s.scenario, 'us-east-1-2025-10-20');
  assert.equal(s.clock.start, '2025-10-19T23:00:00-07:00');
  assert.equal(s.whatIf, undefined);
  assert.deepEqual(s.phases.map((p: { name: string }) => p.name).sort(), ['dns', 'dwfm', 'network', 'nlb']);
  for (let i = 1; i < s.phases.length; i++) assert.ok(s.phases[i].start >= s.phases[i - 1].start, 'phases listed in order of their start');
  assert.equal(s.operator.mode, 'reactive');
  assert.ok(s.operator.actions.length > 0);
});

test('a what-if with every DNS safety switch on says it has no phases and recovers sooner than the replay', () => {
  const s = run('safe', '--set', 'dns.safety.versionCheck=atApply', '--set', 'dns.safety.cleanupSparesActive=true', '--set', 'dns.safety.rejectEmpty=true');
  assert.deepEqual(Object.keys(s.whatIf.changes).sort(), ['dns.safety.cleanupSparesActive', 'dns.safety.rejectEmpty', 'dns.safety.versionCheck']);
  assert.equal(s.phases.length, 0);
  assert.ok(s.whatIf.replay.timeToRecovery > 40_000);
  assert.equal(s.whatIf.timeToRecoveryChange, s.timeToRecovery - s.whatIf.replay.timeToRecovery);
  assert.ok(s.whatIf.timeToRecoveryChange < -40_000);
  for (const p of s.whatIf.phases) {
    assert.equal(p.start, null);
    assert.equal(p.end, null);
    assert.ok(p.replayStart !== null && p.replayEnd !== null, `${p.name} happened in the replay`);
  }
});

test('a what-if with throttling and staggering and no operator restarts recovers leases on its own, and says by how much the DWFM phase moved', () => {
  const s = run(
    'self-healing',
    '--set', 'operator.dwfmRecovery.enabled=false',
    '--set', 'policy.throttle.rate=0.8', '--set', 'policy.stagger.window=10m',
  );
  assert.equal(s.leases.collapsed, false);
  const dwfm = s.whatIf.phases.find((p: { name: string }) => p.name === 'dwfm');
  assert.ok(dwfm.end !== null && dwfm.replayEnd !== null);
  assert.equal(dwfm.change, dwfm.end - dwfm.replayEnd);
  assert.equal(dwfm.startChange, dwfm.start - dwfm.replayStart);
  // the operator never had to restart DWFM
  assert.ok(!s.operator.actions.some((a: { action: string }) => a.action === 'restart-dwfm'));
  assert.ok(dwfm.change < 0, `leases back sooner than with the operator: ${dwfm.change}`);
});

test("a what-if's replay is cached beside the run folder by its config and the model's code: the next what-if reads it instead of running it again", () => {
  const folder = mkdtempSync(join(tmpdir(), 'cascade-replay-cache-'));
  const whatIf = (name: string, set: string) => {
    const out = join(folder, name);
    const r = spawnSync(process.execPath, [CLI, 'run', '--fleet', '6000', '--no-report', '--out', out, '--set', set], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    return { stderr: r.stderr, summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) };
  };
  const first = whatIf('stagger', 'policy.stagger.window=5m');
  assert.doesNotMatch(first.stderr, /replay to compare with: cached/);
  assert.equal(readdirSync(join(folder, '.replays')).length, 1);
  const second = whatIf('backoff', 'policy.backoff.kind=full-jitter');
  assert.match(second.stderr, /replay to compare with: cached \(.*\.replays/);
  assert.equal(second.summary.whatIf.replay.digest, first.summary.whatIf.replay.digest);
  assert.deepEqual(second.summary.whatIf.replay.phases, first.summary.whatIf.replay.phases);
  // the cached replay is the replay: the same digest as running it directly
  assert.equal(first.summary.whatIf.replay.digest, run('replay').digest);
});

test('without --threads a run takes a thread per 50,000 droplets (up to the cores), where more measured slower; phold takes the cores', () => {
  const small = run('replay');
  assert.equal(small.engine.threads, 1);
  assert.equal(small.engine.windows, 1);
  const out = join(scratch, 'phold-default-threads');
  const r = spawnSync(process.execPath, [CLI, 'run', '--scenario', 'phold', '--fleet', '200', '--duration', '2s', '--no-report', '--quiet', '--out', out], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).engine.threads, availableParallelism());
  const def = scenarioDef('us-east-1-2025-10-20') as ScenarioDef<{ fleet: { droplets: number } }>;
  const threadsFor = (droplets: number, cores: number) => def.threadsFor?.({ fleet: { droplets } }, cores);
  assert.deepEqual([threadsFor(50_000, 2), threadsFor(99_999, 2), threadsFor(100_000, 2), threadsFor(1e6, 2), threadsFor(1e6, 8), threadsFor(2e5, 1)], [1, 1, 2, 2, 8, 1]);
});
