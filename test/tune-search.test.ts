// `cascade tune` as a library (@cascade/tune): it beats or matches a grid with fewer runs on a
// small lease-storm fleet, resumes, and refuses bad spaces and objectives; plus its statistics.
import { ConfigError, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { halvingSchedule, latinHypercube, parseSpace, runSweep, runTune, sampleStats, tQuantile975, type TuneOptions } from '../packages/tune/dist/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'cascade-tune-'));
// 4000 droplets per DWFM host: without a policy the hosts collapse (recoveredAt null).
const STORM = { def: scenarioDef('lease-storm'), sets: ['fleet.droplets=8000', 'fleet.dwfmHosts=2', 'duration=3h'] };
const PHOLD = { def: scenarioDef('phold'), sets: ['phold.lps=100', 'duration=10'] };

function rejectsWith(promise: Promise<unknown>, pattern: RegExp) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, pattern);
    assert.equal(error.message.split('\n').length, 1, 'one line');
    return true;
  });
}

function phold(out: string, extra: Partial<TuneOptions> = {}) {
  return runTune({
    base: PHOLD, objective: 'engine.events', space: ['phold.mean=0.2..2', 'phold.startEvents=1..4'], budget: 10, seeds: 3,
    threads: 2, plots: false, outDir: join(scratch, out), ...extra,
  });
}

test('tune finds a policy at least as good as the best grid point with fewer runs than the grid', async () => {
  const objective = 'leases.recoveredAt';
  const constraints = ['leases.wastedWorkFraction<=0.01'];
  const grid = await runSweep({
    base: STORM, vary: ['policy.queue=fifo,lifo,drop-expired', 'policy.throttle.queueCap=0,750,1500,2250,3000'], seeds: 1,
    threads: 2, plots: false, outDir: join(scratch, 'grid'), metrics: [objective],
  });
  const feasible = grid.runs.filter((r) => (r.metrics['leases.wastedWorkFraction'] as number) <= 0.01 && r.metrics[objective] !== null);
  const gridBest = Math.min(...feasible.map((r) => r.metrics[objective] as number));
  const tuned = await runTune({
    base: STORM, objective, constraints, space: ['policy.queue=fifo,lifo,drop-expired', 'policy.throttle.queueCap=0..3000'], budget: 9, seeds: 1,
    threads: 2, outDir: join(scratch, 'tune'),
  });
  assert.ok(tuned.runs < grid.runs.length, `${tuned.runs} runs vs the grid's ${grid.runs.length}`);
  assert.ok(tuned.best !== null && tuned.best.objective !== null);
  assert.ok(tuned.best.feasible);
  assert.ok(tuned.best.objective <= gridBest, `tune ${tuned.best.objective} vs grid ${gridBest}`);
  assert.ok(Number.isInteger(tuned.best.config['policy.throttle.queueCap']), 'an integer key stays an integer');
  const json = JSON.parse(readFileSync(join(scratch, 'tune', 'tune.json'), 'utf8'));
  assert.deepEqual(json.best, tuned.best);
  assert.equal(json.runs, tuned.runs);
  assert.equal(json.pareto, 'leases.wastedWorkFraction');
  assert.ok(existsSync(join(scratch, 'tune', 'plots', 'pareto.svg')));
  assert.ok(existsSync(join(scratch, 'tune', 'plots', 'pareto.png')));
});

test('tune gives the best configuration a 95% CI over its seeds, within budget', async () => {
  const r = await phold('ci');
  assert.ok(r.runs <= 10);
  assert.equal(r.best?.seeds, 3);
  const [lo, hi] = r.best!.ci95;
  assert.ok(lo !== null && hi !== null && lo <= r.best!.objective! && r.best!.objective! <= hi);
  const mine = r.records.filter((x) => JSON.stringify(x.vary) === JSON.stringify(r.best!.config));
  assert.deepEqual(mine.map((x) => x.seed), [1, 2, 3]);
  assert.equal(r.best!.objective, sampleStats(mine.map((x) => x.metrics['engine.events']!)).mean);
});

