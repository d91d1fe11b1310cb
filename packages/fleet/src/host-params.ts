// The settings of a DWFM host (one server with a queue), in integer µs.
export const QUEUE_DISCIPLINES = ['fifo', 'lifo', 'drop-expired'] as const;
export type QueueDiscipline = (typeof QUEUE_DISCIPLINES)[number];

export interface HostParams {
  readonly renewCostUs: number;
  readonly establishCostUs: number;
  /** Deadline of an item = enqueue time + attemptTimeoutUs. */
  readonly attemptTimeoutUs: number;
  readonly queue: QueueDiscipline;
  /** Admission tokens per second for establish attempts; 0 = off. */
  readonly throttleRatePerS: number;
  /** Establish attempts are admitted only while fewer items wait; 0 = off. */
  readonly throttleQueueCap: number;
  /** The throttles apply in [throttleFromUs, throttleUntilUs) (lease-storm: 0 and Infinity, always). */
  readonly throttleFromUs: number;
  readonly throttleUntilUs: number;
  /** Operator restarts, ascending. */
  readonly restartAtUs: readonly number[];
  /** Busy and wasted time are totalled from here (dynamodb.availableAt). */
  readonly accountFromUs: number;
  /** Account busy time from the moment this host sees DynamoDB come back instead (its outage end is not known ahead). */
  readonly accountFromRecovery: boolean;
  /**
   * Tell the shards when DynamoDB becomes unavailable (an `outage`), so that a shard judges an item
   * sent during the outage itself rather than sending it to fail at once. Exact only where the
   * link to the shards has no latency (lease-storm); us-east-1's shards judge by the host's fates.
   */
  readonly tellsOutage: boolean;
  readonly endUs: number;
  readonly sampleIntervalUs: number;
}

/** Where a host's shards are: actor ids firstShardId.., each holding dropletsPerShard droplets (the last fewer). */
export interface HostLayout {
  readonly index: number;
  readonly firstShardId: number;
  readonly shardCount: number;
  readonly dropletsPerShard: number;
}
