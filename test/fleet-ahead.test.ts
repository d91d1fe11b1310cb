// Attempts sent ahead on the tick. A shard hands its host, once per tick, the attempts its droplets'
// own timers send during that tick, each with its own send time; a FIFO host books each at its own
// arrival. Neither side may move an attempt off its µs: the shard sends the same attempts at the
// same times as a shard sending each at its instant, and the host gives the same fates, counts and
// series as a host receiving each item in a message of its own.
import type { Actor, Context, Message } from '@cascade/kernel';
import { Fate, type EnqueueMsg, type FatesMsg, type HostReport } from '@cascade/fleet';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S, runFifoHost, runShard, testHostParams, testShardParams } from './fleet-fixture.js';

const LATENCY = S;

interface Attempt {
  readonly droplet: number;
  readonly sentUs: number;
}

/** Throttles every establish attempt at its arrival and ignores renewals (so leases lapse and droplets retry). */
class ThrottlingHost implements Actor<EnqueueMsg, FatesMsg> {
  readonly attempts: Attempt[] = [];
  /** Send times of the messages that carried items sent ahead. */
  readonly aheadMessagesUs: number[] = [];
  messages = 0;

  constructor(
    private readonly shardId: () => number,
    private readonly endUs: number,
  ) {}

  init(): void {}

  receive(msg: EnqueueMsg, ctx: Context<EnqueueMsg, FatesMsg>): void {
    this.messages++;
    if (msg.aheadUs !== undefined) this.aheadMessagesUs.push(ctx.now - LATENCY);
    const items: number[] = [];
    const arrivals: number[] = [];
    msg.items.forEach((code, i) => {
      if ((code & 1) === 0) return;
      const arrival = ctx.now + (msg.aheadUs?.[i] ?? 0);
      // like a DWFM host: an item sent ahead that would arrive after the run's end never arrives
      if (arrival > this.endUs) return;
      this.attempts.push({ droplet: code >> 1, sentUs: arrival - LATENCY });
      items.push(code);
      arrivals.push(arrival);
    });
    if (items.length === 0) return;
    ctx.send(this.shardId(), { kind: 'fates', items, fates: items.map(() => Fate.throttled), timesUs: arrivals, enqueuedUs: arrivals, sentAtUs: ctx.now });
  }
}

function shardRun(aheadTickUs: number, wakesUs: number[] = []): ThrottlingHost {
  const endUs = 3_000 * S;
  let host: ThrottlingHost | undefined;
  runShard(
    11,
    endUs,
    LATENCY,
    (shard) => (host = new ThrottlingHost(shard, endUs)),
    (hostId) => testShardParams({ droplets: 300, hostId, renewTickUs: S, aheadTickUs, attemptTimeoutUs: 30 * S, endUs, minThrottledRetryUs: 60 * S, throttledRetryJitter: true }),
    (shard) => {
      const wake = shard.wake.bind(shard);
      shard.wake = (ctx) => {
        wakesUs.push(ctx.now);
        wake(ctx);
      };
    },
  );
  assert.ok(host !== undefined);
  return host;
}

test('a shard sending ahead on a 1 s tick sends the same attempts at the same µs as one sending each at its instant, in fewer messages', () => {
  const exact = shardRun(1);
  const ahead = shardRun(S);
  // every droplet lapses, is throttled and retries after 60-120 s, many times over
  assert.ok(exact.attempts.length >= 3_000, `${exact.attempts.length} attempts`);
  assert.ok(
    exact.attempts.some((a) => a.sentUs % S !== 0),
    'throttled retries are jittered to the µs',
  );
  const byTime = (a: Attempt, b: Attempt) => a.sentUs - b.sentUs || a.droplet - b.droplet;
  assert.deepEqual([...ahead.attempts].sort(byTime), [...exact.attempts].sort(byTime));
  assert.equal(exact.aheadMessagesUs.length, 0);
  assert.ok(ahead.aheadMessagesUs.length > 0);
  for (const t of ahead.aheadMessagesUs) assert.equal(t % S, 0, `items sent ahead left at ${t} µs, off the tick`);
  assert.ok(ahead.messages * 2 < exact.messages, `${ahead.messages} messages sent ahead against ${exact.messages}`);
});

interface Fates {
  readonly item: number;
  readonly fate: number;
  readonly timeUs: number;
  readonly enqueuedUs: number;
}

/** Keeps the host's fates. */
class FateSink implements Actor<FatesMsg> {
  readonly fates: Fates[] = [];
  init(): void {}
  receive(msg: FatesMsg): void {
    msg.items.forEach((item, i) => this.fates.push({ item, fate: msg.fates[i] as number, timeUs: msg.timesUs[i] as number, enqueuedUs: msg.enqueuedUs[i] as number }));
  }
}

