// A DWFM host serving FIFO (optionally dropping expired items). In FIFO an item's fate is fixed
// the moment it is enqueued — later arrivals queue behind it and restarts are scheduled — so the
// host computes each item's start, completion and fate at enqueue and replies at once. The queue
// itself is only a `freeAtUs` plus the runs needed to count waiting items.
import type { Actor, Context } from '@cascade/kernel';
import { HostCore } from './host-core.js';
import type { HostLayout, HostParams } from './host-params.js';
import { Fate, type HostMsg, type ShardMsg } from './messages.js';
import { ReachRuns } from './reach-runs.js';

type HostCtx = Context<HostMsg | ShardMsg>;

export class FifoHost extends HostCore implements Actor<HostMsg | ShardMsg> {
  /** When the server has finished everything enqueued so far (ignoring restarts not yet applied). */
  private freeAtUs = 0;
  private readonly runs = new ReachRuns();
  private readonly dropExpired: boolean;

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

  protected override onEnqueue(shard: number, items: Int32Array, ctx: HostCtx): void {
    const now = ctx.now;
    const p = this.params;
    const endUs = p.endUs;
    let waiting = this.waitingAt(now);
    const restartUs = this.nextRestartUs();
    const deadline = now + p.attemptTimeoutUs;
    const metrics = this.metrics;
    let handled = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as number;
      const establish = (item & 1) === 1;
      handled++;
      if (!this.available) {
        if (establish) this.fate(shard, item, Fate.unavailable, now, now);
        continue;
      }
      if (establish && this.rejects(now, waiting)) {
        this.throttled++;
        this.fate(shard, item, Fate.throttled, now, now);
        continue;
      }
      this.enqueued++;
      const cost = establish ? p.establishCostUs : p.renewCostUs;
      const start = now > this.freeAtUs ? now : this.freeAtUs;
      if (start > now) waiting++;
      if (start >= restartUs) {
        // still queued when the host restarts
        this.runs.append(start, cost);
        this.freeAtUs = start + cost;
        if (restartUs <= endUs) this.restartsDropped++;
        this.fateLost(shard, item, establish, deadline, restartUs, now);
      } else if (this.dropExpired && start > deadline) {
        this.runs.append(start, 0);
        if (start <= endUs) this.discarded++;
        this.fateLost(shard, item, establish, deadline, Infinity, now);
      } else {
        const done = start + cost;
        this.runs.append(start, cost);
        this.freeAtUs = done;
        if (done > restartUs) {
          this.busy(start, restartUs, true);
          if (restartUs <= endUs) this.restartsDropped++;
          this.fateLost(shard, item, establish, deadline, restartUs, now);
        } else {
          const onTime = done <= deadline;
          this.busy(start, done, !onTime);
          if (done <= endUs) {
            this.served++;
            handled++;
            metrics.observe('dwfm.attemptLatency', done - now);
          }
          if (onTime) this.fate(shard, item, Fate.ok, done, now);
          else this.fateLost(shard, item, establish, deadline, Infinity, now);
        }
      }
    }
    this.notePeak(waiting);
    ctx.countEvents(handled);
  }

  /** An item that will not complete on time: only an attempt dropped while still current is news. */
  private fateLost(shard: number, item: number, establish: boolean, deadline: number, droppedAtUs: number, now: number): void {
    if (establish && deadline >= droppedAtUs) this.fate(shard, item, Fate.dropped, droppedAtUs, now);
  }

  /** Applies restarts at or before `nowUs`: everything queued or in service then is gone. */
  private applyRestarts(nowUs: number): void {
    const restarts = this.params.restartAtUs;
    while (this.restartIndex < restarts.length && (restarts[this.restartIndex] as number) <= nowUs) {
      const r = restarts[this.restartIndex] as number;
      if (this.freeAtUs > r) this.freeAtUs = r;
      this.runs.clear();
      this.restartIndex++;
    }
  }
}
