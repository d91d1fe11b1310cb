// Golden rule: the same scenario and seed give the same digest for any thread count and any
// placement of partitions on threads — here for the fleet models.
import { simulate } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const SCENARIOS = import.meta.resolve('@cascade/scenarios');

test('lease-storm has the same digest on 1, 2 and 4 threads under every placement', async () => {
  const config = resolveConfig(scenarioDef('lease-storm'), { fleet: '4000', sets: ['fleet.dwfmHosts=4', 'duration=2h', 'policy.backoff.kind=full-jitter'] });
  const base = await simulate({ modelModule: SCENARIOS, scenario: 'lease-storm', config, threads: 1 });
  assert.ok(base.events > 100_000);
  for (const [threads, placement] of [[2, 'block'], [2, 'round-robin'], [4, 'hash']] as const) {
    const run = await simulate({ modelModule: SCENARIOS, scenario: 'lease-storm', config, threads, placement });
    assert.equal(run.partitions, threads);
    assert.equal(run.digest, base.digest, `${threads} threads, ${placement}`);
  }
  const other = await simulate({ modelModule: SCENARIOS, scenario: 'lease-storm', config: { ...config, seed: 2 }, threads: 2 });
  assert.notEqual(other.digest, base.digest);
});

test('the full scenario, whose shards and DWFM hosts talk over an RPC link between partitions, has the same digest under every placement', async () => {
  // 4 h: the DNS outage and the start of the recovery storm, whose traffic crosses partitions
  const config = resolveConfig(scenarioDef('us-east-1-2025-10-20'), { fleet: '3000', sets: ['duration=4h'] });
  const base = await simulate({ modelModule: SCENARIOS, scenario: 'us-east-1-2025-10-20', config, threads: 1 });
  for (const [threads, placement] of [[2, 'balanced'], [3, 'hash']] as const) {
    const run = await simulate({ modelModule: SCENARIOS, scenario: 'us-east-1-2025-10-20', config, threads, placement });
    assert.ok(run.windows > 100, 'crosses partitions window by window');
    assert.equal(run.digest, base.digest, `${threads} threads, ${placement}`);
  }
});
