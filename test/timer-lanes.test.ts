// A shard's timers (lanes, wheel of ticks, radix heap) against a plain list: whatever the mix of
// pushes, every take returns exactly the timers due at the earliest time, and in push order when
// it says the batch is not mixed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimerLanes } from '../packages/fleet/src/timer-lanes.js';

const TICK = 1000;

type Op = { kind: 'push'; lane: number; offsetUs: number; item: number } | { kind: 'many'; lane: number; offsetUs: number; items: number[] } | { kind: 'take' };

// offsets on the tick (the wheel's), off it, at the wheel's edge (256 ticks) and past it
const offset = fc.oneof(
  fc.integer({ min: 0, max: 300 }).map((k) => k * TICK),
  fc.integer({ min: 254, max: 258 }).map((k) => k * TICK),
  fc.integer({ min: 0, max: 300 * TICK }),
  fc.constant(0),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), lane: fc.integer({ min: -1, max: 2 }), offsetUs: offset, item: fc.integer({ min: 0, max: 99 }) }),
  fc.record({ kind: fc.constant('many' as const), lane: fc.integer({ min: -1, max: 2 }), offsetUs: offset, items: fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 5 }) }),
  fc.constant({ kind: 'take' as const }),
);

function check(tickUs: number, ops: Op[]): void {
  const timers = new TimerLanes(3, 4, tickUs);
  let pending: { timeUs: number; item: number; lane: number }[] = [];
  let now = 0;
  let useRun = false;
  const take = (): void => {
    const earliest = pending.reduce((m, p) => Math.min(m, p.timeUs), Infinity);
    assert.equal(timers.peekUs(), earliest);
    if (earliest === Infinity) return;
    now = earliest;
    const dueTimers = pending.filter((p) => p.timeUs === earliest);
    const due = dueTimers.map((p) => p.item);
    pending = pending.filter((p) => p.timeUs !== earliest);
    // every other take reads a lone lane run where it lies, as a shard does with its deadlines
    useRun = !useRun;
    for (let lane = 0; useRun && lane < 3; lane++) {
      const k = timers.soleRun(lane, earliest);
      if (k === 0) continue;
      const got = Array.from({ length: k }, (_, i) => timers.runItems[(timers.runFrom + i) & timers.runMask] as number);
      assert.deepEqual(got, due, `lane ${lane}'s run at ${earliest}`);
      timers.skipRun(lane);
      return;
    }
    const n = timers.takeEarliest(earliest);
    const got = Array.from(timers.batch.subarray(0, n));
    if (timers.mixed) assert.deepEqual([...got].sort((a, b) => a - b), [...due].sort((a, b) => a - b));
    else {
      assert.deepEqual(got, due);
      // timers pushed one by one outside the lanes come from different pushes: never one run
      assert.ok(due.length <= 1 || dueTimers.every((p) => p.lane >= 0 && p.lane === dueTimers[0]?.lane), 'a batch from several pushes outside one lane is mixed');
    }
  };
  for (const o of ops) {
    if (o.kind === 'take') take();
    else if (o.kind === 'push') {
      timers.push(o.lane, now + o.offsetUs, o.item);
      pending.push({ timeUs: now + o.offsetUs, item: o.item, lane: o.lane });
    } else {
      timers.pushMany(o.lane, now + o.offsetUs, Int32Array.from(o.items), o.items.length);
      for (const item of o.items) pending.push({ timeUs: now + o.offsetUs, item, lane: o.lane });
    }
  }
  while (pending.length > 0) take();
  assert.equal(timers.peekUs(), Infinity);
}

test('timers on lanes, the wheel of ticks and the heap come out at their times, all of them, in push order unless mixed', () => {
  fc.assert(
    fc.property(fc.constantFrom(1, TICK), fc.array(op, { maxLength: 200 }), (tickUs, ops) => check(tickUs, ops)),
    { numRuns: 400 },
  );
});

