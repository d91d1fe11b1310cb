// The runtime: msgpack batches, and runs that give the same digest on any number of threads and
// any placement, and fail cleanly when an actor throws.
import { createPool, decodeBatch, encodeBatch, localHostsOn, simulate, CodecError } from '@cascade/runtime';
import { pholdScenario, resolveConfig } from '@cascade/scenarios';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const SCENARIOS = import.meta.resolve('@cascade/scenarios');
const FIXTURES = new URL('./fixtures/models.mjs', import.meta.url).href;

const message = fc.record({
  kind: fc.constantFrom('request', 'reply', 'renew'),
  droplet: fc.nat(),
  entities: fc.array(fc.integer({ min: 0, max: 1e6 }), { maxLength: 20 }),
  note: fc.string(),
  nested: fc.record({ a: fc.double({ noNaN: true }).map((x) => (x === 0 ? 0 : x)), b: fc.boolean() }, { noNullPrototype: true }),
}, { noNullPrototype: true });

const batch = fc.array(fc.tuple(fc.nat({ max: 2 ** 52 }), fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 31 - 1 }), message)).map((events) => ({
  to: 1,
  time: events.map((e) => e[0]),
  k1: events.map((e) => e[1]),
  k2: events.map((e) => e[2]),
  target: events.map((e) => e[3]),
  msg: events.map((e) => e[4]),
}));

// -0 travels as 0 (msgpack has one integer zero); models compare numbers, so that is not a change.
test('message batches survive a msgpack round trip unchanged', () => {
  fc.assert(
    fc.property(batch, (b) => {
      assert.deepEqual(decodeBatch(encodeBatch(b)), b);
    }),
  );
});

test('events that share a message object share one decoded object, and only those', () => {
  // events pick their message from a small pool of objects, some equal in content but distinct
  const shared = fc.tuple(fc.array(message, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 31 - 1 }), fc.nat()), { maxLength: 60 }));
  fc.assert(
    fc.property(shared, ([pool, events]) => {
      const objects = [...pool, ...pool.map((m) => ({ ...m }))];
      const b = {
        to: 0,
        time: events.map((e) => e[0]),
        k1: events.map((_, i) => i),
        k2: events.map(() => 0),
        target: events.map((e) => e[1]),
        msg: events.map((e) => objects[e[2] % objects.length] as (typeof objects)[number]),
      };
      const decoded = decodeBatch(encodeBatch(b));
      assert.deepEqual(decoded, b);
      for (let i = 0; i < b.msg.length; i++) {
        for (let j = 0; j < i; j++) assert.equal(decoded.msg[i] === decoded.msg[j], b.msg[i] === b.msg[j], `events ${j} and ${i}`);
      }
    }),
  );
});

test('a batch with any single byte changed is rejected with a CodecError', () => {
  fc.assert(
    fc.property(batch, fc.nat(), fc.integer({ min: 1, max: 255 }), (b, at, delta) => {
      const bytes = encodeBatch(b);
      const i = at % bytes.length;
      bytes[i] = ((bytes[i] as number) + delta) & 0xff;
      assert.throws(() => decodeBatch(bytes), CodecError);
    }),
  );
});

test('a truncated batch is rejected with a CodecError', () => {
  const bytes = encodeBatch({ to: 0, time: [1], k1: [2], k2: [3], target: [4], msg: [{ kind: 'x' }] });
  assert.throws(() => decodeBatch(bytes.subarray(0, bytes.length - 3)), CodecError);
});

const pholdConfig = resolveConfig(pholdScenario, { sets: ['phold.lps=2000', 'duration=15', 'phold.remote=0.3'] });

test('PHOLD with remote traffic has the same digest on 1, 2 and 4 threads and any placement', async () => {
  const base = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config: pholdConfig, threads: 1 });
  assert.ok(base.events > 20_000);
  for (const [threads, placement] of [[2, 'block'], [2, 'round-robin'], [4, 'hash']] as const) {
    const run = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config: pholdConfig, threads, placement });
    assert.equal(run.partitions, threads);
    assert.ok(run.windows > 10, 'runs in many windows');
    assert.equal(run.events, base.events);
    assert.equal(run.digest, base.digest, `threads ${threads}, placement ${placement}`);
  }
});

