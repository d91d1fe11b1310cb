// The lease-storm fleet as a component: D DWFM hosts, each with the shards holding its droplets
// (droplet i -> host i mod D), one placement group per host (the link has zero latency), and the
// DynamoDB outage driven into the hosts as messages.
import { ModelAssembly, type ActorBlock, type ActorId, type Model, type Actor, type Context } from '@cascade/kernel';
import type { BackoffPolicy } from './backoff.js';
import { FifoHost } from './fifo-host.js';
import type { HostLayout, HostParams, QueueDiscipline } from './host-params.js';
import { LifoHost } from './lifo-host.js';
import { FLEET_KINDS } from './kinds.js';
import { PRIORITY_FIRST, type DynamoDbMsg, type HostMsg, type HostOut } from './messages.js';
import { FleetShard, type ShardParams } from './shard.js';
import { summarizeLeases } from './lease-summary.js';

/** Droplets per shard at most: big enough to batch, small enough to keep a shard's arrays modest. */
export const DROPLETS_PER_SHARD_MAX = 16_384;

/** Everything of the lease-storm model, in integer µs (see CONTRACT.md for the meaning of each). */
export interface LeaseStormParams {
  readonly droplets: number;
  readonly dwfmHosts: number;
  readonly renewIntervalUs: number;
  readonly leaseDurationUs: number;
  readonly renewCostUs: number;
  readonly establishCostUs: number;
  readonly attemptTimeoutUs: number;
  readonly outageStartUs: number;
  readonly outageEndUs: number;
  readonly endUs: number;
  readonly backoff: BackoffPolicy;
  readonly queue: QueueDiscipline;
  readonly staggerWindowUs: number;
  readonly throttleRatePerS: number;
  readonly throttleQueueCap: number;
  readonly restartAtUs: readonly number[];
  readonly seed: number;
  readonly sampleIntervalUs: number;
  /**
   * An engine setting, not part of the model: while all of a shard's leases are valid, its
   * renewals of the next horizon go to a FIFO host in one message, each booked at its own send
   * time on the µs grid (see ShardParams.renewAheadUs). 0 sends each at its instant; absent:
   * RENEW_AHEAD_US, or less than half the renewal interval when that is shorter.
   */
  readonly renewAheadUs?: number;
  /**
   * An engine setting: the hosts tell their shards when DynamoDB goes away (HostParams.tellsOutage),
   * so that an item sent during the outage is judged by its shard, without a message (default true).
   */
  readonly tellsOutage?: boolean;
}

/** Lease-storm's default horizon for renewals sent ahead (as us-east-1's `lease.renewAhead`). */
export const RENEW_AHEAD_US = 20_000_000;

export interface LeaseFleetBlocks {
  readonly hosts: ActorBlock;
  readonly shards: ActorBlock;
}

export interface ShardPlace {
  readonly host: number;
  readonly index: number;
  readonly droplets: number;
}

/** What every fleet's shards take from its parameters. */
export type ShardLeaseFields = Pick<
  LeaseStormParams,
  'droplets' | 'renewIntervalUs' | 'leaseDurationUs' | 'attemptTimeoutUs' | 'backoff' | 'staggerWindowUs' | 'endUs' | 'sampleIntervalUs'
>;

/** What differs between fleets' shards beyond the lease fields. */
export type ShardWiring = Pick<ShardParams, 'renewTickUs' | 'aheadTickUs' | 'renewAheadUs' | 'renewAheadSafeUs' | 'minThrottledRetryUs' | 'throttledRetryJitter' | 'launchProbes' | 'networkManagerId' | 'observers'>;

/**
 * Lease-storm's shards: renewals on the exact µs grid (rule 1), attempts each at its instant, a
 * throttled retry waits at least 1 s (CONTRACT.md rule 10), no launches, nobody watching; renewals
 * sent ahead to a FIFO host (the link has no latency).
 */
function leaseStormShard(p: LeaseStormParams): ShardWiring {
  const horizonUs = p.queue === 'lifo' ? 0 : (p.renewAheadUs ?? Math.min(RENEW_AHEAD_US, Math.floor((p.renewIntervalUs - 1) / 2)));
  return { renewTickUs: 1, aheadTickUs: 1, renewAheadUs: horizonUs, renewAheadSafeUs: horizonUs > 0 ? horizonUs + 1 : 0, minThrottledRetryUs: 1_000_000, throttledRetryJitter: false, launchProbes: 0, networkManagerId: null, observers: [] };
}

/** A shard's parameters from its place, its fleet's lease fields and its wiring. */
export function shardParams(p: ShardLeaseFields, place: ShardPlace, firstHost: ActorId, wiring: ShardWiring): ShardParams {
  return {
    ...wiring,
    droplets: place.droplets,
    fleetDroplets: p.droplets,
    hostId: firstHost + place.host,
    shardIndex: place.index,
    renewIntervalUs: p.renewIntervalUs,
    leaseDurationUs: p.leaseDurationUs,
    attemptTimeoutUs: p.attemptTimeoutUs,
    backoff: p.backoff,
    staggerWindowUs: p.staggerWindowUs,
    endUs: p.endUs,
    sampleIntervalUs: p.sampleIntervalUs,
  };
}

