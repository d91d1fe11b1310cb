// @cascade/runtime: the worker-thread pool (piscina), the control API to partition hosts
// (comlink), the wire codec (msgpackr), and the coordinator that syncs time windows.
export { CHECKPOINT_FORMAT, checkCheckpointFits, decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointDescription } from './checkpoint.js';
export { configSha256, seal, unseal } from './sealed.js';
export { CodecError, decodeBatch, decodeValue, encodeBatch, encodeValue } from './codec.js';
export { localHosts, localHostsOn, type HostGroup, type HostGroupFactory, type HostGroupRequest, type HostHandle } from './host-group.js';
export { PartitionHost, type EncodedBatch, type HostStats, type StepResult } from './host.js';
export { InterruptedError, runMany, type RunManyFn, type RunManyOptions, type RunManyResult } from './many.js';
export { WORKER_FILE, createPool, defaultThreads } from './pool.js';
export { loadModel, simulate, type Progress, type SimulateOptions, type SimulateResult } from './simulate.js';
export type { ModelRef, RunTaskResult } from './tasks.js';
