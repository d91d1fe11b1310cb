// The DWFM verdict (docs/metastability.md) and its evidence on lease-storm, with the default load of
// 10,000 droplets per DWFM host on one host: metastable under FIFO without backoff, recovered when
// the host drops expired items. Figures checked by queueing arithmetic (20 ms per establish).
import { runSingle } from '@cascade/kernel';
import { leaseStormScenario, resolveConfig } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface Evidence {
  windowStart: number | null;
  windowSeconds: number;
  throughput: number | null;
  goodput: number | null;
  utilization: number | null;
  backlogTrend: number | null;
  validStart: number | null;
  validEnd: number | null;
  projectedRecoveryAt: number | null;
}

/** lease-storm's defaults with one host of 10,000 droplets, run to 15 min after the outage ends. */
function storm(sets: string[] = [], duration = 4200 + 900) {
  const config = resolveConfig(leaseStormScenario, { sets: ['fleet.droplets=10000', 'fleet.dwfmHosts=1', `duration=${duration}`, ...sets] });
  const out = runSingle(leaseStormScenario.build(config));
  const leases = out.summary['leases'] as Record<string, unknown> & { verdict: string | null; verdictEvidence: Evidence; collapsed: boolean };
  const dwfm = out.summary['dwfm'] as Record<string, number | null>;
  return { out, leases, dwfm };
}

test('lease-storm at its default load per host, FIFO and no backoff, is metastable: busy servers, zero goodput', () => {
  const { leases, dwfm } = storm();
  assert.equal(leases.collapsed, true);
  assert.equal(leases.verdict, 'metastable');
  const e = leases.verdictEvidence;
  // the last 10 attempt timeouts (300 s) of the run, after DynamoDB came back at 4200 s
  assert.equal(e.windowSeconds, 300);
  assert.equal(e.windowStart, 4800);
  assert.equal(e.utilization, 1);
  // one item per 20 ms, none on time
  assert.equal(e.throughput, 50);
  assert.equal(e.goodput, 0);
  assert.ok((e.backlogTrend as number) > 0, `the stale backlog grows: ${e.backlogTrend}`);
  assert.equal(e.projectedRecoveryAt, null);
  // 1,500 establishes fit in the first 30 s deadline, then nothing useful; each later item is a stale copy
  assert.equal(leases['establishedTotal'], 1500);
  assert.ok((dwfm['workAmplification'] as number) > 20, `amplification ${dwfm['workAmplification']}`);
  assert.ok((leases['retriesPerDroplet'] as number) > 20, `retries per droplet ${leases['retriesPerDroplet']}`);
});

test('the same storm recovers when the host drops expired items', () => {
  const { leases, dwfm } = storm(['policy.queue=drop-expired']);
  assert.equal(leases.collapsed, false);
  assert.equal(leases.verdict, 'recovered');
  // almost no busy second is wasted (a few late renewals); attempts per lease stay near one
  assert.ok((dwfm['workAmplification'] as number) < 1.01, `amplification ${dwfm['workAmplification']}`);
  assert.ok((leases['attemptsPerEstablished'] as number) < 4, `attempts per lease ${leases['attemptsPerEstablished']}`);
});

test('a storm cut off while goodput still flows is recovering, with a projected recovery time', () => {
  // drop-expired recovers 10,000 droplets at 1,500 per 30 s: about 200 s; judged at 4200 + 420 s with a 5-minute window
  const { leases } = storm(['policy.queue=drop-expired', 'lease.attemptTimeout=10s', 'lease.establishCost=100ms'], 4200 + 420);
  assert.equal(leases.collapsed, true);
  assert.equal(leases.verdict, 'recovering');
  const e = leases.verdictEvidence;
  assert.ok((e.goodput as number) > 0);
  assert.ok((e.validEnd as number) > (e.validStart as number));
  assert.ok((e.projectedRecoveryAt as number) > 4620, `projected ${e.projectedRecoveryAt}`);
});

test('no verdict while DynamoDB is still down in the evidence window', () => {
  const { leases } = storm(['outage.end=5000'], 5100);
  assert.equal(leases.collapsed, true);
  assert.equal(leases.verdict, null);
});

test('throughput and goodput are time series of DWFM in items per second', () => {
  const { out } = storm();
  const series = out.metrics.series;
  const throughput = series['dwfm.throughput'];
  const goodput = series['dwfm.goodput'];
  assert.ok(throughput !== undefined && goodput !== undefined);
  // the interval 4260..4320 s: the server never idles (50 items/s), and nothing is on time
  assert.equal(throughput.buckets[4260 / 60], 50);
  assert.equal(goodput.buckets[4260 / 60], undefined);
  // the first interval after the outage holds the 1,500 on-time establishes: 25/s
  assert.equal(goodput.buckets[4200 / 60], 25);
});
