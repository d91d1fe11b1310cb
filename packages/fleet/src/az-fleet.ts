// The fleet of the full outage scenario: droplets in several AZs, each AZ with its own DWFM hosts,
// DynamoDB availability driven by messages (DNS resolvers), and the shard <-> host traffic as an
// RPC with a real latency, so shards and hosts sit in separate placement groups.
import { assert, usToSeconds, type ActorId, type ModelAssembly, type Observer, type SummaryInput } from '@cascade/kernel';
import type { BackoffPolicy } from './backoff.js';
import type { HostReport } from './host-core.js';
import type { HostLayout, HostParams, QueueDiscipline } from './host-params.js';
import { DROPLETS_PER_SHARD_MAX, hostDroplets, hostLayouts, newHost, shardParams, type LeaseFleetBlocks, type ShardPlace as LeaseShardPlace } from './lease-fleet.js';
import { leaseSections } from './lease-summary.js';
import { FLEET_KINDS } from './kinds.js';
import { FleetShard } from './shard.js';

/** Everything of the AZ fleet, in integer µs. */
export interface AzFleetParams {
  readonly droplets: number;
  readonly azs: number;
  /** DWFM hosts per AZ; droplet i is in AZ i mod azs, and the j-th droplet of an AZ on host j mod D. */
  readonly dwfmHostsPerAz: number;
  readonly renewIntervalUs: number;
  /** Renewals go out on this tick (a divisor of the interval; see ShardParams). */
  readonly renewTickUs: number;
  /** A shard's renewals go to its host up to this far ahead while all its leases are valid (0: off; see ShardParams). */
  readonly renewAheadUs: number;
  /**
   * Attempts a droplet's own timer sends go to a FIFO host once per span of this length, each with
   * its own send time (a multiple of renewTickUs; see ShardParams.aheadTickUs).
   */
  readonly retryAheadUs: number;
  readonly leaseDurationUs: number;
  readonly renewCostUs: number;
  readonly establishCostUs: number;
  /** The requester's deadline (send + A); the host sees A - 2 * rpcLatency. */
  readonly attemptTimeoutUs: number;
  /** One-way shard <-> host latency; > 0 puts shards and hosts in separate groups. */
  readonly rpcLatencyUs: number;
  readonly backoff: BackoffPolicy;
  readonly queue: QueueDiscipline;
  readonly staggerWindowUs: number;
  readonly throttleRatePerS: number;
  readonly throttleQueueCap: number;
  /** The throttles apply in [throttleFromUs, throttleUntilUs). */
  readonly throttleFromUs: number;
  readonly throttleUntilUs: number;
  /** A throttled droplet retries after U[min, 2 * min) (jittered, so rejections do not stay in lockstep). */
  readonly minThrottledRetryUs: number;
  readonly restartAtUs: readonly number[];
  readonly launchProbes: number;
  readonly endUs: number;
  readonly sampleIntervalUs: number;
}

export interface AzShard {
  readonly id: ActorId;
  readonly droplets: number;
}

export interface AzFleet extends LeaseFleetBlocks {
  readonly azs: number;
  /** DWFM host ids of AZ a (what the AZ's DNS resolver notifies). */
  hostsOfAz(az: number): ActorId[];
  /** Shards of AZ a with their droplet counts (where launches go). */
  shardsOfAz(az: number): AzShard[];
}

interface ShardPlace extends LeaseShardPlace {
  readonly az: number;
  /** host index within the whole fleet (az * D + k) */
  readonly host: number;
}

/** Where shards report re-established leases (resolved when the model is built, so it may name later blocks). */
export interface AzFleetWiring {
  networkManager(az: number): ActorId;
  /** Latency of the link shard <-> Network Manager. */
  readonly networkLatencyUs: number;
  /** Who watches the leases of AZ a's shards (the operator, the AZ's Network Manager). */
  observers?(az: number): readonly Observer[];
}

