// Retries sent ahead (`lease.retryAhead`): the attempts a droplet's own timer sends (backoffs,
// throttled retries, the staggered recovery) go to its DWFM host in one message per shard for each
// span, each with its own send time, and the host books each at its own arrival when the message
// comes in. Unlike `lease.renewAhead` it is part of the model: a change at the host within a span
// (DynamoDB's availability, a throttle) reaches that span's retries only from the next span on. A
// span of one tick is the model that sent retries every tick (its digest is the golden case
// `us-east-1-retries-each-tick`). A longer span must take fewer events and move the outage's
// timeline by no more than a change of seed does (about four minutes at this size).
import { runSingle, type RunOutcome } from '@cascade/kernel';
import { ConfigError, resolveConfig, toUsEast1Params, usEast1Scenario, type Phase } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

// 20,000 droplets keep the default's load per DWFM host and its timeline (see us-east-1.test.ts).
const FLEET = '20000';
/**
 * How far a span may move a phase boundary, an operator action or the time to recovery: seeds 1-3
 * spread them over 240 s (retries every tick), and a span may move them that much and a minute.
 */
const TIMELINE_TOLERANCE_S = 300;

interface Summary {
  phases: Phase[];
  timeToRecovery: number | null;
  operator: { actions: { action: string; at: number }[] };
  leases: { attempts: number };
}

function run(retryAhead: string, sets: string[]): RunOutcome {
  return runSingle(usEast1Scenario.build(resolveConfig(usEast1Scenario, { fleet: FLEET, sets: [...sets, `lease.retryAhead=${retryAhead}`] })));
}

for (const sets of [[], ['policy.backoff.kind=full-jitter']]) {
  test(`retries sent 10 s at a time take fewer events and land the outage where retries every tick do${sets.length > 0 ? ` (${sets.join(' ')})` : ''}`, () => {
    const eachTick = run('1', sets);
    const ahead = run('10', sets);
    assert.ok(ahead.events < eachTick.events, `${ahead.events} events against ${eachTick.events}`);
    assert.notEqual(ahead.digest, eachTick.digest);
    const a = ahead.summary as unknown as Summary;
    const b = eachTick.summary as unknown as Summary;
    assert.deepEqual(
      a.phases.map((p) => p.name),
      b.phases.map((p) => p.name),
    );
    a.phases.forEach((p, i) => {
      const q = b.phases[i] as Phase;
      for (const key of ['start', 'end'] as const) {
        assert.ok(p[key] !== null && q[key] !== null, `${p.name}.${key} must be found with either span`);
        assert.ok(Math.abs((p[key] as number) - (q[key] as number)) <= TIMELINE_TOLERANCE_S, `${p.name}.${key}: ${p[key]} s against ${q[key]} s`);
      }
    });
    assert.deepEqual(
      a.operator.actions.map((x) => x.action),
      b.operator.actions.map((x) => x.action),
    );
    a.operator.actions.forEach((x, i) => assert.ok(Math.abs(x.at - (b.operator.actions[i]?.at as number)) <= TIMELINE_TOLERANCE_S, `${x.action} at ${x.at} s against ${b.operator.actions[i]?.at} s`));
    assert.ok(Math.abs((a.timeToRecovery as number) - (b.timeToRecovery as number)) <= TIMELINE_TOLERANCE_S, `time to recovery ${a.timeToRecovery} s against ${b.timeToRecovery} s`);
    assert.ok(Math.abs(a.leases.attempts / b.leases.attempts - 1) < 0.05, `${a.leases.attempts} attempts against ${b.leases.attempts}`);
  });
}

test('the retry span is whole renewal ticks: as many as fit in lease.retryAhead, at least one', () => {
  const spanUs = (sets: string[]) => toUsEast1Params(resolveConfig(usEast1Scenario, { sets })).fleet.retryAheadUs;
  assert.equal(spanUs([]), 10_000_000);
  assert.equal(spanUs(['lease.retryAhead=2.5']), 2_000_000);
  assert.equal(spanUs(['lease.renewTick=0.5', 'lease.retryAhead=2.5']), 2_500_000);
  // a coarser tick than the default span: one tick, with no error about a key nobody set
  assert.equal(spanUs(['lease.renewTick=20']), 20_000_000);
  assert.equal(spanUs(['lease.renewTick=1us']), 10_000_000);
  assert.throws(() => resolveConfig(usEast1Scenario, { sets: ['lease.retryAhead=0'] }), (e: Error) => e instanceof ConfigError && /lease\.retryAhead/.test(e.message));
});
