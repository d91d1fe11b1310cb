// Renewals sent ahead (`lease.renewAhead`): while all of a shard's leases are valid, its renewals of
// the next horizon go to its DWFM host in one message, and the host books each only once its
// arrival has passed. It is an engine setting: it changes the events a run takes, never what the
// run finds. The whole outage (the DNS race, DynamoDB lost and back, the throttle and the restarts
// of the DWFM hosts, the recovery) must give the same summary, series and histograms with any
// horizon as with every renewal sent at its own tick.
import { runSingle, type RunOutcome } from '@cascade/kernel';
import { buildLeaseStormModel } from '@cascade/fleet';
import { resolveConfig, scenarioDef, toLeaseStormParams, type LeaseStormConfig } from '@cascade/scenarios';
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

// lease-storm sends its renewals ahead too, and a DWFM host of more than 16,384 droplets has several
// shards: the host merges their renewals by arrival, and by shard at an instant, as it would have
// heard them one tick at a time. And its hosts tell their shards when DynamoDB goes away, so that a
// shard does not send what would fail at once. Every policy must find exactly what it finds with
// each item sent at its own µs and judged by the host (the contract's model as written): a short
// outage that leaves some shards valid throughout, restarts, throttles, stagger, jitter and
// drop-expired.
const leaseStorm = scenarioDef('lease-storm');

function leaseStormRun(engine: { renewAheadUs?: number; tellsOutage?: boolean }, sets: string[]): RunOutcome {
  const config = resolveConfig(leaseStorm, { fleet: '40000', sets: ['fleet.dwfmHosts=2', 'duration=2h', ...sets] }) as LeaseStormConfig;
  return runSingle(buildLeaseStormModel({ ...toLeaseStormParams(config), ...engine }));
}

const LEASE_STORM_CASES: string[][] = [
  [],
  ['outage.start=1000', 'outage.end=1500', 'operator.restartAt=1700,3000'],
  ['outage.start=300', 'outage.end=700', 'policy.backoff.kind=full-jitter', 'policy.queue=drop-expired'],
  ['outage.end=2400', 'policy.throttle.rate=40', 'policy.throttle.queueCap=500', 'policy.stagger.window=60', 'policy.backoff.kind=exponential'],
  // a LIFO host takes no renewals ahead, but its shards are told of the outage too
  ['outage.start=1000', 'outage.end=1500', 'policy.queue=lifo'],
];

for (const sets of LEASE_STORM_CASES) {
  test(`lease-storm finds the same with renewals sent ahead from several shards per host and outages told as with every item at its µs${sets.length > 0 ? ` (${sets.join(' ')})` : ''}`, () => {
    const literal = leaseStormRun({ renewAheadUs: 0, tellsOutage: false }, sets);
    // each engine setting on its own takes events away (it is in use), and finds the same
    const untold = leaseStormRun({ tellsOutage: false }, sets);
    const engine = leaseStormRun({}, sets);
    const c = resolveConfig(leaseStorm, { sets }) as LeaseStormConfig;
    const lifo = c.policy.queue === 'lifo';
    if (lifo) assert.equal(untold.digest, literal.digest, 'a LIFO host takes no renewals ahead');
    else assert.ok(untold.events < literal.events, `renewals ahead: ${untold.events} events against ${literal.events}`);
    // a told shard sends nothing that would fail: the lapses of an outage longer than a lease, and
    // (without renewals ahead) the renewals due during any outage
    if (lifo || c.outage.end - c.outage.start > c.lease.duration) assert.ok(engine.events < untold.events, `outage told: ${engine.events} events against ${untold.events}`);
    assert.notEqual(engine.digest, literal.digest);
    assert.deepEqual(findings(untold), findings(literal));
    assert.deepEqual(findings(engine), findings(literal));
  });
}
