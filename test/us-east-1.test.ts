// The full scenario us-east-1-2025-10-20 on a small fleet: the replay's phases, and the what-ifs.
// 9,999 droplets with one DWFM host per AZ give each host the default's load (3,333 droplets).
import { runSingle } from '@cascade/kernel';
import { simulate } from '@cascade/runtime';
import { ConfigError, DEFAULT_SCENARIO, SCENARIOS, US_EAST_1_OFFICIAL, resolveConfig, toUsEast1Params, usEast1Scenario, type Phase } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const SMALL = ['fleet.dwfmHostsPerAz=1'];
const FLEET = '9999';

interface Summary {
  phases: Phase[];
  timeToRecovery: number | null;
  clock: { start: string };
  dns: { emptyRecordAt: number | null; restoredAt: number | null };
  dynamodb: { availableAt: number | null };
  leases: { recoveredAt: number | null; collapsed: boolean };
  network: { backlogPeak: number; clearedAt: number | null };
  nlb: { flaps: number; capacityRemovedPeak: number; stableAt: number | null };
  launches: { attempted: number; succeeded: number; insufficientCapacity: number; throttled: number };
}

const cache = new Map<string, { summary: Summary; digest: string }>();
function run(sets: string[] = []): { summary: Summary; digest: string } {
  const key = sets.join(' ');
  let r = cache.get(key);
  if (r === undefined) {
    const out = runSingle(usEast1Scenario.build(resolveConfig(usEast1Scenario, { fleet: FLEET, sets: [...SMALL, ...sets] })));
    r = { summary: out.summary as unknown as Summary, digest: out.digest };
    cache.set(key, r);
  }
  return r;
}

const phase = (s: Summary, name: string) => s.phases.find((p) => p.name === name);

test('us-east-1-2025-10-20 is the default scenario, sized by fleet.droplets with about 3,333 droplets per DWFM host', () => {
  assert.equal(DEFAULT_SCENARIO, 'us-east-1-2025-10-20');
  assert.equal(SCENARIOS.get(DEFAULT_SCENARIO), usEast1Scenario);
  assert.equal(usEast1Scenario.fleetKey, 'fleet.droplets');
  assert.equal(resolveConfig(usEast1Scenario, {}).fleet.droplets, 50_000);
  assert.equal(toUsEast1Params(resolveConfig(usEast1Scenario, {})).fleet.dwfmHostsPerAz, 5);
  assert.equal(toUsEast1Params(resolveConfig(usEast1Scenario, { fleet: '1M' })).fleet.dwfmHostsPerAz, 100);
});

test('the replay has all four phases in order, each ending, with the DNS record empty near 11:48 PM', () => {
  const { summary } = run();
  assert.deepEqual(summary.phases.map((p) => p.name), ['dns', 'dwfm', 'network', 'nlb']);
  for (let i = 1; i < summary.phases.length; i++) {
    assert.ok((summary.phases[i] as Phase).start >= (summary.phases[i - 1] as Phase).start, 'phases start in order');
  }
  for (const p of summary.phases) assert.ok(p.end !== null && p.end > p.start, `${p.name} ends after it starts`);
  const dns = phase(summary, 'dns') as Phase;
  assert.ok(Math.abs(dns.start - US_EAST_1_OFFICIAL.dnsEmpty) < 60, `DNS empty at ${dns.start}`);
  assert.equal(dns.end, US_EAST_1_OFFICIAL.dnsRestored);
  assert.equal(summary.clock.start, '2025-10-19T23:00:00-07:00');
});

test('in the replay leases come back after the operator throttles and restarts DWFM at 4:14 AM, not before', () => {
  const { summary } = run();
  assert.equal(summary.leases.collapsed, false);
  assert.ok((summary.leases.recoveredAt as number) > US_EAST_1_OFFICIAL.operatorDwfm, `leases back at ${summary.leases.recoveredAt}`);
  assert.equal((phase(summary, 'dwfm') as Phase).end, summary.leases.recoveredAt);
});

test('timeToRecovery runs from the first failure to the end of the last phase', () => {
  const { summary } = run();
  const start = Math.min(...summary.phases.map((p) => p.start));
  const end = Math.max(...summary.phases.map((p) => p.end as number));
  assert.ok(Math.abs((summary.timeToRecovery as number) - (end - start)) < 1e-6);
  // the NLB is stable once the operator turns automatic failover back on at 2:09 PM
  assert.equal(summary.nlb.stableAt, US_EAST_1_OFFICIAL.nlbStable);
});

test('the replay fills the network, nlb and launches sections of the contract', () => {
  const { summary } = run();
  assert.ok(summary.network.backlogPeak > 0 && summary.network.clearedAt !== null);
  assert.ok(summary.nlb.flaps > 0 && summary.nlb.capacityRemovedPeak > 0);
  const l = summary.launches;
  assert.ok(l.insufficientCapacity > 0 && l.throttled > 0 && l.succeeded > 0);
  assert.ok(l.attempted >= l.succeeded + l.insufficientCapacity + l.throttled);
});

