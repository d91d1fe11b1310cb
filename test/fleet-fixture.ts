// Shared by the fleet tests: a lone shard's and a lone FIFO host's parameters with the tests'
// defaults, a run of one shard against a stand-in host, and a run of one FIFO host between a driver
// that sends it work and a sink for its fates.
import { ModelAssembly, runSingle, type Actor } from '@cascade/kernel';
import { FLEET_KINDS, FifoHost, FleetShard, type HostParams, type HostReport, type ShardParams } from '@cascade/fleet';

export const S = 1_000_000;

/** A shard of its own host: leases of R = 300 s and L = 900 s, no backoff, no launches, nobody watching. */
export function testShardParams(
  p: Pick<ShardParams, 'droplets' | 'hostId' | 'renewTickUs' | 'aheadTickUs' | 'attemptTimeoutUs' | 'endUs' | 'minThrottledRetryUs' | 'throttledRetryJitter'>,
): ShardParams {
  return {
    fleetDroplets: p.droplets,
    shardIndex: 0,
    renewIntervalUs: 300 * S,
    leaseDurationUs: 900 * S,
    backoff: { kind: 'none', baseUs: S, capUs: 300 * S },
    staggerWindowUs: 0,
    sampleIntervalUs: 60 * S,
    launchProbes: 3,
    renewAheadUs: 0,
    renewAheadSafeUs: 0,
    networkManagerId: null,
    observers: [],
    ...p,
  };
}

/** A FIFO (or drop-expired) host with no throttle window, accounting busy time from t = 0. */
export function testHostParams(p: Pick<HostParams, 'renewCostUs' | 'establishCostUs' | 'attemptTimeoutUs' | 'queue' | 'throttleRatePerS' | 'restartAtUs' | 'endUs' | 'sampleIntervalUs'>): HostParams {
  return { throttleQueueCap: 0, throttleFromUs: 0, throttleUntilUs: Infinity, accountFromUs: 0, accountFromRecovery: false, tellsOutage: false, ...p };
}

/**
 * Runs one FIFO host fed by `driver` (given the host's id, over a link of `latencyUs`); its fates
 * go to `sink`, which stands where the host's shard would. Returns the host's report.
 */
export function runFifoHost(params: HostParams, latencyUs: number, driver: (hostId: () => number) => Actor, sink: Actor): HostReport {
  const assembly = new ModelAssembly({ scenario: 'fifo-host-test', seed: 1, endUs: params.endUs, sampleIntervalUs: params.sampleIntervalUs });
  assembly.link('driver', FLEET_KINDS.host, latencyUs);
  assembly.link(FLEET_KINDS.host, FLEET_KINDS.shard, latencyUs);
  const group = assembly.newGroups(3);
  let host: FifoHost | undefined;
  let hostId = -1;
  assembly.addActors(1, { kind: 'driver', name: () => 'driver', group: () => group, create: () => driver(() => hostId) });
  const hosts = assembly.addActors(1, {
    kind: FLEET_KINDS.host,
    name: () => 'host',
    group: () => group + 1,
    create: () => (host = new FifoHost(params, { index: 0, firstShardId: hostId + 1, shardCount: 1, dropletsPerShard: 1000 })),
  });
  hostId = hosts.first;
  assembly.addActors(1, { kind: FLEET_KINDS.shard, name: () => 'sink', group: () => group + 2, create: () => sink });
  assembly.summarize(() => ({}));
  runSingle(assembly.build());
  if (host === undefined) throw new Error('the host was never created');
  return host.report();
}

/** Runs one shard (its parameters given its host's id) against a stand-in host (given the shard's id). */
export function runShard(
  seed: number,
  endUs: number,
  latencyUs: number,
  host: (shardId: () => number) => Actor,
  shard: (hostId: number) => ShardParams,
  onShard?: (shard: FleetShard) => void,
): void {
  const assembly = new ModelAssembly({ scenario: 'fleet-shard-test', seed, endUs, sampleIntervalUs: 60 * S });
  assembly.link(FLEET_KINDS.host, FLEET_KINDS.shard, latencyUs);
  const groups = assembly.newGroups(2);
  let shardId = -1;
  const hosts = assembly.addActors(1, { kind: FLEET_KINDS.host, name: () => 'stand-in-host', group: () => groups, create: () => host(() => shardId) });
  const shards = assembly.addActors(1, { kind: FLEET_KINDS.shard, name: () => 'shard', group: () => groups + 1, create: () => {
      const made = new FleetShard(shard(hosts.first));
      onShard?.(made);
      return made;
    } });
  shardId = shards.first;
  assembly.summarize(() => ({}));
  runSingle(assembly.build());
}
