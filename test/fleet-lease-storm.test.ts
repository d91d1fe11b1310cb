// The lease-storm micro-model (CONTRACT.md): behaviour checked by queueing arithmetic on small
// fleets. Most runs use one DWFM host with a 1 s establish cost and a 30 s attempt timeout, so the
// host completes at most 30 attempts within a deadline: 20 lapsed droplets recover, 100 collapse.
import { runSingle } from '@cascade/kernel';
import { leaseStormScenario, resolveConfig } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface Leases {
  validFractionMin: number;
  recoveredAt: number | null;
  collapsed: boolean;
  wastedWorkFraction: number | null;
  establishedTotal: number;
  establishLatency: { count: number; p50: number | null; p90: number | null; p99: number | null; p999: number | null; max: number | null };
}
interface Dwfm {
  timeouts: number;
  throttled: number;
  restartsDropped: number;
  queuePeak: number;
  discarded: number;
}

const E = 4200; // outage.end: every lease lapsed during the outage, the recovery workflow starts here

/** One host, 1 s per establish, 30 s timeout; `droplets` lapsed droplets to re-establish at E. */
function storm(droplets: number, sets: string[] = [], seed = 1) {
  const base = [
    `fleet.droplets=${droplets}`,
    'fleet.dwfmHosts=1',
    'lease.establishCost=1s',
    'lease.renewCost=10ms',
    'duration=6000',
  ];
  const config = resolveConfig(leaseStormScenario, { sets: [...base, ...sets], seed });
  const out = runSingle(leaseStormScenario.build(config));
  return { ...out, leases: out.summary['leases'] as Leases, dwfm: out.summary['dwfm'] as Dwfm };
}

test('three droplets on one host re-establish at 20 ms intervals after the outage, as computed by hand', () => {
  const config = resolveConfig(leaseStormScenario, { sets: ['fleet.droplets=3', 'fleet.dwfmHosts=1', 'duration=5000'] });
  const out = runSingle(leaseStormScenario.build(config));
  const leases = out.summary['leases'] as Leases;
  assert.equal(leases.validFractionMin, 0);
  assert.equal(leases.establishedTotal, 3);
  // completions at E + 0.02, E + 0.04, E + 0.06; 99% of 3 droplets means all 3
  assert.equal(leases.recoveredAt, E + 0.06);
  assert.deepEqual(leases.establishLatency, { count: 3, p50: 0.04, p90: 0.06, p99: 0.06, p999: 0.06, max: 0.06 });
  assert.equal(leases.collapsed, false);
  assert.equal(leases.wastedWorkFraction, 0);
  assert.deepEqual(out.summary['dynamodb'], { unavailableFrom: 600, availableAt: 4200 });
});

test('a host that must re-establish fewer leases than fit in one timeout recovers', () => {
  const { leases, dwfm } = storm(20);
  assert.equal(leases.collapsed, false);
  assert.equal(leases.recoveredAt, E + 20);
  assert.equal(dwfm.timeouts, 0);
});

test('a host that must re-establish many more leases than fit in one timeout collapses for good', () => {
  const { leases, dwfm } = storm(100);
  assert.equal(leases.collapsed, true);
  assert.equal(leases.recoveredAt, null);
  assert.ok(leases.wastedWorkFraction !== null && leases.wastedWorkFraction > 0.95, `wasted ${leases.wastedWorkFraction}`);
  assert.ok(dwfm.timeouts > 1000, `timeouts ${dwfm.timeouts}`);
  assert.ok(dwfm.queuePeak > 1000, `the stale copies pile up: peak ${dwfm.queuePeak}`);
});

test('drop-expired brings the collapsing host back exactly when the hand computation says', () => {
  // rounds of 30 s: droplets 0-29 at E+1..E+30; 30 is served late; 31-58 (and 59 late) from E+31;
  // 59-87 from E+61; the last 12 from E+91, the 11th of them (the 99th droplet) at E+102
  const { leases, dwfm } = storm(100, ['policy.queue=drop-expired']);
  assert.equal(leases.recoveredAt, E + 102);
  assert.equal(leases.establishedTotal, 100);
  assert.ok(dwfm.discarded > 0);
});