/** Adds the AZ fleet's hosts and shards; DynamoDB reaches the hosts as messages from outside. */
export function addAzFleet(assembly: ModelAssembly, p: AzFleetParams, wiring?: AzFleetWiring): AzFleet {
  assert(p.azs >= 1 && p.dwfmHostsPerAz >= 1, 'an AZ fleet needs at least one AZ and one host per AZ');
  assert(p.attemptTimeoutUs > 2 * p.rpcLatencyUs, 'the attempt timeout must exceed the RPC round trip');
  const D = p.dwfmHostsPerAz;
  const hostCount = p.azs * D;
  const layouts: HostLayout[] = [];
  const places: ShardPlace[] = [];
  const perShard: number[] = [];
  for (let a = 0; a < p.azs; a++) {
    const inAz = hostDroplets(p.droplets, p.azs, a);
    for (let k = 0; k < D; k++) {
      const n = hostDroplets(inAz, D, k);
      const count = Math.ceil(n / DROPLETS_PER_SHARD_MAX);
      const per = count === 0 ? 1 : Math.ceil(n / count);
      perShard.push(per);
      for (let i = 0; i < count; i++) places.push({ az: a, host: a * D + k, index: i, droplets: Math.min(per, n - i * per) });
    }
  }
  const apart = p.rpcLatencyUs > 0;
  // Group numbers run host, its shards, next host, ...: a block placement keeps a host with its shards.
  const groups = apart ? hostCount + places.length : hostCount;
  const firstGroup = assembly.newGroups(groups);
  const hostGroupOf: number[] = [];
  const shardGroupOf: number[] = [];
  let g = firstGroup;
  for (let h = 0; h < hostCount; h++) {
    hostGroupOf.push(apart ? g++ : firstGroup + h);
    places.forEach((place, s) => {
      if (place.host === h) shardGroupOf[s] = apart ? g++ : (hostGroupOf[h] as number);
    });
  }
  assembly.link(FLEET_KINDS.host, FLEET_KINDS.shard, p.rpcLatencyUs);
  if (wiring !== undefined) assembly.link(FLEET_KINDS.shard, FLEET_KINDS.networkManager, wiring.networkLatencyUs);
  // Cost for placement, in the currency of the DNS control plane's weight (its events per second):
  // per droplet and renewal interval a shard costs about 0.6 of them and a DWFM host 0.4 (the
  // control plane weighs about four and a half hosts of 3,333 droplets with their shards, measured
  // at 50,000 droplets on 2026-12-01). But a window lasts as long as its busiest partition, and a
  // shard that sends its renewals ahead does the work of renewAhead / renewTick ticks at once, in
  // the same window as every other shard, while the control plane's work is even over windows.
  // So the fleet weighs what it costs in those windows: the fleet splits evenly over the
  // partitions, and the control plane joins the lightest. At 50,000 droplets on 2 threads that
  // shortens the longest partition's share of each window, summed over the run, from 5.0-5.5 s to
  // 4.7-5.0 s (both partitions run window by window in one thread, alternated with the weights by
  // totals), and the 2-thread run from 7.9-9.1 s to 7.5-7.7 s.
  // a FIFO host books renewals sent ahead in arrival order (a LIFO host learns fates only as it serves)
  const renewAheadUs = p.queue !== 'lifo' ? p.renewAheadUs : 0;
  const weight = new Array<number>(groups).fill(0);
  places.forEach((place, s) => {
    const shard = (shardGroupOf[s] as number) - firstGroup;
    const host = (hostGroupOf[place.host] as number) - firstGroup;
    const renewalsPerS = (Math.max(1, renewAheadUs / p.renewTickUs) * 1e6) / p.renewIntervalUs;
    weight[shard] = (weight[shard] as number) + 0.6 * place.droplets * renewalsPerS;
    weight[host] = (weight[host] as number) + 0.4 * place.droplets * renewalsPerS;
  });
  assembly.weighGroups(firstGroup, groups, (i) => weight[i] as number);
  // A host and its shards exchange a message every few milliseconds of simulated time.
  if (apart) {
    for (let h = 0; h < hostCount; h++) {
      assembly.keepTogether([hostGroupOf[h] as number, ...places.flatMap((place, s) => (place.host === h ? [shardGroupOf[s] as number] : []))]);
    }
  }
  const hostParams: HostParams = {
    renewCostUs: p.renewCostUs,
    establishCostUs: p.establishCostUs,
    attemptTimeoutUs: p.attemptTimeoutUs - 2 * p.rpcLatencyUs,
    queue: p.queue,
    throttleRatePerS: p.throttleRatePerS,
    throttleQueueCap: p.throttleQueueCap,
    throttleFromUs: p.throttleFromUs,
    throttleUntilUs: p.throttleUntilUs,
    restartAtUs: [...p.restartAtUs].sort((x, y) => x - y),
    accountFromUs: 0,
    accountFromRecovery: true,
    tellsOutage: false,
    endUs: p.endUs,
    sampleIntervalUs: p.sampleIntervalUs,
  };
  // hosts take ids before their shards, so at an instant a host's own events order first
  const hosts = assembly.addActors(hostCount, {
    kind: FLEET_KINDS.host,
    name: (h) => `dwfm-az${Math.floor(h / D)}-${h % D}`,
    group: (h) => hostGroupOf[h] as number,
    create: (h) => newHost(hostParams, layouts[h] as HostLayout),
  });
  const shards = assembly.addActors(places.length, {
    kind: FLEET_KINDS.shard,
    name: (s) => {
      const place = places[s] as ShardPlace;
      return `fleet-shard-az${place.az}-${place.host % D}.${place.index}`;
    },
    group: (s) => shardGroupOf[s] as number,
    create: (s) => {
      const place = places[s] as ShardPlace;
      return new FleetShard(
        shardParams(p, place, hosts.first, {
          renewTickUs: p.renewTickUs,
          // a LIFO host learns an item's fate only when it serves it: every attempt goes at its instant
          aheadTickUs: p.queue === 'lifo' ? 1 : p.retryAheadUs,
          renewAheadUs,
          renewAheadSafeUs: renewAheadUs > 0 ? renewAheadUs + 2 * p.rpcLatencyUs + 1 : 0,
          minThrottledRetryUs: p.minThrottledRetryUs,
          throttledRetryJitter: true,
          launchProbes: p.launchProbes,
          networkManagerId: wiring === undefined ? null : wiring.networkManager(place.az),
          observers: wiring?.observers?.(place.az) ?? [],
        }),
      );
    },
  });
  layouts.push(...hostLayouts(places, hostCount, shards.first, perShard));
  return {
    hosts,
    shards,
    azs: p.azs,
    hostsOfAz: (az) => Array.from({ length: D }, (_, k) => hosts.first + az * D + k),
    shardsOfAz: (az) => places.flatMap((place, s) => (place.az === az && place.droplets > 0 ? [{ id: shards.first + s, droplets: place.droplets }] : [])),
  };
}

