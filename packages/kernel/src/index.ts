// @cascade/kernel: simulated time, the event queue, RNG streams, the actor API and partitions.
export type { Actor, ActorId, Context, Message } from './actor.js';
export { ModelAssembly, type ActorBlock, type AssemblyOptions } from './assembly.js';
export { assert, AssertionError } from './assert.js';
export { EventDigest, DIGEST_LANES } from './digest.js';
export { ModelError, SimulationError } from './errors.js';
export {
  HIGHEST_TRACKABLE_US,
  Metrics,
  decodeHistogram,
  decodeSlotCounts,
  encodeSlotCounts,
  hdrHistogram,
  histogramSlot,
  histogramSlotValue,
  slotHighestValue,
  slotPercentile,
  mergeMetrics,
  newHistogram,
  type MergedMetrics,
  type MetricsExport,
  type ResultMetrics,
  type SeriesExport,
  type SlotCounts,
  type SeriesMode,
} from './metrics.js';
export type { Model, ModelModule, SummaryInput } from './model.js';
export type { ObservationMsg, Observer } from './observation.js';
export {
  DEFAULT_PRIORITY,
  MAX_PRIORITY,
  Partition,
  type OutBatch,
  type PartitionResult,
  type PartitionState,
  type SavedActor,
  type SavedEvent,
} from './partition.js';
export { SnapshotError, registerSnapshotClasses, restoreActor, snapshotActor, type KernelRefs } from './snapshot.js';
export { PLACEMENTS, placeActors, type Placement } from './placement.js';
export { EventQueue, packK1 } from './queue.js';
export { Rng } from './rng.js';
export { US_PER_MS, US_PER_S, ZERO_US, formatUs, secondsToUs, usToSeconds, type TimeUs } from './time.js';
export { assembleOutcome, canonicalJson, type RunOutcome } from './outcome.js';
export { runSingle, type SingleRunOptions } from './single.js';
