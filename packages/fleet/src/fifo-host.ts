// A DWFM host serving FIFO (optionally dropping expired items). In FIFO an item's fate is fixed
// the moment it is enqueued — later arrivals queue behind it and restarts are scheduled — so the
// host computes each item's start, completion and fate at enqueue and replies at once. The queue
// itself is only a `freeAtUs` plus the runs needed to count waiting items.
import type { Actor, Context } from '@cascade/kernel';
import { HostCore } from './host-core.js';
import type { HostLayout, HostParams } from './host-params.js';
import { Fate, type HostMsg, type HostOut } from './messages.js';
import { ReachRuns } from './reach-runs.js';

type HostCtx = Context<HostMsg, HostOut>;

export class FifoHost extends HostCore implements Actor<HostMsg, HostOut> {
  /** When the server has finished everything enqueued so far (ignoring restarts not yet applied). */
  private freeAtUs = 0;
  private readonly runs = new ReachRuns();
  private readonly dropExpired: boolean;
  /**
   * Busy spans booked ahead (a FIFO item's service is fixed at enqueue), kept until they end so
   * that a restart announced later can take back the service it cancels. Spans never reach past
   * the next restart known when they were booked.
   */
  private readonly spanFromUs: number[] = [];
  private readonly spanToUs: number[] = [];
  private readonly spanWasted: boolean[] = [];
  private spanHead = 0;

  constructor(params: HostParams, layout: HostLayout) {
    super(params, layout);
    this.dropExpired = params.queue === 'drop-expired';
  }

  protected override waitingAt(nowUs: number): number {
    this.applyRestarts(nowUs);
    return this.runs.waitingAfter(nowUs);
  }

  protected override nextTimerUs(): number {
    return Infinity;
  }

  protected override onTimer(): void {}

  protected override onEnqueue(shard: number, items: readonly number[], ctx: HostCtx): void {
    const now = ctx.now;
    const p = this.params;
    const endUs = p.endUs;
    let waiting = this.waitingAt(now);
    this.forgetSpansBefore(now);
    const restartUs = this.nextRestartUs();
    const deadline = now + p.attemptTimeoutUs;
    const metrics = this.metrics;
    const throttling = p.throttleQueueCap > 0 || this.bucket !== undefined;
    const runs = this.runs;
    let freeAtUs = this.freeAtUs;
    let handled = 0;
    // Busy time is booked in contiguous spans of equal wastedness, not item by item.
    let spanFromUs = 0;
    let spanToUs = 0;
    let spanWasted = false;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as number;
      const establish = (item & 1) === 1;
      handled++;
      if (!this.available) {
        if (establish) this.fate(shard, item, Fate.unavailable, now, now);
        continue;
      }
      if (establish && throttling && this.rejects(now, waiting)) {
        this.throttled++;
        this.fate(shard, item, Fate.throttled, now, now);
        continue;
      }
      this.enqueued++;
      const cost = establish ? p.establishCostUs : p.renewCostUs;
      const start = now > freeAtUs ? now : freeAtUs;
      if (start > now) waiting++;
      if (start >= restartUs) {
        // still queued when the host restarts
        runs.append(start, cost);
        freeAtUs = start + cost;
        if (restartUs <= endUs) this.restartsDropped++;
        else this.pastEnd++;
        this.fateLost(shard, item, establish, deadline, restartUs, now);
        continue;
      }
      if (this.dropExpired && start > deadline) {
        runs.append(start, 0);
        if (start <= endUs) this.discarded++;
        else this.pastEnd++;
        continue; // times out at its deadline
      }
      const done = start + cost;
      runs.append(start, cost);
      freeAtUs = done;
      const cut = done > restartUs;
      const until = cut ? restartUs : done;
      const wasted = cut || done > deadline;
      if (start === spanToUs && wasted === spanWasted) {
        spanToUs = until;
      } else {
        if (spanToUs > spanFromUs) this.book(spanFromUs, spanToUs, spanWasted);
        spanFromUs = start;
        spanToUs = until;
        spanWasted = wasted;
      }
      if (cut) {
        if (restartUs <= endUs) this.restartsDropped++;
        else this.pastEnd++;
        this.fateLost(shard, item, establish, deadline, restartUs, now);
      } else {
        if (done <= endUs) {
          this.served++;
          this.completed(done, !wasted);
          handled++;
          metrics.observe('dwfm.attemptLatency', done - now);
        } else {
          this.pastEnd++;
        }
        if (!wasted) this.fate(shard, item, Fate.ok, done, now);
      }
    }
    if (spanToUs > spanFromUs) this.book(spanFromUs, spanToUs, spanWasted);
    this.freeAtUs = freeAtUs;
    this.notePeak(waiting);
    // a FIFO item's outcome is fixed at enqueue: none stays unaccounted
    this.assertConserved(0);
    ctx.countEvents(handled);
  }

  private book(fromUs: number, toUs: number, wasted: boolean): void {
    this.busy(fromUs, toUs, wasted);
    const last = this.spanToUs.length - 1;
    // a collapsed queue books one contiguous stretch: keep it as one span
    if (last >= this.spanHead && this.spanToUs[last] === fromUs && this.spanWasted[last] === wasted) {
      this.spanToUs[last] = toUs;
      return;
    }
    this.spanFromUs.push(fromUs);
    this.spanToUs.push(toUs);
    this.spanWasted.push(wasted);
  }

  private forgetSpansBefore(nowUs: number): void {
    const to = this.spanToUs;
    while (this.spanHead < to.length && (to[this.spanHead] as number) <= nowUs) this.spanHead++;
    if (this.spanHead > 1024 && this.spanHead * 2 > to.length) {
      this.spanFromUs.splice(0, this.spanHead);
      this.spanToUs.splice(0, this.spanHead);
      this.spanWasted.splice(0, this.spanHead);
      this.spanHead = 0;
    }
  }

  /** A restart announced after work was booked past it: that work will never be done. */
  protected override onRestartScheduled(atUs: number): void {
    for (let i = this.spanHead; i < this.spanToUs.length; i++) {
      const from = this.spanFromUs[i] as number;
      const to = this.spanToUs[i] as number;
      if (to <= atUs) continue;
      const cut = from > atUs ? from : atUs;
      this.busy(cut, to, this.spanWasted[i] as boolean, -1);
      this.spanToUs[i] = cut;
    }
  }

  /** An item that will not complete on time: only an attempt dropped while still current is news. */
  private fateLost(shard: number, item: number, establish: boolean, deadline: number, droppedAtUs: number, now: number): void {
    if (establish && deadline >= droppedAtUs) this.fate(shard, item, Fate.dropped, droppedAtUs, now);
  }

  /** Applies restarts at or before `nowUs`: everything queued or in service then is gone. */
  private applyRestarts(nowUs: number): void {
    const restarts = this.restartsUs;
    while (this.restartIndex < restarts.length && (restarts[this.restartIndex] as number) <= nowUs) {
      const r = restarts[this.restartIndex] as number;
      if (this.freeAtUs > r) this.freeAtUs = r;
      this.runs.clear();
      this.restartIndex++;
    }
  }
}
