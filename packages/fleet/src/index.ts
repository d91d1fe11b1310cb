// @cascade/fleet: droplets, DWFM hosts, leases and recovery policies (the lease-storm model and
// the components the full outage scenario composes).
export { BACKOFF_KINDS, backoffCeilingUs, backoffDelayUs, type BackoffKind, type BackoffPolicy } from './backoff.js';
export { QUEUE_DISCIPLINES, type HostLayout, type HostParams, type QueueDiscipline } from './host-params.js';
export type { HostReport } from './host-core.js';
export { FifoHost } from './fifo-host.js';
export { LifoHost } from './lifo-host.js';
export { FleetShard, type ShardParams, type ShardReport } from './shard.js';
export { Fate, PRIORITY_FIRST, PRIORITY_TRAFFIC, type CapacityMsg, type CapacityResultMsg, type DynamoAvailabilityMsg, type DynamoDbMsg, type EnqueueMsg, type FatesMsg, type HostMsg, type HostOut, type RecoverMsg, type RestartAtMsg, type ShardMsg, type ThrottleMsg } from './messages.js';
export { FLEET_KINDS } from './kinds.js';
export { TimerQueue } from './timer-queue.js';
export { KEPT_ENTRIES, MessageList } from './message-list.js';
export { TOKEN_RATE_MAX, TokenBucket } from './token-bucket.js';
export {
  DROPLETS_PER_SHARD_MAX,
  addLeaseFleet,
  buildLeaseStormModel,
  hostDroplets,
  newHost,
  type LeaseFleetBlocks,
  type LeaseStormParams,
} from './lease-fleet.js';
export { addAzFleet, summarizeAzFleet, type AzFleet, type AzFleetParams, type AzFleetWiring, type AzShard } from './az-fleet.js';
export { binomial, poisson } from './binomial.js';
export { LaunchWorkload, addLaunchWorkloads, summarizeLaunches, type LaunchParams, type LaunchReport, type LaunchThrottleMsg } from './launches.js';
export { NetworkManager, addNetworkManagers, summarizeNetwork, type NetChangesMsg, type NetworkParams, type NetworkReport, type TargetsMsg } from './network-manager.js';
export { Nlb, addNlb, summarizeNlb, type FailoverMsg, type NlbParams, type NlbReport } from './nlb.js';
export {
  VERDICT_BUSY_MIN,
  VERDICT_GOODPUT_SHARE_MAX,
  VERDICT_WINDOW_MIN_US,
  VERDICT_WINDOW_TIMEOUTS,
  judge,
  leaseSections,
  latencySummary,
  scanValid,
  summarizeLeases,
  type LatencySummary,
  type ValidScan,
  type Verdict,
  type VerdictEvidence,
} from './lease-summary.js';
