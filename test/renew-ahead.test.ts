// Renewals sent ahead (`lease.renewAhead`): while all of a shard's leases are valid, its renewals of
// the next horizon go to its DWFM host in one message, and the host books each only once its
// arrival has passed. It is an engine setting: it changes the events a run takes, never what the
// run finds. The whole outage (the DNS race, DynamoDB lost and back, the throttle and the restarts
// of the DWFM hosts, the recovery) must give the same summary, series and histograms with any
// horizon as with every renewal sent at its own tick.
import { runSingle, type RunOutcome } from '@cascade/kernel';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const def = scenarioDef('us-east-1-2025-10-20');

function run(renewAhead: string, sets: string[] = []): RunOutcome {
  return runSingle(def.build(resolveConfig(def, { fleet: '4000', sets: ['duration=12h', `lease.renewAhead=${renewAhead}`, ...sets] })));
}

/** Everything a run finds: the summary and the metrics (series, counters, histograms by interval). */
function findings(out: RunOutcome): unknown {
  const { counters, series, intervals } = out.metrics;
  const histograms = Object.fromEntries(Object.entries(out.metrics.histograms).map(([name, h]) => [name, [h.totalCount, h.minNonZeroValue, h.maxValue, h.getValueAtPercentile(50), h.getValueAtPercentile(99)]]));
  return { summary: out.summary, counters, series, intervals, histograms };
}

for (const sets of [[], ['operator.mode=timetable']]) {
  test(`the outage finds the same with renewals sent ahead as at each tick${sets.length > 0 ? ` (${sets.join(' ')})` : ''}`, () => {
    const eachTick = run('0', sets);
    for (const ahead of ['20', '75']) {
      const out = run(ahead, sets);
      // fewer events: the horizon saves a shard's wake, a message and a reply per tick
      assert.ok(out.events < eachTick.events, `renewAhead=${ahead}: ${out.events} events against ${eachTick.events}`);
      assert.notEqual(out.digest, eachTick.digest);
      assert.deepEqual(findings(out), findings(eachTick), `renewAhead=${ahead}`);
    }
  });
}

test('lease.renewAhead must be below the renewal interval', () => {
  assert.throws(() => resolveConfig(def, { sets: ['lease.renewAhead=300'] }), /lease\.renewAhead.*less than lease\.renewInterval/s);
  assert.throws(() => resolveConfig(def, { sets: ['lease.renewAhead=-1'] }), /lease\.renewAhead/);
});

test('every shard sends its renewals ahead up to the same multiples of lease.renewAhead, wherever its horizon starts', () => {
  const model = def.build(resolveConfig(def, { fleet: '4000', sets: ['duration=12h', 'lease.renewAhead=20'] }));
  const hostKind = model.kinds.indexOf('dwfm-host');
  const rpcLatencyUs = 1_000_000;
  const horizonUs = 20_000_000;
  const create = model.createActor;
  const hosts = new Set<number>();
  let messages = 0;
  let offGrid = 0;
  (model as { createActor: typeof create }).createActor = (id) => {
    const actor = create(id);
    if (model.kindOf(id) !== hostKind) return actor;
    const receive = actor.receive.bind(actor);
    actor.receive = (msg, ctx) => {
      if (msg.kind === 'renewals-ahead') {
        const { aheadUs } = msg as unknown as { aheadUs: number[] };
        const sentUs = ctx.now - rpcLatencyUs;
        messages++;
        hosts.add(ctx.self);
        // a horizon that starts between multiples (a shard whose leases are all valid again) runs to the next one
        if (sentUs % horizonUs !== 0) offGrid++;
        const cellEndUs = (Math.floor(sentUs / horizonUs) + 1) * horizonUs;
        for (const offsetUs of aheadUs) assert.ok(sentUs + offsetUs < cellEndUs, `host ${ctx.self}: a renewal due at ${sentUs + offsetUs} µs in a message sent at ${sentUs} µs`);
      }
      receive(msg, ctx);
    };
    return actor;
  };
  runSingle(model);
  assert.ok(messages > 1000, `${messages} renewals-ahead messages`);
  const hostCount = Array.from({ length: model.actorCount }, (_, a) => model.kindOf(a)).filter((k) => k === hostKind).length;
  assert.equal(hosts.size, hostCount, `${hosts.size} of ${hostCount} hosts got renewals ahead`);
  assert.ok(offGrid > 0, 'no horizon started between multiples');
});