test('runs on a pool the caller keeps use the same workers each time, with the digest of a run on fresh ones', async () => {
  const fresh = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config: pholdConfig, threads: 2 });
  const pool = createPool(2);
  try {
    const workers = pool.threads.map((w) => w.threadId).sort();
    for (let run = 0; run < 2; run++) {
      const kept = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config: pholdConfig, threads: 2, hosts: localHostsOn(pool) });
      assert.equal(kept.partitions, 2);
      assert.equal(kept.digest, fresh.digest, `run ${run + 1} on the kept pool`);
      assert.deepEqual(pool.threads.map((w) => w.threadId).sort(), workers, 'the run left the pool and its workers as they were');
    }
    await assert.rejects(
      simulate({ modelModule: SCENARIOS, scenario: 'phold', config: pholdConfig, threads: 4, hosts: localHostsOn(pool) }),
      /a pool of 2 threads cannot host 4 partitions/,
    );
  } finally {
    await pool.destroy();
  }
});

const shardConfig = { seed: 5, endUs: 3_000_000, shards: 6, servers: 3, entities: 300, thinkUs: 50_000, serviceUs: 40 };

test('a model with data-oriented shard actors has the same digest and summary on 1, 2 and 4 threads', async () => {
  const base = await simulate({ modelModule: FIXTURES, scenario: 'shards', config: shardConfig, threads: 1 });
  const summary = base.summary as { shards: { done: number; served: number } };
  assert.ok(summary.shards.done > 1000);
  for (const [threads, placement] of [[2, 'round-robin'], [4, 'block']] as const) {
    const run = await simulate({ modelModule: FIXTURES, scenario: 'shards', config: shardConfig, threads, placement });
    assert.equal(run.digest, base.digest);
    assert.deepEqual(run.summary, base.summary);
    assert.equal(run.metrics.histograms['roundTrip']?.totalCount, base.metrics.histograms['roundTrip']?.totalCount);
  }
  const other = await simulate({ modelModule: FIXTURES, scenario: 'shards', config: { ...shardConfig, seed: 6 }, threads: 2 });
  assert.notEqual(other.digest, base.digest);
});

test('the window loop splits each partition\'s time into work and waiting at the barrier: the idle side waits for the busy one', async () => {
  // 200 windows; in each, actor 0 (partition 0 under block placement) runs a loop of 500,000
  // steps twice and actor 1 runs none: partition 1 spends those windows waiting for partition 0.
  // (Waits also hold the time a thread was descheduled while the other had arrived, which on a
  // loaded machine goes either way: the loop keeps the difference far above that.)
  const config = { seed: 1, endUs: 1_000_000, spin: 500_000 };
  const run = await simulate({ modelModule: FIXTURES, scenario: 'lopsided', config, threads: 2, placement: 'block' });
  assert.ok(run.windows >= 200, `${run.windows} windows`);
  const [busy, idle] = run.partitionSeconds ?? [];
  assert.ok(busy !== undefined && idle !== undefined && run.partitionSeconds?.length === 2);
  assert.ok(busy.busy > 2 * idle.busy, `work ${busy.busy} s against ${idle.busy} s`);
  assert.ok(idle.wait > busy.wait, `waits ${idle.wait} s against ${busy.wait} s`);
  for (const p of [busy, idle]) assert.ok(p.busy + p.wait <= run.wallSeconds, `${p.busy} + ${p.wait} s within ${run.wallSeconds} s`);
  // one thread is one partition on a worker: one window to the end, all of it work
  const alone = await simulate({ modelModule: FIXTURES, scenario: 'lopsided', config, threads: 1 });
  assert.equal(alone.windows, 1);
  const [only] = alone.partitionSeconds ?? [];
  assert.ok(only !== undefined && alone.partitionSeconds?.length === 1);
  assert.ok(only.busy > 20 * only.wait, `work ${only.busy} s against waits ${only.wait} s`);
  assert.equal(alone.digest, run.digest);
});

for (const threads of [1, 2]) {
  test(`an exception in an actor ends the run naming the actor, the message kind and the time (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
    await assert.rejects(
      simulate({ modelModule: FIXTURES, scenario: 'crash', config: { seed: 1, endUs: 1_000_000, throwAtUs: 200_000 }, threads }),
      (error: Error) => {
        assert.match(error.message, /actor 'crasher-0' failed handling 'tick' at t=0\.2\d{5}s: Error: injected fault/);
        if (threads > 1) assert.match(error.message, /^partition \d: /);
        return true;
      },
    );
  });
}

test('a worker thread that dies fails the run naming the partition and the window, and the run does not hang', async () => {
  await assert.rejects(
    simulate({ modelModule: FIXTURES, scenario: 'crash', config: { seed: 1, endUs: 1_000_000, throwAtUs: 300_000, die: true }, threads: 2 }),
    (error: Error) => {
      assert.match(error.message, /worker for partition \d died: .*\(in the window starting at t=0\.(29|30)\d{4}s\)/);
      return true;
    },
  );
});
