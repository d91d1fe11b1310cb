// The renewal tick of a fleet shard: with a tick of 1 s every renewal leaves on a whole second,
// including the first renewal after an establish (the first tick at or after completion + R); with
// the lease-storm grid (1 µs) renewals keep their own µs.
import type { Actor, Context } from '@cascade/kernel';
import { Fate, type EnqueueMsg, type FatesMsg } from '@cascade/fleet';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S, runShard, testShardParams } from './fleet-fixture.js';

const R = 300 * S;
const LATENCY = S;
/** An establish completes this long after it reaches the stub host (not a whole second). */
const ESTABLISH_US = 123_457;

interface Sent {
  readonly atUs: number;
  readonly droplet: number;
  readonly establish: boolean;
}

/** Records what the shard sends; ignores renewals (so leases lapse) and completes every establish attempt. */
class StubHost implements Actor<EnqueueMsg, FatesMsg> {
  readonly sent: Sent[] = [];
  /** Per droplet, when its lease was last established as the shard sees it. */
  readonly establishedUs = new Map<number, number>();

  constructor(private readonly shardId: () => number) {}

  init(): void {}

  receive(msg: EnqueueMsg, ctx: Context<EnqueueMsg, FatesMsg>): void {
    const attempts = msg.items.filter((code) => (code & 1) === 1);
    for (const code of msg.items) this.sent.push({ atUs: ctx.now - LATENCY, droplet: code >> 1, establish: (code & 1) === 1 });
    if (attempts.length === 0) return;
    const doneUs = ctx.now + ESTABLISH_US;
    for (const code of attempts) this.establishedUs.set(code >> 1, doneUs + LATENCY);
    ctx.send(this.shardId(), {
      kind: 'fates',
      items: attempts,
      fates: attempts.map(() => Fate.ok),
      timesUs: attempts.map(() => doneUs),
      enqueuedUs: attempts.map(() => ctx.now),
      sentAtUs: ctx.now,
    });
  }
}

function run(renewTickUs: number): StubHost {
  const endUs = 2_400 * S;
  let host: StubHost | undefined;
  runShard(7, endUs, LATENCY, (shard) => (host = new StubHost(shard)), (hostId) =>
    testShardParams({ droplets: 200, hostId, renewTickUs, aheadTickUs: renewTickUs, attemptTimeoutUs: 30 * S, endUs, minThrottledRetryUs: S, throttledRetryJitter: false }),
  );
  assert.ok(host !== undefined);
  return host;
}

/** Renewals sent after each droplet's establishment, with the establishment they follow. */
function renewalsAfterEstablish(host: StubHost): { atUs: number; establishedUs: number }[] {
  const establishedAt = new Map<number, number>();
  const out: { atUs: number; establishedUs: number }[] = [];
  for (const s of host.sent) {
    if (s.establish) {
      // the lease is valid from the reply's completion time, known to the test from the stub
      establishedAt.set(s.droplet, s.atUs + 2 * LATENCY + ESTABLISH_US);
    } else if (establishedAt.has(s.droplet)) {
      out.push({ atUs: s.atUs, establishedUs: establishedAt.get(s.droplet) as number });
      establishedAt.delete(s.droplet);
    }
  }
  return out;
}

test('with a 1 s tick every renewal leaves on a whole second, and a fresh lease renews at the first tick at or after completion + R', () => {
  const host = run(S);
  const renewals = host.sent.filter((s) => !s.establish);
  assert.ok(renewals.length >= 400, `every droplet renews at least twice before its lease lapses (${renewals.length})`);
  for (const r of renewals) assert.equal(r.atUs % S, 0, `a renewal at ${r.atUs} µs is off the tick`);
  const after = renewalsAfterEstablish(host);
  assert.ok(after.length >= 100, `leases come back and renew (${after.length})`);
  for (const { atUs, establishedUs } of after) {
    assert.equal(establishedUs % S === 0, false, 'the establishments themselves are not on the tick');
    assert.equal(atUs, Math.ceil((establishedUs + R) / S) * S);
  }
  // the renewals of one second leave together: 200 droplets' phases fall on at most 300 seconds
  const firstRound = new Set(renewals.filter((r) => r.atUs < R).map((r) => r.atUs));
  assert.ok(firstRound.size <= 300);
});

test('with the lease-storm grid (1 µs) renewals keep their own µs', () => {
  const host = run(1);
  const renewals = host.sent.filter((s) => !s.establish);
  assert.ok(renewals.some((r) => r.atUs % S !== 0), 'phases are drawn to the µs');
  for (const { atUs, establishedUs } of renewalsAfterEstablish(host)) assert.equal(atUs, establishedUs + R);
});
