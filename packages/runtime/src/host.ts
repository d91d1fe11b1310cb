// A partition host: one partition of a run, driven window by window by the coordinator. It lives
// in a worker thread (behind comlink) or, for tests, in the calling thread.
import { Partition, placeActors, type Model, type PartitionResult, type PartitionState, type Placement, type TimeUs } from '@cascade/kernel';
import { decodeCheckpoint } from './checkpoint.js';
import { decodeBatch, encodeBatch } from './codec.js';

export interface EncodedBatch {
  readonly to: number;
  /** Earliest event time in the batch, so the coordinator finds the next window without decoding. */
  readonly minTimeUs: TimeUs;
  readonly bytes: Uint8Array;
}

export interface StepResult {
  readonly outgoing: EncodedBatch[];
  /** Earliest pending local event after the step (Infinity when none). */
  readonly nextTimeUs: TimeUs;
  readonly events: number;
  readonly nowUs: TimeUs;
  /** True when every event before the window's end has been processed. */
  readonly windowDone: boolean;
}

export interface HostStats {
  readonly index: number;
  readonly actors: number;
  readonly events: number;
  readonly nowUs: TimeUs;
  readonly pending: number;
}

export class PartitionHost {
  private readonly partition: Partition;

  constructor(
    private readonly model: Model,
    index: number,
    partitions: number,
    placement: Placement,
  ) {
    this.partition = new Partition(model, index, placeActors(model, partitions, placement), partitions);
  }

  /** Runs every local actor's init and returns the messages it produced. */
  init(): StepResult {
    this.partition.init();
    return this.collect(0);
  }

  /** Restores this partition's share of a checkpoint (instead of init). */
  restore(checkpoint: Uint8Array): StepResult {
    const c = decodeCheckpoint(checkpoint);
    this.partition.restoreState(c.partitions, c.inflight, c.atUs);
    return this.collect(c.atUs);
  }

  save(): PartitionState {
    return this.partition.saveState();
  }

  /**
   * Delivers incoming batches, then runs the events before windowEndUs (and <= endUs), at most
   * maxEvents of them; the coordinator calls again until the window is done.
   */
  step(incoming: readonly Uint8Array[], windowEndUs: TimeUs, maxEvents: number): StepResult {
    for (const bytes of incoming) this.partition.deliver(decodeBatch(bytes));
    this.partition.run(windowEndUs, this.model.endUs, maxEvents);
    return this.collect(windowEndUs);
  }

  stats(): HostStats {
    const p = this.partition;
    return { index: p.index, actors: p.localActorCount, events: p.events, nowUs: p.nowUs, pending: p.queue.size };
  }

  result(endUs?: TimeUs): PartitionResult {
    return this.partition.result(endUs);
  }

  private collect(windowEndUs: TimeUs): StepResult {
    const outgoing: EncodedBatch[] = [];
    for (const batch of this.partition.takeOutbox()) {
      let minTimeUs = Infinity;
      for (const t of batch.time) if (t < minTimeUs) minTimeUs = t;
      outgoing.push({ to: batch.to, minTimeUs, bytes: encodeBatch(batch) });
    }
    const p = this.partition;
    const nextTimeUs = p.nextTimeUs();
    const windowDone = nextTimeUs >= windowEndUs || nextTimeUs > this.model.endUs;
    return { outgoing, nextTimeUs, events: p.events, nowUs: p.nowUs, windowDone };
  }
}
