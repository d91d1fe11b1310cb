// A partition host: one partition of a run, driven window by window by the coordinator. It lives
// in a worker thread (behind comlink) or, for tests, in the calling thread.
import { Partition, placeActors, ZERO_US, type Model, type PartitionResult, type PartitionState, type Placement, type TimeUs } from '@cascade/kernel';
import { performance } from 'node:perf_hooks';
import type { Checkpoint } from './checkpoint.js';
import { decodeBatch, encodeBatch } from './codec.js';
import { PeerFailure, SharedWindows, type SharedWindowsSetup } from './shared-windows.js';
import { SliceSizer } from './slices.js';

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

/** Where a host's run of windows on shared memory stopped; every host returns the same. */
export interface WindowsResult {
  /** done: nothing left before the end; stopped: the next window starts at or after the stop time; aborted: interrupted. */
  readonly status: 'done' | 'stopped' | 'aborted';
  /** Start of the next window (the earliest pending event anywhere). */
  readonly nextUs: TimeUs;
  readonly windows: number;
}

export interface HostStats {
  readonly index: number;
  readonly actors: number;
  readonly events: number;
  readonly nowUs: TimeUs;
  readonly pending: number;
  /** Seconds of the window loop spent working (events, batches) and waiting at the barrier. */
  readonly busySeconds: number;
  readonly waitSeconds: number;
}

export class PartitionHost {
  private readonly partition: Partition;
  private shared: SharedWindows | undefined;
  /** Exchanges so far in this run of the loop (their parity picks the shared slots). */
  private exchanges = 0;
  /** Windows run before this run of the loop (from a checkpoint). */
  private windowsBefore = 0;
  private nextUs = ZERO_US;
  private readonly slice = new SliceSizer();
  /** Milliseconds of the window loop at work and at the barrier, and when this host last left it. */
  private busyMs = 0;
  private waitMs = 0;
  private leftMs = 0;

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

  /** Restores this partition's share of a decoded checkpoint (instead of init). */
  restore(c: Checkpoint): StepResult {
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

  /** Joins the window loop on shared memory (hosts on worker threads of one process). */
  attachShared(setup: SharedWindowsSetup): void {
    this.shared = new SharedWindows(setup, this.partition.index);
  }

  /** init, then the first exchange with the other hosts. */
  initShared(): WindowsResult {
    return this.guarded(() => {
      this.leftMs = performance.now();
      this.partition.init();
      return this.afterExchange(this.exchange());
    });
  }

  /** Restores this partition's share of a checkpoint, then the first exchange. */
  restoreShared(c: Checkpoint): WindowsResult {
    return this.guarded(() => {
      this.leftMs = performance.now();
      this.partition.restoreState(c.partitions, c.inflight, c.atUs);
      this.windowsBefore = c.windows;
      return this.afterExchange(this.exchange());
    });
  }

  /**
   * Runs windows until the next one would start at or after stopAtUs (every event before it has
   * run and every batch is delivered, so a checkpoint can be taken), the run's end, or an
   * interrupt seen at a barrier.
   */
  runWindows(stopAtUs: TimeUs): WindowsResult {
    return this.guarded(() => {
      const p = this.partition;
      const shared = this.shared as SharedWindows;
      const endUs = this.model.endUs;
      // (the time since the last call was the coordinator's: a checkpoint, not this host's work)
      this.leftMs = performance.now();
      for (;;) {
        if (this.nextUs > endUs || this.nextUs >= stopAtUs) return this.afterExchange(false);
        // A host alone needs no windows: its events run straight to the stop.
        const windowEndUs = shared.partitions === 1 ? stopAtUs : Math.min(this.nextUs + this.model.lookaheadUs, stopAtUs);
        const limit = Math.min(windowEndUs, endUs + 1);
        while (p.nextTimeUs() < limit && !shared.abortRequested()) {
          const started = performance.now();
          const before = p.events;
          p.run(windowEndUs, endUs, this.slice.events);
          this.slice.observe(p.events - before, performance.now() - started);
          shared.publishStats(p.events, p.nowUs);
        }
        if (this.exchange()) return this.afterExchange(true);
      }
    });
  }

  stats(): HostStats {
    const p = this.partition;
    return { index: p.index, actors: p.localActorCount, events: p.events, nowUs: p.nowUs, pending: p.queue.size, busySeconds: this.busyMs / 1000, waitSeconds: this.waitMs / 1000 };
  }

  result(endUs?: TimeUs): PartitionResult {
    return this.partition.result(endUs);
  }

  /**
   * Leaves this window's outgoing batches in the mailboxes, publishes the earliest time this host
   * still holds, meets the others, and takes in what they left. Returns the interrupt decision.
   */
  private exchange(): boolean {
    const p = this.partition;
    const shared = this.shared as SharedWindows;
    const parity = this.exchanges & 1;
    let nextUs = p.nextTimeUs();
    const outgoing = new Array<Uint8Array | null>(shared.partitions).fill(null);
    for (const batch of p.takeOutbox()) {
      for (const t of batch.time) if (t < nextUs) nextUs = t;
      outgoing[batch.to] = encodeBatch(batch);
    }
    for (let to = 0; to < shared.partitions; to++) if (to !== p.index) shared.post(to, parity, outgoing[to] as Uint8Array | null);
    shared.publishNext(parity, nextUs);
    const arrivedMs = performance.now();
    this.busyMs += arrivedMs - this.leftMs;
    const abort = shared.arrive(parity);
    this.leftMs = performance.now();
    this.waitMs += this.leftMs - arrivedMs;
    for (let from = 0; from < shared.partitions; from++) {
      if (from === p.index) continue;
      const bytes = shared.take(from, parity);
      if (bytes !== null) p.deliver(decodeBatch(bytes));
    }
    this.nextUs = shared.globalNext(parity);
    this.exchanges++;
    shared.publishStats(p.events, p.nowUs);
    shared.publishWindow(this.windows(), this.nextUs);
    return abort;
  }

  private afterExchange(aborted: boolean): WindowsResult {
    const status = aborted ? 'aborted' : this.nextUs > this.model.endUs ? 'done' : 'stopped';
    return { status, nextUs: this.nextUs, windows: this.windows() };
  }

  /** Windows run: every exchange but the first (after init) ends one. */
  private windows(): number {
    return this.windowsBefore + Math.max(0, this.exchanges - 1);
  }

  /** A host that fails releases the others from the barrier before its error goes on. */
  private guarded<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof PeerFailure)) this.shared?.fail();
      throw error;
    }
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