/** One item: its code (droplet * 2 + 1 for an establish attempt) and when it is sent. */
interface Item {
  readonly code: number;
  readonly sentUs: number;
}

/** Sends items in one message per tick (ahead) or each in its own message at its time. */
class Sender implements Actor<Message, EnqueueMsg> {
  constructor(
    private readonly host: () => number,
    private readonly items: readonly Item[],
    private readonly ahead: boolean,
  ) {}

  init(ctx: Context<Message, EnqueueMsg>): void {
    if (!this.ahead) {
      for (const item of this.items) ctx.sendAfter(item.sentUs, this.host(), { kind: 'enqueue', shard: 0, first: false, items: [item.code] });
      return;
    }
    const byTick = new Map<number, Item[]>();
    for (const item of this.items) {
      const tick = item.sentUs - (item.sentUs % S);
      byTick.set(tick, [...(byTick.get(tick) ?? []), item]);
    }
    for (const [tick, items] of byTick) {
      ctx.sendAfter(tick, this.host(), { kind: 'enqueue', shard: 0, first: false, items: items.map((i) => i.code), aheadUs: items.map((i) => i.sentUs - tick) });
    }
  }

  receive(msg: Message): void {
    throw new Error(`the sender takes no messages, got ${msg.kind}`);
  }
}

function hostRun(queue: 'fifo' | 'drop-expired', ratePerS: number, items: readonly Item[], ahead: boolean): { report: HostReport; fates: Fates[] } {
  const params = testHostParams({
    renewCostUs: 20_000,
    establishCostUs: 450_000,
    attemptTimeoutUs: 3 * S,
    queue,
    throttleRatePerS: ratePerS,
    restartAtUs: [25 * S],
    endUs: 40 * S,
    sampleIntervalUs: 5 * S,
  });
  const sink = new FateSink();
  const report = runFifoHost(params, LATENCY, (host) => new Sender(host, items, ahead), sink as Actor);
  return { report, fates: sink.fates };
}

const comparable = (r: HostReport) => ({
  enqueued: r.enqueued,
  served: r.served,
  discarded: r.discarded,
  throttled: r.throttled,
  restartsDropped: r.restartsDropped,
  queuePeak: r.queuePeak,
  busyUs: r.busyUs,
  wastedUs: r.wastedUs,
  servedByBucket: Array.from(r.servedByBucket),
  usefulByBucket: Array.from(r.usefulByBucket),
  busyByBucket: Array.from(r.busyByBucket),
  waitingByBucket: Array.from(r.waitingByBucket),
});

test('a FIFO host books items sent ahead at their own arrival: the same fates, counts and series as items sent one by one', () => {
  // distinct send times (a shard sends one droplet's attempt at a time), across a restart at 25 s
  const items = fc.uniqueArray(fc.integer({ min: 0, max: 35 * S }), { minLength: 1, maxLength: 60 }).chain((times) =>
    fc.tuple(...times.map((sentUs) => fc.integer({ min: 0, max: 499 }).map((d): Item => ({ code: d * 2 + (sentUs % 3 === 0 ? 0 : 1), sentUs })))),
  );
  fc.assert(
    fc.property(fc.constantFrom('fifo' as const, 'drop-expired' as const), fc.constantFrom(0, 0.5, 2), items, (queue, ratePerS, drawn) => {
      const sorted = [...drawn].sort((a, b) => a.sentUs - b.sentUs);
      const one = hostRun(queue, ratePerS, sorted, false);
      const ahead = hostRun(queue, ratePerS, sorted, true);
      assert.deepEqual(comparable(ahead.report), comparable(one.report));
      const byItem = (a: Fates, b: Fates) => a.enqueuedUs - b.enqueuedUs || a.item - b.item;
      assert.deepEqual([...ahead.fates].sort(byItem), [...one.fates].sort(byItem));
    }),
    { numRuns: 120 },
  );
});

test('a shard does not wake for the deadlines of attempts whose fate came back long before', () => {
  // every attempt is throttled at its arrival, so every deadline (send + 30 s, to the µs) is stale
  const wakesUs: number[] = [];
  const ahead = shardRun(S, wakesUs);
  const offTick = wakesUs.filter((t) => t % S !== 0).length;
  assert.ok(ahead.attempts.length >= 3_000, `${ahead.attempts.length} attempts`);
  // a shard waking for each deadline would wake about once per attempt off the tick
  assert.ok(offTick * 2 < ahead.attempts.length, `${offTick} wakes off the tick for ${ahead.attempts.length} stale deadlines`);
});
