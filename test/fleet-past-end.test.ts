// A FIFO host whose server is booked past the run's end and past a message's deadlines books the
// rest of that message at once (a collapsed host's retries). It must leave the host exactly where
// booking the items one by one does: a restart scheduled after the run's end never happens, but it
// keeps the host on the item-by-item path, so the two runs can be compared.
import type { Actor, Context, Message } from '@cascade/kernel';
import type { EnqueueMsg, HostReport } from '@cascade/fleet';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S, runFifoHost, testHostParams } from './fleet-fixture.js';

const LATENCY = 100_000;
const END = 60 * S;

interface Send {
  readonly atUs: number;
  readonly items: number[];
}

class Driver implements Actor<Message, EnqueueMsg> {
  constructor(
    private readonly host: () => number,
    private readonly sends: readonly Send[],
  ) {}

  init(ctx: Context<Message, EnqueueMsg>): void {
    for (const s of this.sends) ctx.sendAfter(s.atUs, this.host(), { kind: 'enqueue', shard: 0, first: false, items: s.items });
  }

  receive(msg: Message): void {
    throw new Error(`the driver takes no messages, got ${msg.kind}`);
  }
}

class Sink implements Actor {
  init(): void {}
  receive(): void {}
}

function hostRun(sends: readonly Send[], restartAtUs: number[]): HostReport {
  const params = testHostParams({
    renewCostUs: 200_000,
    establishCostUs: 700_000,
    attemptTimeoutUs: 5 * S,
    queue: 'fifo',
    throttleRatePerS: 0,
    restartAtUs,
    endUs: END,
    sampleIntervalUs: 10 * S,
  });
  return runFifoHost(params, LATENCY, (host) => new Driver(host, sends), new Sink());
}

test('a message booked past the run\'s end at once leaves a FIFO host where booking it item by item does', () => {
  // items: droplet code * 2 + 1 for an establish attempt, * 2 for a renewal (two costs, in runs)
  const send = fc.record({
    atUs: fc.integer({ min: 0, max: 58 * S }),
    items: fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 120 }),
  });
  fc.assert(
    fc.property(fc.array(send, { minLength: 1, maxLength: 20 }), (drawn) => {
      // a last enqueue makes the host check that every item is accounted for
      const sends = [...drawn, { atUs: 59 * S, items: [1] }];
      const atOnce = hostRun(sends, []);
      const oneByOne = hostRun(sends, [1000 * END]);
      assert.deepEqual({ ...atOnce, waitingByBucket: Array.from(atOnce.waitingByBucket) }, { ...oneByOne, waitingByBucket: Array.from(oneByOne.waitingByBucket) });
    }),
    {
      numRuns: 100,
      // 200 attempts at 1 s (140 s of work): all but the first few are booked past the end at once
      examples: [[[{ atUs: S, items: Array.from({ length: 200 }, (_, i) => i * 2 + 1) }]]],
    },
  );
});

test('the comparison sees the queue: a host booked past the end reports the items still waiting there', () => {
  // 200 attempts at 1 s, 0.7 s each: at 10 s about 187 of them still wait
  const report = hostRun([{ atUs: S, items: Array.from({ length: 200 }, (_, i) => i * 2 + 1) }], []);
  assert.ok((report.waitingByBucket[1] as number) > 150, `waiting at 10 s: ${report.waitingByBucket[1]}`);
  assert.equal(report.enqueued, 200);
});