test('with every DNS safety switch on there is no DNS phase, and nothing else fails', () => {
  const { summary } = run(['dns.safety.versionCheck=atApply', 'dns.safety.cleanupSparesActive=true', 'dns.safety.rejectEmpty=true']);
  assert.equal(summary.dns.emptyRecordAt, null);
  assert.equal(phase(summary, 'dns'), undefined);
  assert.deepEqual(summary.phases, []);
  assert.equal(summary.timeToRecovery, 0);
});

test('each DNS safety switch alone keeps the regional record from emptying', () => {
  for (const sw of ['dns.safety.versionCheck=atApply', 'dns.safety.cleanupSparesActive=true', 'dns.safety.rejectEmpty=true']) {
    const out = runSingle(usEast1Scenario.build(resolveConfig(usEast1Scenario, { fleet: '300', sets: [sw, 'duration=4h', 'operator.restartAt='] })));
    assert.equal((out.summary['dns'] as Summary['dns']).emptyRecordAt, null, sw);
  }
});

test('without the operator DWFM stays collapsed; with throttling and staggering from the start leases recover on their own', () => {
  const noOperator = ['operator.restartAt=', 'operator.dwfmThrottleRate=0'];
  const collapsed = run(noOperator).summary;
  assert.equal(collapsed.leases.collapsed, true);
  assert.equal(phase(collapsed, 'dwfm')?.end, null);
  assert.equal(collapsed.timeToRecovery, null);
  const healed = run([...noOperator, 'policy.throttle.rate=0.8', 'policy.stagger.window=10m']).summary;
  assert.equal(healed.leases.collapsed, false);
  assert.ok((healed.leases.recoveredAt as number) < US_EAST_1_OFFICIAL.operatorDwfm, `leases back at ${healed.leases.recoveredAt}`);
});

test('with operator.enabled=false nobody repairs DNS, so nothing recovers', () => {
  const { summary } = run(['operator.enabled=false']);
  assert.equal(summary.dns.restoredAt, null);
  assert.equal(phase(summary, 'dns')?.end, null);
  assert.equal(summary.timeToRecovery, null);
});

test('velocity control lowers the NLB capacity that AZ failover keeps out of service', () => {
  const replay = run().summary;
  const capped = run(['nlb.velocityControl=0.002']).summary;
  const removed = (s: Summary) => (s.nlb as unknown as { capacityRemovedSeconds: number }).capacityRemovedSeconds;
  assert.ok(removed(capped) < 0.8 * removed(replay), `${removed(capped)} vs ${removed(replay)} capacity-seconds`);
  assert.ok(capped.nlb.capacityRemovedPeak <= replay.nlb.capacityRemovedPeak);
});

test('every recovery policy and operator key is settable with --set', () => {
  const c = resolveConfig(usEast1Scenario, {
    sets: [
      'policy.backoff.kind=decorrelated', 'policy.backoff.base=2s', 'policy.backoff.cap=5m', 'policy.queue=drop-expired',
      'policy.stagger.window=15m', 'policy.throttle.rate=2', 'policy.throttle.queueCap=100', 'operator.restartAt=5000,9000',
      'operator.throttleAt=never', 'operator.nlbFailoverOffAt=never', 'nlb.velocityControl=0.05', 'dwfm.rpcLatency=50ms',
    ],
  });
  assert.equal(c.policy.backoff.kind, 'decorrelated');
  assert.equal(c.policy.queue, 'drop-expired');
  assert.equal(c.policy.stagger.window, 900);
  assert.deepEqual(c.operator.restartAt, [5000, 9000]);
  assert.equal(c.operator.throttleAt, null);
  assert.equal(c.operator.nlbFailoverOffAt, null);
  assert.equal(c.nlb.velocityControl, 0.05);
  assert.equal(c.dwfm.rpcLatency, 0.05);
  assert.throws(() => resolveConfig(usEast1Scenario, { sets: ['policy.queue=random'] }), ConfigError);
  assert.throws(() => resolveConfig(usEast1Scenario, { sets: ['dwfm.rpcLatency=40s'] }), /attemptTimeout/);
});

test('a what-if policy changes the run; the same config replays the same digest', () => {
  const a = run();
  const again = runSingle(usEast1Scenario.build(resolveConfig(usEast1Scenario, { fleet: FLEET, sets: SMALL })));
  assert.equal(again.digest, a.digest);
  assert.notEqual(run(['policy.backoff.kind=full-jitter']).digest, a.digest);
});

test('the replay has the same digest on 1 and 2 threads', async () => {
  const config = resolveConfig(usEast1Scenario, { fleet: '3000', sets: ['fleet.dwfmHostsPerAz=1'] });
  const modelModule = import.meta.resolve('@cascade/scenarios');
  const one = await simulate({ modelModule, scenario: usEast1Scenario.name, config, threads: 1 });
  const two = await simulate({ modelModule, scenario: usEast1Scenario.name, config, threads: 2 });
  assert.equal(two.partitions, 2);
  assert.equal(two.digest, one.digest);
});
