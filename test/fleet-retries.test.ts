// A shard's retries (lease-storm rule 6 and rule 10): backoff n counts the retries of the current
// lapse and starts again at the next one, whatever the previous lapse took.
import type { Actor, Context } from '@cascade/kernel';
import { Fate, type EnqueueMsg, type FatesMsg } from '@cascade/fleet';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S, runShard, testShardParams } from './fleet-fixture.js';

const LATENCY = S;
const TIMEOUT = 30 * S;
/** Attempts of each lapse the stand-in host lets time out before it completes one. */
const IGNORED = 3;

/** Ignores renewals (so leases lapse) and the first IGNORED attempts of every lapse; completes the next. */
class StubHost implements Actor<EnqueueMsg, FatesMsg> {
  /** Per droplet, the send time of each establish attempt. */
  readonly attempts = new Map<number, number[]>();

  constructor(private readonly shardId: () => number) {}

  init(): void {}

  receive(msg: EnqueueMsg, ctx: Context<EnqueueMsg, FatesMsg>): void {
    assert.equal(msg.aheadUs, undefined, 'every attempt leaves at its own instant');
    const done: number[] = [];
    for (const code of msg.items) {
      if ((code & 1) === 0) continue;
      const sent = this.attempts.get(code >> 1) ?? [];
      sent.push(ctx.now - LATENCY);
      this.attempts.set(code >> 1, sent);
      if (sent.length % (IGNORED + 1) === 0) done.push(code);
    }
    if (done.length === 0) return;
    ctx.send(this.shardId(), { kind: 'fates', items: done, fates: done.map(() => Fate.ok), timesUs: done.map(() => ctx.now), enqueuedUs: done.map(() => ctx.now), sentAtUs: ctx.now });
  }
}

test('exponential backoff starts again at 1 s in every lapse: the gaps between attempts are A + 1 s, A + 2 s, A + 4 s each time', () => {
  const endUs = 3_200 * S;
  let host: StubHost | undefined;
  runShard(3, endUs, LATENCY, (shard) => (host = new StubHost(shard)), (hostId) => ({
    ...testShardParams({ droplets: 20, hostId, renewTickUs: S, aheadTickUs: 1, attemptTimeoutUs: TIMEOUT, endUs, minThrottledRetryUs: S, throttledRetryJitter: false }),
    backoff: { kind: 'exponential', baseUs: S, capUs: 300 * S },
  }));
  assert.ok(host !== undefined);
  assert.equal(host.attempts.size, 20);
  for (const [droplet, sent] of host.attempts) {
    const lapses = Math.floor(sent.length / (IGNORED + 1));
    assert.ok(lapses >= 2, `droplet ${droplet} lapsed and came back at least twice (${lapses})`);
    for (let l = 0; l < lapses; l++) {
      const lapse = sent.slice(l * (IGNORED + 1), (l + 1) * (IGNORED + 1));
      const gaps = lapse.slice(1).map((t, i) => t - (lapse[i] as number));
      assert.deepEqual(gaps, [TIMEOUT + S, TIMEOUT + 2 * S, TIMEOUT + 4 * S], `droplet ${droplet}, lapse ${l + 1}`);
    }
  }
});