test('lifo brings the collapsing host back exactly when the hand computation says', () => {
  // droplet 0 starts at once, then 99 down to 71 (30 by E+30); at each deadline the server first takes
  // one stale copy (late), then serves the fresh retries newest first: 29 by E+60, 29 by E+90, and
  // the last 12 from E+92, the 99th droplet at E+102
  const { leases } = storm(100, ['policy.queue=lifo']);
  assert.equal(leases.recoveredAt, E + 102);
  assert.equal(leases.establishedTotal, 100);
});

test('a queue cap brings the collapsing host back and counts the throttled attempts', () => {
  const { leases, dwfm } = storm(100, ['policy.throttle.queueCap=25']);
  assert.equal(leases.collapsed, false);
  assert.ok(leases.recoveredAt !== null && leases.recoveredAt < E + 200, `recovered at ${leases.recoveredAt}`);
  assert.ok(dwfm.throttled > 0);
});

test('a token bucket with burst 1 admits every other second and brings the collapsing host back', () => {
  // burst max(1, 0.9) = 1 token; throttled droplets retry after 1 s, when the bucket holds 0.9 tokens,
  // so droplet k is admitted at E + 2k and done at E + 2k + 1: the 99th (k = 98) at E + 197
  const { leases, dwfm } = storm(100, ['policy.throttle.rate=0.9']);
  assert.equal(leases.recoveredAt, E + 197);
  assert.equal(dwfm.timeouts, 0);
  assert.ok(dwfm.throttled > 0);
});

test('a stagger window longer than the backlog brings the collapsing host back', () => {
  const { leases, dwfm } = storm(100, ['policy.stagger.window=300s']);
  assert.equal(leases.collapsed, false);
  assert.ok(leases.recoveredAt !== null && leases.recoveredAt <= E + 301, `recovered at ${leases.recoveredAt}`);
  assert.equal(dwfm.timeouts, 0);
});

test('operator restarts each rescue one timeout of work until the collapsing host is back', () => {
  // a restart drops every current attempt and all retry at once: 30 more succeed each time. After the
  // restart at E+200 only 40 remain: 30 by E+230, the last 10 (retried at E+230) from E+241 to E+250
  const oneRestart = storm(100, [`operator.restartAt=${E + 100}`]);
  assert.equal(oneRestart.leases.collapsed, true);
  assert.ok(oneRestart.dwfm.restartsDropped > 0);
  const two = storm(100, [`operator.restartAt=${E + 100},${E + 200}`]);
  assert.equal(two.leases.recoveredAt, E + 249);
});

test('exponential backoff with full jitter spreads the retries enough to recover', () => {
  const { leases } = storm(100, ['policy.backoff.kind=full-jitter', 'policy.backoff.base=10s', 'policy.backoff.cap=600s']);
  assert.equal(leases.collapsed, false);
});

test('the same seed gives the same digest', () => {
  const a = storm(100, ['policy.backoff.kind=full-jitter'], 7);
  const b = storm(100, ['policy.backoff.kind=full-jitter'], 7);
  assert.equal(a.digest, b.digest);
  assert.equal(a.events, b.events);
});

test('different seeds give different digests', () => {
  const a = storm(100, ['policy.backoff.kind=full-jitter'], 7);
  const b = storm(100, ['policy.backoff.kind=full-jitter'], 8);
  assert.notEqual(a.digest, b.digest);
});

test('ten hosts with fleet-sized defaults: small hosts recover, the valid fraction is exact', () => {
  const config = resolveConfig(leaseStormScenario, { sets: ['fleet.droplets=5000', 'duration=2h'] });
  const out = runSingle(leaseStormScenario.build(config));
  const leases = out.summary['leases'] as Leases;
  // 500 droplets a host at 20 ms: 10 s of work per host, well inside the 30 s timeout
  assert.equal(leases.collapsed, false);
  assert.equal(leases.recoveredAt, E + 9.9);
  assert.equal(leases.establishedTotal, 5000);
  assert.deepEqual(out.summary['fleet'], { droplets: 5000, dwfmHosts: 10 });
});