/**
 * `fleet`, `leases` and `dwfm` of the summary. dynamodb.availableAt as the hosts saw it: the last
 * host to get DynamoDB back (null if one still lacks it); 0 when no host ever lost it.
 */
export function summarizeAzFleet(input: SummaryInput, fleet: AzFleet, p: AzFleetParams) {
  const hosts: HostReport[] = [];
  for (let h = 0; h < fleet.hosts.count; h++) hosts.push(input.reports[fleet.hosts.first + h] as HostReport);
  const lost = hosts.some((h) => h.unavailableFromUs !== null);
  const availableUs = !lost ? 0 : hosts.every((h) => h.availableAtEnd) ? Math.max(...hosts.map((h) => h.availableAgainUs ?? 0)) : null;
  const { leases, dwfm, recoveredUs } = leaseSections(input, fleet, p.droplets, availableUs);
  const lostFrom = lost ? Math.min(...hosts.flatMap((h) => (h.unavailableFromUs === null ? [] : [h.unavailableFromUs]))) : null;
  return {
    availableUs,
    recoveredUs,
    sections: {
      fleet: { droplets: p.droplets, dwfmHosts: fleet.hosts.count, azs: p.azs, dwfmHostsPerAz: p.dwfmHostsPerAz, shards: fleet.shards.count },
      leases,
      dwfm: {
        ...dwfm,
        dynamodbLostAt: lostFrom === null ? null : usToSeconds(lostFrom),
        dynamodbBackAt: availableUs === null || !lost ? null : usToSeconds(availableUs),
      },
    },
  };
}
