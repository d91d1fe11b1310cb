// The kernel's ordering, random streams and digests.
import { EventQueue, ModelAssembly, Rng, packK1, placeActors, runSingle } from '@cascade/kernel';
import { pholdScenario, resolveConfig } from '@cascade/scenarios';
import fc from 'fast-check';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import assert from 'node:assert/strict';
import { test } from 'node:test';

type Op = { push: [number, number, number, number] } | { pop: true };

test('the event queue pops in (time, priority, sender, sequence) order whatever the insertion order', () => {
  const op = fc.oneof(
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1e6 }))
        .map((push): Op => ({ push })),
      weight: 3,
    },
    { arbitrary: fc.constant<Op>({ pop: true }), weight: 2 },
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const queue = new EventQueue<number>(16);
      const model: [number, number, number, number][] = [];
      const cmp = (a: [number, number, number, number], b: [number, number, number, number]) =>
        a[0] - b[0] || packK1(a[1], a[2]) - packK1(b[1], b[2]) || a[3] - b[3];
      const seen = new Set<string>();
      for (const o of ops) {
        if ('push' in o) {
          const [t, prio, sender, seq] = o.push;
          const id = `${prio}/${sender}/${seq}`;
          if (seen.has(id)) continue; // keys are unique by construction in the kernel
          seen.add(id);
          queue.push(t, packK1(prio, sender), seq, sender, model.length);
          model.push(o.push);
        } else if (queue.size > 0) {
          const expected = [...model].sort(cmp)[0] as [number, number, number, number];
          queue.pop();
          assert.deepEqual([queue.poppedTime, queue.poppedK1, queue.poppedK2], [expected[0], packK1(expected[1], expected[2]), expected[3]]);
          model.splice(model.indexOf(expected), 1);
        }
      }
      assert.equal(queue.size, model.length);
    }),
  );
});

test('the event queue keeps that order across its ring rebuilds: thousands of events, wide spreads, outliers and pushes before the near end', () => {
  // times grow with the last popped time, as in a simulation, with clusters, ties and far outliers
  const delay = fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 10 }), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 100_000 }), weight: 5 },
    { arbitrary: fc.integer({ min: 0, max: 2 ** 40 }), weight: 1 },
  );
  const step = fc.record({ pushes: fc.array(fc.tuple(delay, fc.integer({ min: 0, max: 2 })), { maxLength: 6 }), pops: fc.integer({ min: 0, max: 5 }) });
  fc.assert(
    fc.property(fc.array(fc.tuple(delay, fc.integer({ min: 0, max: 2 })), { minLength: 100, maxLength: 3000 }), fc.array(step, { maxLength: 3000 }), (start, steps) => {
      const queue = new EventQueue<number>(16);
      const pending: [number, number, number][] = [];
      let seq = 0;
      let now = 0;
      const push = ([d, prio]: [number, number]) => {
        const key = packK1(prio, seq % 7);
        queue.push(now + d, key, seq, seq % 7, seq);
        pending.push([now + d, key, seq++]);
      };
      const cmp = (a: [number, number, number], b: [number, number, number]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
      const popAndCheck = () => {
        pending.sort(cmp);
        const expected = pending.shift() as [number, number, number];
        assert.equal(queue.peekTime(), expected[0]);
        const payload = queue.pop();
        assert.deepEqual([queue.poppedTime, queue.poppedK1, queue.poppedK2, payload], [...expected, expected[2]]);
        now = expected[0];
      };
      start.forEach(push);
      for (const { pushes, pops } of steps) {
        pushes.forEach(push);
        for (let i = 0; i < pops && pending.length > 0; i++) popAndCheck();
      }
      assert.equal(queue.size, pending.length);
      assert.deepEqual([...queue.entries()].map(([t, k1, k2]): [number, number, number] => [t, k1, k2]).sort(cmp), [...pending].sort(cmp));
      while (pending.length > 0) popAndCheck();
      assert.equal(queue.peekTime(), Infinity);
    }),
    { numRuns: 60 },
  );
});

test('the event queue shows each bucket\'s targets to its warm hook once, before any of them pops', () => {
  const rng = Rng.forStream(7, 0);
  const warmed = new Set<number>();
  let calls = 0;
  const queue = new EventQueue<number>(16, (targets, count) => {
    calls++;
    for (let i = 0; i < count; i++) {
      const target = targets[i] as number;
      assert.ok(!warmed.has(target), `target ${target} warmed twice`);
      warmed.add(target);
    }
  });
  const events = 5000;
  for (let target = 0; target < events; target++) queue.push(rng.int(1_000_000), packK1(1, 0), target, target, target);
  while (queue.size > 0) {
    queue.pop();
    assert.ok(warmed.has(queue.poppedTarget), `target ${queue.poppedTarget} popped before it was warmed`);
  }
  assert.equal(warmed.size, events);
  assert.ok(calls > events / 100, `${calls} buckets for ${events} events`);
});

