// The DNS model and the dns-race scenario: the 2025 replay, the safety switches, the schema.
import { ModelAssembly, runSingle, type Actor, type Message } from '@cascade/kernel';
import { addDns, initialPlan, planAddressCount, planRecord, type Violation } from '@cascade/dns';
import { ConfigError, SCENARIOS, dnsRaceScenario, resolveConfig, toDnsParams, type ConfigSources } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface DnsSummary {
  emptyRecordAt: number | null;
  restoredAt: number | null;
  automationStuck: boolean;
  stuckFrom: number | null;
  violations: Violation[];
  violationCounts: Record<string, number>;
  enactors: { forcedStallAt: number | null }[];
}
interface DynamoSummary {
  unavailableFrom: number | null;
  availableAt: number | null;
}

function run(sources: ConfigSources = {}) {
  const outcome = runSingle(dnsRaceScenario.build(resolveConfig(dnsRaceScenario, sources)));
  return { ...outcome, dns: outcome.summary['dns'] as DnsSummary, dynamodb: outcome.summary['dynamodb'] as DynamoSummary };
}

const cache = new Map<string, ReturnType<typeof run>>();
function runCached(sets: string[] = []) {
  const key = sets.join(' ');
  let r = cache.get(key);
  if (r === undefined) {
    r = run({ sets });
    cache.set(key, r);
  }
  return r;
}

/** Series values by bucket start (seconds). */
function series(r: ReturnType<typeof run>, name: string): Map<number, number> {
  const s = r.metrics.series[name];
  assert.ok(s, `series ${name} exists`);
  return new Map(Object.entries(s.buckets).map(([b, v]) => [Number(b) * 60, v]));
}

test('in the 2025 replay the regional record empties when the stalled enactor resumes', () => {
  const r = runCached();
  const stalledAt = r.dns.enactors[0]?.forcedStallAt;
  assert.ok(stalledAt !== null && stalledAt !== undefined, 'enactor 0 was stalled');
  assert.ok(r.dns.emptyRecordAt !== null);
  // The stall lasts 480 s; the record empties as the enactor's stale write lands, seconds later.
  assert.ok(r.dns.emptyRecordAt >= stalledAt + 480 && r.dns.emptyRecordAt < stalledAt + 480 + 5, `empty at ${r.dns.emptyRecordAt}`);
  const first = r.dns.violations.find((v) => v.invariant === 'regional-endpoint-never-empty');
  assert.equal(first?.at, r.dns.emptyRecordAt);
  assert.match(first?.detail ?? '', /enactor 0 applied generation \d+, a plan the clean-up had deleted/);
});

test('in the 2025 replay automation is stuck: later plans never reach the regional record until the repair', () => {
  const r = runCached();
  assert.equal(r.dns.automationStuck, true);
  assert.ok(r.dns.stuckFrom !== null && r.dns.emptyRecordAt !== null && r.dns.stuckFrom >= r.dns.emptyRecordAt);
  assert.equal(r.dns.restoredAt, 12300);
  const applied = series(r, 'dns.appliedGeneration');
  const intended = series(r, 'dns.intendedGeneration');
  const during = [...applied].filter(([t]) => t >= 3000 && t < 12240);
  assert.ok(during.length > 100);
  assert.equal(new Set(during.map(([, g]) => g)).size, 1, 'the applied generation is frozen while stuck');
  assert.ok((intended.get(12180) ?? 0) > (applied.get(12180) ?? 0) + 500, 'the Planner kept going');
  assert.ok((applied.get(12360) ?? 0) >= (intended.get(12240) ?? Infinity), 'after the repair the record is current');
  const addresses = series(r, 'dns.regionalAddresses');
  assert.equal(addresses.get(6000), 0);
  assert.ok((addresses.get(12360) ?? 0) > 0);
});

