// A FIFO host books each item's outcome when it is enqueued. A restart announced later must leave
// the host exactly where a restart known from t = 0 would: the same items served, discarded,
// dropped, the same busy time and the same throughput per interval.
import type { Actor, Context, Message } from '@cascade/kernel';
import type { EnqueueMsg, HostReport, RestartAtMsg } from '@cascade/fleet';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S, runFifoHost, testHostParams } from './fleet-fixture.js';

const LATENCY = 100_000;
/** The host's deadline budget; the restart is announced at least this long ahead, as the operator does. */
const TIMEOUT = 5 * S;

interface Send {
  readonly atUs: number;
  readonly items: number[];
}

/** Sends the enqueues (and maybe a restart announcement) at their times. */
class Driver implements Actor<Message, EnqueueMsg | RestartAtMsg> {
  constructor(
    private readonly host: () => number,
    private readonly sends: readonly Send[],
    private readonly announce: { readonly atUs: number; readonly restartUs: number } | null,
  ) {}

  init(ctx: Context<Message, EnqueueMsg | RestartAtMsg>): void {
    for (const s of this.sends) ctx.sendAfter(s.atUs, this.host(), { kind: 'enqueue', shard: 0, first: false, items: s.items });
    if (this.announce !== null) {
      const { atUs, restartUs } = this.announce;
      ctx.sendAfter(atUs, this.host(), { kind: 'restart-at', afterUs: restartUs - atUs - LATENCY });
    }
  }

  receive(msg: Message): void {
    throw new Error(`the driver takes no messages, got ${msg.kind}`);
  }
}

/** Takes the host's fates. */
class Sink implements Actor {
  init(): void {}
  receive(): void {}
}

function hostRun(queue: 'fifo' | 'drop-expired', sends: readonly Send[], restartUs: number, announceAtUs: number | null): HostReport {
  const params = testHostParams({
    renewCostUs: 200_000,
    establishCostUs: 700_000,
    attemptTimeoutUs: TIMEOUT,
    queue,
    throttleRatePerS: 0,
    restartAtUs: announceAtUs === null ? [restartUs] : [],
    endUs: 60 * S,
    sampleIntervalUs: 10 * S,
  });
  const announce = announceAtUs === null ? null : { atUs: announceAtUs, restartUs };
  return runFifoHost(params, LATENCY, (host) => new Driver(host, sends, announce), new Sink());
}

const comparable = (r: HostReport) => ({
  served: r.served,
  discarded: r.discarded,
  restartsDropped: r.restartsDropped,
  busyUs: r.busyUs,
  wastedUs: r.wastedUs,
  servedByBucket: Array.from(r.servedByBucket),
  usefulByBucket: Array.from(r.usefulByBucket),
  busyByBucket: Array.from(r.busyByBucket),
  wastedByBucket: Array.from(r.wastedByBucket),
});

test('a restart announced after items were booked leaves a FIFO host where the same restart known from t = 0 would', () => {
  // items: droplet code * 2 + 1 for an establish attempt, * 2 for a renewal
  const send = fc.record({
    atUs: fc.integer({ min: 0, max: 55 * S }),
    items: fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 40 }),
  });
  fc.assert(
    fc.property(
      fc.constantFrom('fifo' as const, 'drop-expired' as const),
      fc.array(send, { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 10 * S, max: 70 * S }),
      fc.integer({ min: 0, max: 4 * S }),
      (queue, drawn, restartUs, early) => {
        // announced at least the host's deadline ahead (plus the message's own latency); a last
        // enqueue makes the host check that every item is accounted for after the restart
        const announceAtUs = Math.max(0, restartUs - TIMEOUT - LATENCY - 1 - early);
        const sends = [...drawn, { atUs: 59 * S, items: [1] }];
        const known = comparable(hostRun(queue, sends, restartUs, null));
        const announced = comparable(hostRun(queue, sends, restartUs, announceAtUs));
        assert.deepEqual(announced, known);
      },
    ),
    {
      numRuns: 150,
      // 10 attempts reach the server from 1 s, 0.7 s each; from 6.6 s they are past their deadline
      // (6 s) and drop-expired discards them there, exactly when the restart comes
      // 100 attempts at 1 s: 70 s of work, so a restart at 30 s also drops items past the run's end
      examples: [
        ['drop-expired', [{ atUs: S - LATENCY, items: Array.from({ length: 10 }, (_, i) => i * 2 + 1) }], 6_600_000, 0],
        ['fifo', [{ atUs: S, items: Array.from({ length: 100 }, (_, i) => i * 2 + 1) }], 30 * S, 0],
      ],
    },
  );
});

test('the comparison sees a restart: a host that never restarts serves more than one that does', () => {
  // a queue of 40 establish attempts (28 s of work) at t = 1 s, a restart at 15 s
  const sends = [{ atUs: S, items: Array.from({ length: 40 }, (_, i) => i * 2 + 1) }];
  const restarted = hostRun('fifo', sends, 15 * S, 5 * S);
  const never = hostRun('fifo', sends, 100 * S, null);
  assert.ok(restarted.served < never.served, `${restarted.served} < ${never.served}`);
  assert.equal(restarted.served + restarted.restartsDropped, never.served);
});

test('a restart announced before a completion the host already promised on time is refused, naming both times', () => {
  // a renewal enqueued at 1.1 s completes on time at 1.3 s; a restart at 1.25 s announced at 1 s would take it back
  assert.throws(() => hostRun('fifo', [{ atUs: S, items: [0] }], 1_250_000, 1_000_000), /a restart at 1250000µs cancels a completion already promised on time \(at 1300000µs\)/);
  // the same restart after that completion is fine
  assert.doesNotThrow(() => hostRun('fifo', [{ atUs: S, items: [0] }], 1_350_000, 1_000_000));
});