/** Host layouts in host order: each host's shards are consecutive ids from firstShardId. */
export function hostLayouts(places: readonly ShardPlace[], hostCount: number, firstShardId: ActorId, perShard: readonly number[]): HostLayout[] {
  const layouts: HostLayout[] = [];
  let next = firstShardId;
  for (let h = 0; h < hostCount; h++) {
    const count = places.filter((s) => s.host === h).length;
    layouts.push({ index: h, firstShardId: next, shardCount: count, dropletsPerShard: perShard[h] as number });
    next += count;
  }
  return layouts;
}

/** Droplets of host h: i = h, h + D, ... < N. */
export function hostDroplets(droplets: number, hosts: number, h: number): number {
  return h < droplets ? Math.floor((droplets - 1 - h) / hosts) + 1 : 0;
}

/** Adds the hosts and shards of a lease-storm fleet to an assembly. */
export function addLeaseFleet(assembly: ModelAssembly, p: LeaseStormParams): LeaseFleetBlocks {
  const D = p.dwfmHosts;
  const firstGroup = assembly.newGroups(D);
  // A group is a host and its shards: their cost grows with the host's droplets.
  assembly.weighGroups(firstGroup, D, (h) => hostDroplets(p.droplets, D, h));
  const layouts: HostLayout[] = [];
  const shards: ShardPlace[] = [];
  const perShard: number[] = [];
  for (let h = 0; h < D; h++) {
    const n = hostDroplets(p.droplets, D, h);
    const count = Math.ceil(n / DROPLETS_PER_SHARD_MAX);
    const per = count === 0 ? 1 : Math.ceil(n / count);
    perShard.push(per);
    for (let k = 0; k < count; k++) shards.push({ host: h, index: k, droplets: Math.min(per, n - k * per) });
  }
  const hostParams: HostParams = {
    renewCostUs: p.renewCostUs,
    establishCostUs: p.establishCostUs,
    attemptTimeoutUs: p.attemptTimeoutUs,
    queue: p.queue,
    throttleRatePerS: p.throttleRatePerS,
    throttleQueueCap: p.throttleQueueCap,
    restartAtUs: [...p.restartAtUs].sort((a, b) => a - b),
    accountFromUs: p.outageEndUs,
    accountFromRecovery: false,
    tellsOutage: p.tellsOutage ?? true,
    throttleFromUs: 0,
    throttleUntilUs: Infinity,
    endUs: p.endUs,
    sampleIntervalUs: p.sampleIntervalUs,
  };
  // hosts take ids before their shards, so at an instant a host's own events order first
  // a host and its shards share a machine: the link has no latency
  assembly.link(FLEET_KINDS.host, FLEET_KINDS.shard, 0);
  const hosts = assembly.addActors(D, {
    kind: FLEET_KINDS.host,
    name: (h) => `dwfm-${h}`,
    group: (h) => firstGroup + h,
    create: (h) => new OutageScheduled(newHost(hostParams, layouts[h] as HostLayout), p.outageStartUs, p.outageEndUs),
  });
  const wiring = leaseStormShard(p);
  const shardBlock = assembly.addActors(shards.length, {
    kind: FLEET_KINDS.shard,
    name: (s) => `fleet-shard-${(shards[s] as ShardPlace).host}.${(shards[s] as ShardPlace).index}`,
    group: (s) => firstGroup + (shards[s] as ShardPlace).host,
    create: (s) => new FleetShard(shardParams(p, shards[s] as ShardPlace, hosts.first, wiring)),
  });
  layouts.push(...hostLayouts(shards, D, shardBlock.first, perShard));
  return { hosts, shards: shardBlock };
}

export function newHost(params: HostParams, layout: HostLayout): FifoHost | LifoHost {
  return params.queue === 'lifo' ? new LifoHost(params, layout) : new FifoHost(params, layout);
}

/** Wraps a host so that DynamoDB goes away at outageStartUs and comes back at outageEndUs. */
class OutageScheduled implements Actor<HostMsg, HostOut> {
  constructor(
    private readonly host: FifoHost | LifoHost,
    private readonly startUs: number,
    private readonly endUs: number,
  ) {}

  init(ctx: Context<HostMsg, HostOut>): void {
    if (this.endUs > this.startUs) {
      const down: DynamoDbMsg = { kind: 'dynamodb', available: false };
      const up: DynamoDbMsg = { kind: 'dynamodb', available: true };
      ctx.after(this.startUs, down, PRIORITY_FIRST);
      ctx.after(this.endUs, up, PRIORITY_FIRST);
    }
    this.host.init(ctx);
  }

  receive(msg: HostMsg, ctx: Context<HostMsg, HostOut>): void {
    this.host.receive(msg, ctx);
  }

  wake(ctx: Context<HostMsg, HostOut>): void {
    this.host.wake(ctx);
  }

  report(): unknown {
    return this.host.report();
  }
}

/** The lease-storm scenario's model. */
export function buildLeaseStormModel(p: LeaseStormParams): Model {
  const assembly = new ModelAssembly({ scenario: 'lease-storm', seed: p.seed, endUs: p.endUs, sampleIntervalUs: p.sampleIntervalUs });
  const blocks = addLeaseFleet(assembly, p);
  assembly.summarize((input) => summarizeLeases(input, blocks, p));
  return assembly.build();
}