test('in the 2025 replay clients fail from the empty record until the repair plus the negative TTL', () => {
  const r = runCached();
  const { unavailableFrom, availableAt } = r.dynamodb;
  assert.ok(unavailableFrom !== null && availableAt !== null && r.dns.emptyRecordAt !== null);
  // Positive answers are cached for the 5 s TTL, so failures start within a TTL or two.
  assert.ok(unavailableFrom >= r.dns.emptyRecordAt && unavailableFrom <= r.dns.emptyRecordAt + 11, `unavailable from ${unavailableFrom}`);
  // Empty answers are cached for the 900 s negative TTL, so recovery trails the repair.
  assert.ok(availableAt > 12300 && availableAt <= 12300 + 900 + 11, `available at ${availableAt}`);
  const failureRate = series(r, 'dynamodb.resolveFailureRate');
  assert.equal(failureRate.get(1200), 0);
  assert.ok((failureRate.get(6000) ?? 0) > 0.99);
  assert.equal(failureRate.get(13980), 0);
});

test('the replay timeline resembles the official one with t = 0 at 11:00 PM PDT', () => {
  const r = runCached();
  // 11:48 PM empty record, 2:25 AM repair, ~2:40 AM clients resolve again.
  assert.ok(Math.abs((r.dns.emptyRecordAt ?? 0) - 2880) < 60);
  assert.equal(r.dns.restoredAt, 12300);
  assert.ok(Math.abs((r.dynamodb.availableAt ?? 0) - 13200) <= 900);
});

for (const [name, set] of [
  ['versionCheck atApply', 'dns.safety.versionCheck=atApply'],
  ['cleanupSparesActive', 'dns.safety.cleanupSparesActive=true'],
  ['rejectEmpty', 'dns.safety.rejectEmpty=true'],
] as const) {
  test(`with ${name} on, the forced stall never empties the regional record`, () => {
    const r = runCached([set]);
    assert.ok(r.dns.enactors[0]?.forcedStallAt !== null, 'the stall still happened');
    assert.equal(r.dns.emptyRecordAt, null);
    assert.equal(r.dns.automationStuck, false);
    assert.equal(r.dns.violationCounts['regional-endpoint-never-empty'], 0);
    assert.equal(r.dynamodb.unavailableFrom, null);
  });
}

test('versionCheck atApply also keeps every applied generation monotonic', () => {
  assert.ok((runCached().dns.violationCounts['applied-generation-monotonic'] ?? 0) > 0, 'the 2025 design writes backwards');
  assert.equal(runCached(['dns.safety.versionCheck=atApply']).dns.violationCounts['applied-generation-monotonic'], 0);
});

test('without the operator the regional record stays empty and DynamoDB never comes back', () => {
  const r = run({ file: { path: 'x.json', content: { operator: { dnsRepairAt: null } } } });
  assert.ok(r.dns.emptyRecordAt !== null);
  assert.equal(r.dns.restoredAt, null);
  assert.equal(r.dynamodb.availableAt, null);
});

test('the same seed gives the same digest and another seed another one', () => {
  const sets = ['duration=1h', 'dns.endpoints=50'];
  assert.equal(run({ sets }).digest, run({ sets }).digest);
  assert.notEqual(run({ sets }).digest, run({ sets: [...sets, 'seed=2'] }).digest);
});

test('a negative TTL is rejected with the key and the rule', () => {
  assert.throws(() => resolveConfig(dnsRaceScenario, { sets: ['dns.negativeTtl=-5'] }), (e: unknown) => e instanceof ConfigError && /dns\.negativeTtl: .*>= 0/.test(e.message));
  assert.throws(() => resolveConfig(dnsRaceScenario, { sets: ['dns.ttl=-1s'] }), (e: unknown) => e instanceof ConfigError && /dns\.ttl/.test(e.message));
});

test('zero enactors are rejected', () => {
  assert.throws(() => resolveConfig(dnsRaceScenario, { sets: ['dns.enactors=0'] }), (e: unknown) => e instanceof ConfigError && /dns\.enactors: must be at least 1 enactor/.test(e.message));
});

test('an unknown safety switch is rejected, naming it', () => {
  assert.throws(() => resolveConfig(dnsRaceScenario, { file: { path: 's.json', content: { dns: { safety: { lockFree: true } } } } }), (e: unknown) => e instanceof ConfigError && /s\.json: dns\.safety\.lockFree: unknown key; allowed: versionCheck, cleanupSparesActive, rejectEmpty/.test(e.message));
  assert.throws(() => resolveConfig(dnsRaceScenario, { sets: ['dns.safety.lockFree=true'] }), (e: unknown) => e instanceof ConfigError && /dns\.safety\.lockFree: unknown key/.test(e.message));
  assert.throws(() => resolveConfig(dnsRaceScenario, { sets: ['dns.safety.versionCheck=never'] }), (e: unknown) => e instanceof ConfigError && /expected one of "once", "atApply"/.test(e.message));
});