test('an interrupted search continues with the runs it has and reaches the same answer', async () => {
  const cut = await phold('resume', { maxRuns: 4 });
  assert.equal(cut.complete, false);
  const rest = await phold('resume');
  assert.equal(rest.resumed, 4);
  assert.equal(rest.executed, rest.runs - 4);
  const whole = await phold('resume-whole');
  assert.deepEqual(rest.best, whole.best);
  assert.equal((await phold('resume')).executed, 0);
});

test('bad search input is refused with one line', async () => {
  await rejectsWith(phold('bad-1', { space: ['phold.meen=0.2..2'] }), /^--space phold\.meen: unknown key for scenario 'phold' \(did you mean phold\.mean\?\)$/);
  await rejectsWith(phold('bad-2', { space: ['phold.mean=2..0.2'] }), /^--space phold\.mean=2\.\.0\.2: empty range/);
  await rejectsWith(phold('bad-3', { space: ['phold.mean=0.2...2'] }), /^--space phold\.mean=0\.2\.\.\.2: /);
  await rejectsWith(phold('bad-4', { space: ['phold.mean=x..2'] }), /^--space phold\.mean=x\.\.2: bound x: expected a duration/);
  await rejectsWith(phold('bad-5', { space: ['phold.startEvents=1..2000'] }), /^--space phold\.startEvents=1\.\.2000: bound 2000: /);
  await rejectsWith(phold('bad-6', { objective: 'engine.evnts' }), /^--objective engine\.evnts: not a numeric field of this scenario's summary\.json; did you mean engine\.events\?$/);
  await rejectsWith(phold('bad-7', { constraints: ['engine.events<<3'] }), /^--constraint engine\.events<<3: expected METRIC<=X/);
  await rejectsWith(phold('bad-8', { budget: 2 }), /^--budget 2: too small for --seeds 3; it needs at least 3 runs$/);
});

test('t quantiles follow the table and join the large-sample expansion smoothly', () => {
  assert.equal(tQuantile975(1), 12.7062);
  assert.equal(tQuantile975(10), 2.2281);
  assert.ok(Math.abs(tQuantile975(31) - 2.0395) < 1e-3);
  assert.ok(Math.abs(tQuantile975(120) - 1.9799) < 1e-3);
  const s = sampleStats([1, 2, 3, null]);
  assert.equal(s.n, 3);
  assert.equal(s.nulls, 1);
  assert.equal(s.mean, 2);
  assert.ok(Math.abs(s.ci95![1] - (2 + (4.3027 * 1) / Math.sqrt(3))) < 1e-9);
});

test('the halving schedule spends at most the budget and ends on the full seed count', () => {
  for (const [budget, seeds] of [[30, 3], [9, 1], [10, 3], [100, 5], [5, 5]] as const) {
    const s = halvingSchedule(budget, seeds);
    assert.ok(s.cost <= budget, `${budget}/${seeds}: cost ${s.cost}`);
    assert.equal(s.seeds[s.seeds.length - 1], seeds);
    assert.ok(halvingSchedule(budget + 100, seeds).sizes[0]! > s.sizes[0]!, 'more budget, more samples');
  }
});

test('Latin hypercube samples hit every stratum of each range once, integers included', () => {
  const dims = parseSpace(PHOLD, ['phold.mean=0..10', 'phold.startEvents=1..10'], 1);
  const samples = latinHypercube(dims, 10, 7);
  const strata = (key: string, of: (v: number) => number) => samples.map((c) => of(c.config[key] as number)).sort((a, b) => a - b);
  assert.deepEqual(strata('phold.mean', (v) => Math.floor(v)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(strata('phold.startEvents', (v) => v), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(latinHypercube(dims, 10, 7), samples, 'the same seed gives the same samples');
});