test('the event queue keeps that order when a short queue grows past its heap into the ring', () => {
  fc.assert(
    fc.property(fc.integer({ min: 17_000, max: 40_000 }), fc.integer({ min: 1, max: 2 ** 30 }), (count, spreadUs) => {
      const queue = new EventQueue<number>(16);
      const rng = Rng.forStream(count, spreadUs);
      const events: [number, number, number][] = [];
      const push = (t: number) => {
        const seq = events.length;
        queue.push(t, packK1(seq % 3, 5), seq, 0, seq);
        events.push([t, packK1(seq % 3, 5), seq]);
      };
      const cmp = (a: [number, number, number], b: [number, number, number]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
      for (let i = 0; i < 100; i++) push(rng.int(spreadUs));
      queue.pop(); // the queue is now a heap of 99 events
      assert.deepEqual([queue.poppedTime, queue.poppedK1, queue.poppedK2], [...events].sort(cmp)[0]);
      const firstSeq = queue.poppedK2;
      // later pushes may tie with the popped time and sort before it: they come out next
      for (let i = 0; i < count; i++) push(queue.poppedTime + rng.int(spreadUs));
      const expected = events.filter((e) => e[2] !== firstSeq).sort(cmp);
      for (const e of expected) {
        queue.pop();
        assert.deepEqual([queue.poppedTime, queue.poppedK1, queue.poppedK2], e);
      }
      assert.equal(queue.size, 0);
    }),
    { numRuns: 10 },
  );
});

test('the event queue sorts buckets that fill up after their ring is laid exactly: spread, bunched and tied times', () => {
  const rng = Rng.forStream(7, 12);
  const cases: [string, () => number][] = [
    // spread: a key or two per bin of the distribution (PHOLD's buckets)
    ['spread times', () => rng.int(2 ** 20)],
    // bunched: most events within a few microseconds of 16 instants, so bins overflow
    ['bunched times', () => (rng.random() < 0.8 ? rng.int(16) * 65_536 + rng.int(4) : rng.int(2 ** 20))],
    // tied: spread instants, each shared by several events ordered by (k1, k2)
    ['tied times', () => rng.int(4096) * 256],
  ];
  for (const [label, timeOf] of cases) {
    const queue = new EventQueue<number>(16);
    const events: [number, number, number][] = [];
    const push = (t: number) => {
      const k1 = packK1(rng.int(3), rng.int(50));
      queue.push(t, k1, events.length, 0, events.length);
      events.push([t, k1, events.length]);
    };
    // the ring is laid for 2,000 events, then ten times as many land in its buckets
    for (let i = 0; i < 2000; i++) push(timeOf());
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    const first = events.shift() as [number, number, number];
    assert.equal(queue.pop(), first[2], label);
    for (let i = 0; i < 20_000; i++) push(Math.max(first[0], timeOf()));
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    for (const [t, k1, k2] of events) {
      assert.equal(queue.pop(), k2, label);
      assert.deepEqual([queue.poppedTime, queue.poppedK1, queue.poppedK2], [t, k1, k2], label);
    }
  }
});

test('the event queue sorts a drained bucket exactly when hundreds of events share a time, and when its times are too far apart to pack into sort keys', () => {
  const rng = Rng.forStream(7, 11);
  const cases: [string, (i: number) => number][] = [
    // 20 distinct times, about 1,000 events at each: ties ordered by (k1, k2), in groups too long for insertion
    ['shared times', () => rng.int(20) * 1000],
    // 8 distinct times 2^49 µs apart: a bucket's offsets times its entry count pass 2^52
    ['far-apart times', () => rng.int(8) * 2 ** 49],
  ];
  for (const [label, timeOf] of cases) {
    const queue = new EventQueue<number>(16);
    const events: [number, number, number][] = [];
    for (let i = 0; i < 20_000; i++) {
      const t = timeOf(i);
      const k1 = packK1(rng.int(3), rng.int(50));
      queue.push(t, k1, i, 0, i);
      events.push([t, k1, i]);
    }
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    for (const [t, k1, k2] of events) {
      assert.equal(queue.pop(), k2, label);
      assert.deepEqual([queue.poppedTime, queue.poppedK1, queue.poppedK2], [t, k1, k2], label);
    }
  }
});

test('random streams depend only on (seed, actor id) and differ between actors', () => {
  fc.assert(
    fc.property(fc.nat(), fc.nat({ max: 2 ** 31 }), fc.nat({ max: 2 ** 31 }), (seed, a, b) => {
      const draw = (r: Rng) => Array.from({ length: 4 }, () => r.nextUint32());
      assert.deepEqual(draw(Rng.forStream(seed, a)), draw(Rng.forStream(seed, a)));
      if (a !== b) assert.notDeepEqual(draw(Rng.forStream(seed, a)), draw(Rng.forStream(seed, b)));
    }),
  );
});

test('every random stream steps exactly like pure-rand\'s xoroshiro128+ from the same state', () => {
  const word = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  fc.assert(
    fc.property(fc.tuple(word, word, word, word).filter((s) => s.some((w) => w !== 0)), (state) => {
      const ours = Rng.fromState(state);
      const reference = xoroshiro128plusFromState(state);
      for (let i = 0; i < 50; i++) assert.equal(ours.nextInt32(), reference.next());
      assert.deepEqual(ours.state(), [...reference.getState()]);
    }),
  );
});

test('uniform draws stay in [0, 1) and have the right mean', () => {
  const rng = Rng.forStream(7, 3);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = rng.random();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
});

function phold(sets: string[]) {
  return pholdScenario.build(resolveConfig(pholdScenario, { sets: ['phold.lps=500', 'duration=20', ...sets] }));
}

test('the same PHOLD seed gives the same digest, another seed another one', () => {
  const a = runSingle(phold(['seed=3']));
  const b = runSingle(phold(['seed=3']));
  const c = runSingle(phold(['seed=4']));
  assert.equal(a.digest, b.digest);
  assert.equal(a.events, b.events);
  assert.notEqual(a.digest, c.digest);
});

test('PHOLD processes about lps * duration / (lookahead + mean) events', () => {
  const run = runSingle(phold([]));
  const expected = (500 * 20) / 1.1;
  assert.ok(Math.abs(run.events - expected) / expected < 0.05, `events ${run.events}, expected about ${expected}`);
});

test('balanced placement puts groups of one weight in contiguous blocks, each within one group of the mean', () => {
  for (const [groups, partitions] of [[100_000, 2], [10, 3], [7, 8], [1000, 7]] as const) {
    const assembly = new ModelAssembly({ scenario: 'even', seed: 1, endUs: 10, sampleIntervalUs: 1 });
    const first = assembly.newGroups(groups);
    assembly.addActors(groups, { kind: 'lp', name: (i) => `lp${i}`, group: (i) => first + i, create: () => ({ receive: () => undefined }) });
    const owner = placeActors(assembly.build(), partitions, 'balanced');
    const counts = new Array<number>(partitions).fill(0);
    for (let a = 0; a < groups; a++) {
      counts[owner[a] as number] = (counts[owner[a] as number] as number) + 1;
      if (a > 0) assert.ok((owner[a] as number) >= (owner[a - 1] as number), `${groups} groups on ${partitions}: actor ${a} on ${owner[a]} after ${owner[a - 1]}`);
    }
    for (const c of counts) assert.ok(Math.abs(c - groups / partitions) < 1, `${groups} groups on ${partitions}: ${counts.join(', ')}`);
  }
});

test('balanced placement spreads groups by their stated cost: every partition within the largest group of the mean', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (weights, partitions) => {
      const assembly = new ModelAssembly({ scenario: 'weights', seed: 1, endUs: 10, sampleIntervalUs: 1 });
      const first = assembly.newGroups(weights.length);
      assembly.weighGroups(first, weights.length, (i) => weights[i] as number);
      assembly.addActors(weights.length, { kind: 'weighed', name: (i) => `a${i}`, group: (i) => first + i, create: () => ({ receive: () => undefined }) });
      const owner = placeActors(assembly.build(), partitions, 'balanced');
      const load = new Array<number>(partitions).fill(0);
      weights.forEach((w, g) => (load[owner[g] as number] = (load[owner[g] as number] as number) + w));
      const mean = weights.reduce((a, b) => a + b, 0) / partitions;
      const heaviest = Math.max(...weights);
      // greedy by falling weight: no partition ends more than one group above the mean
      for (const l of load) assert.ok(l <= mean + heaviest, `load ${l} against mean ${mean} and heaviest group ${heaviest}`);
    }),
  );
});