test('a stall of an enactor that does not exist is rejected', () => {
  assert.throws(() => resolveConfig(dnsRaceScenario, { sets: ['dns.enactors=2', 'faults.enactorStall.enactor=2'] }), (e: unknown) => e instanceof ConfigError && /faults\.enactorStall\.enactor: must name one of the 2 enactors/.test(e.message));
});

test('dns-race is a built-in scenario whose fleet size is the number of endpoints', () => {
  assert.equal(SCENARIOS.get('dns-race'), dnsRaceScenario);
  const config = resolveConfig(dnsRaceScenario, { fleet: '250k' });
  assert.equal(config.dns.endpoints, 250_000);
  assert.equal(toDnsParams(config.dns).layout.endpoints, 250_001);
});

test("a plan's record for an endpoint lists exactly its healthy load balancers", () => {
  const layout = { endpoints: 10, regional: 5, loadBalancers: 8, lbsPerEndpoint: 3 };
  const plan = { ...initialPlan(layout), generation: 2, healthyMask: 0b10110101, weightSeed: 7 };
  for (let e = 0; e < layout.endpoints; e++) {
    const record = planRecord(layout, plan, e);
    assert.equal(record.length, planAddressCount(layout, plan, e));
    for (const { weight } of record) assert.ok(weight >= 1 && weight <= 255);
  }
  assert.equal(planAddressCount(layout, plan, 5), 5, 'the regional endpoint uses every healthy load balancer');
  assert.equal(planAddressCount(layout, { ...plan, healthyMask: 0 }, 5), 0);
});

test('resolvers tell subscribed actors when DynamoDB becomes unresolvable and resolvable again', () => {
  const config = resolveConfig(dnsRaceScenario, { sets: ['dns.endpoints=30'] });
  const assembly = new ModelAssembly({ scenario: 'dns-test', seed: 1, endUs: 14_400e6, sampleIntervalUs: 60e6 });
  const seen: { available: boolean; resolver: number }[][] = [];
  const dns = addDns(assembly, {
    params: toDnsParams(config.dns, config.faults, config.operator),
    sampleIntervalUs: 60e6,
    subscribers: { kind: 'subscriber', of: (i) => [subscribers.first + i], latencyUs: 1_000 },
  });
  const group = assembly.newGroups(1);
  const subscribers = assembly.addActors(dns.resolvers, {
    kind: 'subscriber',
    name: (i) => `subscriber-${i}`,
    group: () => group,
    create: (i): Actor => {
      const log: { available: boolean; resolver: number; atUs: number }[] = [];
      seen[i] = log;
      return {
        receive: (msg: Message, ctx) => {
          const m = msg as Message & { available: boolean; resolver: number };
          log.push({ available: m.available, resolver: m.resolver, atUs: ctx.now });
        },
      };
    },
  });
  runSingle(assembly.build());
  assert.equal(seen.length, dns.resolvers);
  seen.forEach((log, i) => {
    assert.deepEqual(log.map((n) => [n.available, n.resolver]), [[false, i], [true, i]]);
  });
});

test('the replay summary gives t = 0 as 11:00 PM PDT', () => {
  assert.deepEqual(runCached().summary['clock'], { start: '2025-10-19T23:00:00-07:00' });
});

test('routine violations are capped per invariant, so a rare one is always listed', () => {
  const r = runCached();
  const monotonic = r.dns.violations.filter((v) => v.invariant === 'applied-generation-monotonic');
  assert.ok((r.dns.violationCounts['applied-generation-monotonic'] ?? 0) > 25);
  assert.equal(monotonic.length, 25);
  assert.ok(r.dns.violations.some((v) => v.invariant === 'regional-endpoint-never-empty'));
  const times = r.dns.violations.map((v) => v.at);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
});
