// Messages between fleet shards and DWFM hosts. Lease traffic is batched: one message carries every
// item a shard sends at one instant, and one reply carries their fates.
import type { Message } from '@cascade/kernel';

/** An item code: (droplet index within the shard) * 2 + (1 for an establish attempt, 0 for a renewal). */
export type ItemCode = number;

/** Shard -> host: items sent at this instant, in the order they join the host's queue. */
export interface EnqueueMsg extends Message {
  readonly kind: 'enqueue';
  /** The sending shard's index among its host's shards. */
  readonly shard: number;
  /**
   * Sent with PRIORITY_FIRST (the recovery workflow's attempts): at its instant the host hears it
   * before any shard's lease traffic, renewals sent ahead included.
   */
  readonly first: boolean;
  readonly items: ItemCode[];
  /**
   * Items sent ahead (`FleetShard` with a send tick): each item's own send time, as an offset in µs
   * from this message's send time, not decreasing; absent when every item is sent now.
   */
  readonly aheadUs?: number[];
}

/**
 * Shard -> FIFO host: renewals sent ahead over a horizon (`ShardParams.renewAheadUs`), each with its
 * own send time as an offset in µs from this message's send time, not decreasing. Unlike an
 * enqueue's items sent ahead, the host books each one only once its arrival has passed, so that
 * whatever reaches the host in between (DynamoDB's availability, a restart, a throttle) applies to
 * it as it would to a renewal sent at its own time; the fates follow then.
 */
export interface RenewalsAheadMsg extends Message {
  readonly kind: 'renewals-ahead';
  readonly shard: number;
  /** Kept by the host until booked: nobody changes them once sent. */
  readonly items: readonly ItemCode[];
  readonly aheadUs: readonly number[];
}

/** What happens to an item, as the host knows it (times in µs). */
export const Fate = {
  /** completes on time at `time` (an attempt with no fate times out at its deadline) */
  ok: 1,
  /** establish: dropped by a host restart at `time` while still current */
  dropped: 3,
  /** establish: rejected by the host's throttle */
  throttled: 4,
  /** establish: not sent, DynamoDB unavailable; wait for the recovery workflow */
  unavailable: 5,
} as const;
export type FateCode = (typeof Fate)[keyof typeof Fate];

/**
 * Host -> shard: fates of items, each with the time it joined the host's queue (to match the
 * droplet's attempt). Times are the host's: the shard hears of a fate one transit (its arrival less
 * `sentAtUs`) after it happens, and its own send was one transit before the item joined the queue
 * (links are symmetric). Only news is sent: an establish attempt with no fate times out at its
 * deadline, a renewal with no fate changes nothing.
 */
export interface FatesMsg extends Message {
  readonly kind: 'fates';
  readonly items: ItemCode[];
  readonly fates: FateCode[];
  readonly timesUs: number[];
  readonly enqueuedUs: number[];
  /** When the host sent this reply. */
  readonly sentAtUs: number;
}

/** Host -> shard: DynamoDB is healthy again; enqueue every waiting droplet (the recovery workflow). */
export interface RecoverMsg extends Message {
  readonly kind: 'recover';
}

/**
 * Host -> shard, when the host tells its shards (HostParams.tellsOutage): DynamoDB is unavailable
 * from now until the next `recover`, so every item sent meanwhile would fail at once.
 */
export interface OutageMsg extends Message {
  readonly kind: 'outage';
}

/** -> host: DynamoDB availability as the host sees it from now on. */
export interface DynamoDbMsg extends Message {
  readonly kind: 'dynamodb';
  readonly available: boolean;
}

/**
 * -> host: what a DNS resolver tells its subscribers (structurally `DynamoAvailabilityMessage` of
 * @cascade/dns; the fleet does not import the DNS package).
 */
export interface DynamoAvailabilityMsg extends Message {
  readonly kind: 'dynamodb-availability';
  readonly available: boolean;
  readonly resolver: number;
}

/** Operator -> host: restart `afterUs` after this message arrives (sent ahead: a FIFO host fixes fates at enqueue). */
export interface RestartAtMsg extends Message {
  readonly kind: 'restart-at';
  readonly afterUs: number;
}

/** Operator -> host: admit establish attempts at this rate from now on; 0 lifts the throttle. */
export interface ThrottleMsg extends Message {
  readonly kind: 'throttle';
  readonly ratePerS: number;
}

/** Launch workload -> shard: launches to place on this shard's droplets. */
export interface CapacityMsg extends Message {
  readonly kind: 'capacity';
  /** The asking actor (the reply goes there) and its request number. */
  readonly from: number;
  readonly request: number;
  readonly launches: number;
}

/** Shard -> launch workload: how many of a request's launches found a droplet with a valid lease. */
export interface CapacityResultMsg extends Message {
  readonly kind: 'capacity-result';
  readonly request: number;
  readonly shard: number;
  readonly launches: number;
  readonly launchesOk: number;
}

/** What a DWFM host receives. */
export type HostMsg = EnqueueMsg | RenewalsAheadMsg | DynamoDbMsg | DynamoAvailabilityMsg | RestartAtMsg | ThrottleMsg;
/** What a fleet shard receives. */
export type ShardMsg = FatesMsg | RecoverMsg | OutageMsg | CapacityMsg;
/** What a DWFM host sends: replies to its shards. */
export type HostOut = FatesMsg | RecoverMsg | OutageMsg;

/** Priority of completions, fates, restarts and the recovery workflow: before anything else at an instant. */
export const PRIORITY_FIRST = 0;
/** Priority of ordinary lease traffic. */
export const PRIORITY_TRAFFIC = 1;