test('a tick holding more timers than its first array grows, and a tick reused after a lap of the wheel starts empty', () => {
  const ops: Op[] = [];
  for (let i = 0; i < 40; i++) ops.push({ kind: 'push', lane: -1, offsetUs: 5 * TICK, item: i });
  ops.push({ kind: 'take' });
  // the last tick the wheel can hold beside the earliest, and the first it cannot
  ops.push({ kind: 'push', lane: -1, offsetUs: 1 * TICK, item: 1 }, { kind: 'push', lane: -1, offsetUs: 256 * TICK, item: 2 }, { kind: 'push', lane: -1, offsetUs: 257 * TICK, item: 3 });
  ops.push({ kind: 'take' }, { kind: 'take' }, { kind: 'take' });
  // 256 ticks later the same slot of the wheel comes round again
  for (let i = 0; i < 3; i++) ops.push({ kind: 'push', lane: -1, offsetUs: 256 * TICK, item: 50 + i }, { kind: 'take' });
  check(TICK, ops);
});

type FilterOp = Op | { kind: 'kill'; item: number } | { kind: 'revive'; item: number };

/** A lane filtered by live bits: a timer there of an item killed since its push may be dropped; every other timer comes out at its time. */
function checkFiltered(tickUs: number, ops: FilterOp[]): void {
  const timers = new TimerLanes(3, 4, tickUs);
  const live = new Int32Array(4).fill(-1);
  timers.filterLane(0, live);
  let pending: { timeUs: number; item: number; droppable: boolean }[] = [];
  let now = 0;
  const take = (): void => {
    const kept = pending.filter((p) => !p.droppable);
    const mustUs = kept.reduce((m, p) => Math.min(m, p.timeUs), Infinity);
    const peek = timers.peekUs();
    assert.ok(peek <= mustUs, `the earliest timer that must come out is at ${mustUs}, peek says ${peek}`);
    if (peek === Infinity) return;
    assert.ok(pending.some((p) => p.timeUs === peek), `peek says ${peek}, where no timer is pending`);
    now = peek;
    // a lone run of the filtered lane is read where it lies, its stale timers skipped by their bits
    const k = timers.soleRun(0, peek);
    const isLive = (item: number): boolean => ((live[item >> 5] as number) & (1 << (item & 31))) !== 0;
    const taken = k > 0 ? Array.from({ length: k }, (_, i) => timers.runItems[(timers.runFrom + i) & timers.runMask] as number).filter(isLive) : [];
    if (k > 0) timers.skipRun(0);
    const n = k > 0 ? 0 : timers.takeEarliest(peek);
    const got = (k > 0 ? taken : Array.from(timers.batch.subarray(0, n))).sort((a, b) => a - b);
    const must = kept.filter((p) => p.timeUs === peek).map((p) => p.item);
    const may = pending.filter((p) => p.timeUs === peek).map((p) => p.item);
    for (const item of must) assert.ok(got.includes(item), `timer of ${item} at ${peek} lost`);
    for (const item of got) assert.ok(may.includes(item), `timer of ${item} at ${peek} was never pushed`);
    pending = pending.filter((p) => p.timeUs !== peek);
  };
  for (const o of ops) {
    if (o.kind === 'take') take();
    else if (o.kind === 'kill') {
      live[o.item >> 5] = (live[o.item >> 5] as number) & ~(1 << (o.item & 31));
      for (const p of pending) if (p.item === o.item) p.droppable = true;
    } else if (o.kind === 'revive') {
      live[o.item >> 5] = (live[o.item >> 5] as number) | (1 << (o.item & 31));
    } else {
      const items = o.kind === 'push' ? [o.item] : o.items;
      if (o.kind === 'push') timers.push(o.lane, now + o.offsetUs, o.item);
      else timers.pushMany(o.lane, now + o.offsetUs, Int32Array.from(o.items), o.items.length);
      // a timer pushed while its item is dead is never promised (the shard never does that)
      const dead = (item: number): boolean => ((live[item >> 5] as number) & (1 << (item & 31))) === 0;
      for (const item of items) pending.push({ timeUs: now + o.offsetUs, item, droppable: o.lane === 0 && dead(item) });
    }
  }
  while (timers.peekUs() !== Infinity) take();
  assert.ok(pending.every((p) => p.droppable), 'timers that must come out are left');
}

test('a filtered lane drops the timers of items whose live bit is clear, and only those', () => {
  const item = fc.integer({ min: 0, max: 99 });
  const filterOp: fc.Arbitrary<FilterOp> = fc.oneof(op, fc.record({ kind: fc.constant('kill' as const), item }), fc.record({ kind: fc.constant('revive' as const), item }));
  fc.assert(
    fc.property(fc.constantFrom(1, TICK), fc.array(filterOp, { maxLength: 200 }), (tickUs, ops) => checkFiltered(tickUs, ops)),
    { numRuns: 400 },
  );
});
