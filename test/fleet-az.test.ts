// The AZ fleet of the full scenario on small setups: DynamoDB availability arrives as messages,
// the shard <-> host RPC has a latency (separate placement groups), and results do not depend on
// how the groups are placed on threads.
import { ModelAssembly, runSingle, type Actor, type ActorId, type Context, type Message } from '@cascade/kernel';
import { FLEET_KINDS, addAzFleet, summarizeAzFleet, type AzFleetParams, type DynamoAvailabilityMsg } from '@cascade/fleet';
import { simulate } from '@cascade/runtime';
import { resolveConfig, usEast1Scenario } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const S = 1_000_000;

function params(over: Partial<AzFleetParams> = {}): AzFleetParams {
  return {
    droplets: 3,
    azs: 1,
    dwfmHostsPerAz: 1,
    renewIntervalUs: 300 * S,
    renewTickUs: 1,
    renewAheadUs: 0,
    retryAheadUs: 1,
    leaseDurationUs: 900 * S,
    renewCostUs: 2_000,
    establishCostUs: 1 * S,
    attemptTimeoutUs: 30 * S,
    rpcLatencyUs: 1 * S,
    backoff: { kind: 'none', baseUs: S, capUs: 300 * S },
    queue: 'fifo',
    staggerWindowUs: 0,
    throttleRatePerS: 0,
    throttleQueueCap: 0,
    throttleFromUs: 0,
    throttleUntilUs: Infinity,
    minThrottledRetryUs: S,
    restartAtUs: [],
    launchProbes: 3,
    endUs: 5000 * S,
    sampleIntervalUs: 60 * S,
    ...over,
  };
}

/** Sends `dynamodb-availability` to the given hosts: down at `downUs`, up at `upUs` (like a DNS resolver). */
class DynamoSwitch implements Actor {
  constructor(
    private readonly hosts: () => ActorId[],
    private readonly downUs: number,
    private readonly upUs: number,
  ) {}

  init(ctx: Context): void {
    for (const h of this.hosts()) {
      ctx.sendAfter(this.downUs, h, { kind: 'dynamodb-availability', available: false, resolver: 0 } as DynamoAvailabilityMsg);
      ctx.sendAfter(this.upUs, h, { kind: 'dynamodb-availability', available: true, resolver: 0 } as DynamoAvailabilityMsg);
    }
  }

  receive(msg: Message): void {
    throw new Error(`the switch takes no messages, got ${msg.kind}`);
  }
}

function run(p: AzFleetParams, downUs: number, upUs: number) {
  const assembly = new ModelAssembly({ scenario: 'az-fleet-test', seed: 1, endUs: p.endUs, sampleIntervalUs: p.sampleIntervalUs });
  const fleet = addAzFleet(assembly, p);
  const group = assembly.newGroups(1);
  assembly.link('dynamodb-switch', FLEET_KINDS.host, 0);
  assembly.addActors(1, {
    kind: 'dynamodb-switch',
    name: () => 'dynamodb-switch',
    group: () => group,
    create: () => new DynamoSwitch(() => Array.from({ length: p.azs }, (_, a) => fleet.hostsOfAz(a)).flat(), downUs, upUs),
  });
  assembly.summarize((input) => summarizeAzFleet(input, fleet, p).sections);
  const out = runSingle(assembly.build());
  return { ...out, fleet, leases: out.summary['leases'] as { recoveredAt: number | null; validFractionMin: number; establishedTotal: number; collapsed: boolean }, dwfm: out.summary['dwfm'] as Record<string, number | null> };
}

test('hosts that lose DynamoDB by message let every lease lapse, and re-establish them all when it comes back', () => {
  const { leases, dwfm } = run(params({ droplets: 30, azs: 3, dwfmHostsPerAz: 2 }), 600 * S, 4200 * S);
  assert.equal(leases.validFractionMin, 0);
  assert.equal(leases.establishedTotal, 30);
  assert.equal(leases.collapsed, false);
  assert.equal(dwfm['dynamodbLostAt'], 600);
  assert.equal(dwfm['dynamodbBackAt'], 4200);
});

test('the RPC latency puts a round trip and a one-way delay into each re-establishment, as computed by hand', () => {
  // DynamoDB back at E: 'recover' reaches the shard at E + 1, the attempts reach the host at E + 2,
  // complete at E + 3, E + 4, E + 5 (1 s each) and the shard learns of the last at E + 6.
  const E = 4200;
  const { leases } = run(params(), 600 * S, E * S);
  assert.equal(leases.recoveredAt, E + 6);
});

test('an attempt whose reply would land after its deadline times out, though the host finished it within A', () => {
  // 40 droplets on one host at 1 s each, sent at E + 1, queued at E + 2: the k-th completes at
  // E + 2 + k and its reply lands at E + 3 + k, on time iff <= E + 31 (k <= 28). The 12 others time
  // out at E + 31, retry at once, queue behind the first pass (free at E + 42) and complete at
  // E + 43 .. E + 54, so the last lease is back at E + 55.
  const E = 4200;
  const { leases, dwfm } = run(params({ droplets: 40 }), 600 * S, E * S);
  assert.equal(dwfm['timeouts'], 12);
  assert.equal(leases.recoveredAt, E + 55);
});

test('shards and hosts sit in separate placement groups linked by the RPC latency', () => {
  const p = params({ droplets: 30, azs: 3, dwfmHostsPerAz: 2 });
  const { fleet } = run(p, 600 * S, 4200 * S);
  const assembly = new ModelAssembly({ scenario: 'x', seed: 1, endUs: p.endUs, sampleIntervalUs: p.sampleIntervalUs });
  const again = addAzFleet(assembly, p);
  const model = assembly.build();
  const hostGroups = new Set(Array.from({ length: again.hosts.count }, (_, h) => model.groupOf(again.hosts.first + h)));
  const shardGroups = new Set(Array.from({ length: again.shards.count }, (_, s) => model.groupOf(again.shards.first + s)));
  assert.equal(hostGroups.size, fleet.hosts.count);
  for (const g of shardGroups) assert.ok(!hostGroups.has(g), 'no shard shares a host group');
  assert.equal(model.lookaheadUs, p.rpcLatencyUs);
});

test('a small full-fleet run has the same digest on 1 and 2 threads', async () => {
  const config = resolveConfig(usEast1Scenario, { fleet: '3000', sets: ['fleet.dwfmHostsPerAz=2', 'duration=6h'] });
  const modelModule = import.meta.resolve('@cascade/scenarios');
  const one = await simulate({ modelModule, scenario: usEast1Scenario.name, config, threads: 1 });
  const two = await simulate({ modelModule, scenario: usEast1Scenario.name, config, threads: 2 });
  assert.ok(two.partitions === 2, 'the run was split over two partitions');
  assert.equal(two.digest, one.digest);
  assert.deepEqual(two.summary, one.summary);
});
