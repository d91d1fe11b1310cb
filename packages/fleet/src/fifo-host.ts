// A DWFM host serving FIFO (optionally dropping expired items). In FIFO an item's fate is fixed
// the moment it is enqueued — later arrivals queue behind it and restarts are scheduled — so the
// host computes each item's start, completion and fate at enqueue and replies at once. The queue
// itself is only a `freeAtUs` plus the runs needed to count waiting items.
import { assert, ZERO_US, type Actor, type Context } from '@cascade/kernel';
import { HostCore } from './host-core.js';
import { BUFFER_ENTRIES_MAX, HOST_QUEUE_ADVICE } from './limits.js';
import type { HostLayout, HostParams } from './host-params.js';
import { Fate, type HostMsg, type HostOut } from './messages.js';
import { ReachRuns } from './reach-runs.js';

type HostCtx = Context<HostMsg, HostOut>;

/** What an item booked ahead comes to: served late, discarded (drop-expired), or past the run's end. */
const enum Ahead {
  late,
  discarded,
  pastEnd,
}

export class FifoHost extends HostCore implements Actor<HostMsg, HostOut> {
  /** When the server has finished everything enqueued so far (ignoring restarts not yet applied). */
  private freeAtUs = ZERO_US;
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
  /**
   * Outcomes booked ahead, in time order, as runs of one kind and equal service (the first at
   * `aheadFirstUs`, then one every `aheadStepUs`), kept until they pass so that a restart announced
   * later can turn the ones it prevents into drops, as if it had been known when they were booked.
   */
  private readonly aheadFirstUs: number[] = [];
  private readonly aheadStepUs: number[] = [];
  private readonly aheadCount: number[] = [];
  private readonly aheadKind: Ahead[] = [];
  private aheadHead = 0;
  /**
   * The latest completion promised on time. Those are never taken back (the operator announces a
   * restart at least one attempt timeout ahead), so they are not kept as outcomes booked ahead:
   * only this, to check that promise.
   */
  private promisedUntilUs = -Infinity;
  /**
   * Renewals sent ahead and not yet booked, from every shard of the host, in the order the host
   * would have heard them one tick at a time: by arrival, then by shard (at an instant a lower
   * shard's message comes first). Items, arrival times (µs) and shard indexes from `laterHead` on.
   */
  private laterItems: number[] = [];
  private laterAtUs: number[] = [];
  private laterShards: number[] = [];
  private laterHead = 0;

  constructor(params: HostParams, layout: HostLayout) {
    super(params, layout);
    this.dropExpired = params.queue === 'drop-expired';
  }

  protected override waitingAt(nowUs: number): number {
    this.applyRestarts(nowUs);
    return this.runs.waitingAfter(nowUs);
  }

  /** After the last renewal sent ahead has arrived: it is booked then. */
  protected override nextTimerUs(): number {
    const n = this.laterAtUs.length;
    return this.laterHead < n ? (this.laterAtUs[n - 1] as number) + 1 : Infinity;
  }

  protected override onTimer(): void {}

  protected override onEnqueue(shard: number, items: readonly number[], aheadUs: readonly number[] | undefined, ctx: HostCtx): void {
    this.enqueueFrom(shard, items, aheadUs, ctx.now, ctx.now, 0, items.length, false, ctx);
  }

  /** Merges one shard's renewals sent ahead (arriving at nowUs + aheadUs[i], not decreasing) into those pending. */
  protected override onRenewalsAhead(shard: number, items: readonly number[], aheadUs: readonly number[], nowUs: number): void {
    let previous = -Infinity;
    for (let i = 0; i < items.length; i++) {
      const at = nowUs + (aheadUs[i] as number);
      if (at < previous) assert(false, `renewals sent ahead to DWFM host ${this.layout.index} arrive out of order (${at}µs after ${previous}µs)`);
      previous = at;
    }
    if (items.length === 0) return;
    const oldItems = this.laterItems;
    const oldAtUs = this.laterAtUs;
    const oldShards = this.laterShards;
    const n = oldItems.length;
    const mergedItems: number[] = [];
    const mergedAtUs: number[] = [];
    const mergedShards: number[] = [];
    let i = this.laterHead;
    let j = 0;
    while (i < n || j < items.length) {
      const atNew = j < items.length ? nowUs + (aheadUs[j] as number) : Infinity;
      const atOld = i < n ? (oldAtUs[i] as number) : Infinity;
      if (atOld < atNew || (atOld === atNew && (oldShards[i] as number) <= shard)) {
        mergedItems.push(oldItems[i] as number);
        mergedAtUs.push(atOld);
        mergedShards.push(oldShards[i] as number);
        i++;
      } else {
        mergedItems.push(items[j] as number);
        mergedAtUs.push(atNew);
        mergedShards.push(shard);
        j++;
      }
    }
    this.laterItems = mergedItems;
    this.laterAtUs = mergedAtUs;
    this.laterShards = mergedShards;
    this.laterHead = 0;
  }

  protected override settle(nowUs: number, atNowUpTo: number, ctx: HostCtx): void {
    const atUs = this.laterAtUs;
    const shards = this.laterShards;
    const from = this.laterHead;
    let end = from;
    while (end < atUs.length && ((atUs[end] as number) < nowUs || ((atUs[end] as number) === nowUs && (shards[end] as number) <= atNowUpTo))) end++;
    if (end === from) return;
    this.enqueueFrom(-1, this.laterItems, atUs, 0, atUs[from] as number, from, end, true, ctx, shards);
    this.laterHead = end;
    if (end === atUs.length) {
      this.laterItems = [];
      this.laterAtUs = [];
      this.laterShards = [];
      this.laterHead = 0;
    }
  }

  /**
   * items[from .. to) join the queue from `startUs` (each at baseUs + aheadUs[i] when given), from
   * `shard` (or shards[i] when given). `arrived`: they arrived before this event (renewals sent
   * ahead), so each latency counts in its arrival's interval.
   */
  private enqueueFrom(shard: number, items: readonly number[], aheadUs: readonly number[] | undefined, baseUs: number, startUs: number, from: number, to: number, arrived: boolean, ctx: HostCtx, shards?: readonly number[]): void {
    const now = startUs;
    const p = this.params;
    const endUs = p.endUs;
    let waiting = this.waitingAt(now);
    /** The most items waiting at once in this message (the count falls between items sent ahead). */
    let peak = 0;
    this.forgetPassed(now);
    let restartUs = this.nextRestartUs();
    const metrics = this.metrics;
    const throttling = p.throttleQueueCap > 0 || this.bucket !== undefined;
    const runs = this.runs;
    let freeAtUs = this.freeAtUs;
    let handled = 0;
    // Each item joins the queue when it arrives: now, or later for an item sent ahead.
    let at = now;
    let deadline = now + p.attemptTimeoutUs;
    // Busy time is booked in contiguous spans of equal wastedness, not item by item.
    let spanFromUs = 0;
    let spanToUs = 0;
    let spanWasted = false;
    // Once the server is booked past the run's end and past every deadline of this message, the
    // rest of it is the same for each item but its cost (see bookPastEnd): a collapsed host books
    // a whole message of retries at once.
    const pastEndAtOnce = aheadUs === undefined && this.available && !throttling && restartUs === Infinity && !this.dropExpired;
    for (let i = from; i < to; i++) {
      if (pastEndAtOnce && freeAtUs > endUs && freeAtUs > deadline) {
        const startUs = freeAtUs;
        freeAtUs = this.bookPastEnd(items, i, to, startUs);
        if (startUs === spanToUs && spanWasted) {
          spanToUs = freeAtUs;
        } else {
          if (spanToUs > spanFromUs) this.book(spanFromUs, spanToUs, spanWasted);
          spanFromUs = startUs;
          spanToUs = freeAtUs;
          spanWasted = true;
        }
        waiting += to - i;
        handled += to - i;
        break;
      }
      const item = items[i] as number;
      const establish = (item & 1) === 1;
      const source = shards === undefined ? shard : (shards[i] as number);
      if (aheadUs !== undefined) {
        const arrival = baseUs + (aheadUs[i] as number);
        // sent ahead but arriving after the run's end: like a message then, never handled
        if (arrival > endUs) break;
        if (arrival !== at) {
          if (arrival < at) assert(false, `items sent ahead to DWFM host ${this.layout.index} arrive out of order (${arrival}µs after ${at}µs)`);
          at = arrival;
          deadline = at + p.attemptTimeoutUs;
          if (at >= restartUs) {
            this.freeAtUs = freeAtUs;
            this.applyRestarts(at);
            freeAtUs = this.freeAtUs;
            restartUs = this.nextRestartUs();
          }
          if (waiting > peak) peak = waiting;
          waiting = runs.waitingAfter(at);
        }
      }
      handled++;
      if (!this.available) {
        if (establish) this.fate(source, item, Fate.unavailable, at, at);
        continue;
      }
      if (establish && throttling && this.rejects(at, waiting)) {
        this.throttled++;
        this.fate(source, item, Fate.throttled, at, at);
        continue;
      }
      this.enqueued++;
      const cost = establish ? p.establishCostUs : p.renewCostUs;
      const start = at > freeAtUs ? at : freeAtUs;
      if (start > at) waiting++;
      if (start >= restartUs) {
        // still queued when the host restarts
        runs.append(start, cost);
        freeAtUs = start + cost;
        if (restartUs <= endUs) this.restartsDropped++;
        else this.pastEndAhead(start + cost, cost);
        this.fateLost(source, item, establish, deadline, restartUs, at);
        continue;
      }
      if (this.dropExpired && start > deadline) {
        runs.append(start, 0);
        if (start <= endUs) {
          this.discarded++;
          this.bookAhead(start, 0, Ahead.discarded);
        } else {
          this.pastEndAhead(start, 0);
        }
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
        else this.pastEndAhead(done, cost);
        this.fateLost(source, item, establish, deadline, restartUs, at);
      } else {
        if (done <= endUs) {
          this.served++;
          this.completed(done, !wasted);
          if (wasted) this.bookAhead(done, cost, Ahead.late);
          else if (done > this.promisedUntilUs) this.promisedUntilUs = done;
          handled++;
          if (arrived) metrics.observeAt('dwfm.attemptLatency', done - at, at);
          else metrics.observe('dwfm.attemptLatency', done - at);
        } else {
          this.pastEndAhead(done, cost);
        }
        if (!wasted) this.fate(source, item, Fate.ok, done, at);
      }
    }
    if (spanToUs > spanFromUs) this.book(spanFromUs, spanToUs, spanWasted);
    this.freeAtUs = freeAtUs;
    this.notePeak(waiting > peak ? waiting : peak);
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

  /**
   * items[from .. to) join a queue whose server is busy until `startUs`, past the run's end and past
   * their deadlines, with no restart ahead: each waits, is served back to back after the last,
   * finishes past the end and late (no fate). Exactly what booking them one by one does, a run of
   * equal cost at a time. Returns when the server is free after them.
   */
  private bookPastEnd(items: readonly number[], from: number, to: number, startUs: number): number {
    const p = this.params;
    let freeUs = startUs;
    for (let i = from; i < to; ) {
      // a run of items of one kind: establish attempts, or renewals
      const establish = (items[i] as number) & 1;
      let j = i + 1;
      while (j < to && ((items[j] as number) & 1) === establish) j++;
      const cost = establish === 1 ? p.establishCostUs : p.renewCostUs;
      const count = j - i;
      this.runs.appendRun(freeUs, cost, count);
      this.bookAheadRun(freeUs + cost, cost, count, Ahead.pastEnd);
      freeUs += count * cost;
      i = j;
    }
    this.enqueued += to - from;
    this.pastEnd += to - from;
    return freeUs;
  }

  /** `count` outcomes booked ahead at atUs, atUs + stepUs, ...: as many bookAhead calls. */
  private bookAheadRun(atUs: number, stepUs: number, count: number, kind: Ahead): void {
    this.bookAhead(atUs, stepUs, kind);
    // the last run now ends at atUs with this step and kind, so each later outcome extends it
    const last = this.aheadCount.length - 1;
    this.aheadCount[last] = (this.aheadCount[last] as number) + count - 1;
  }

  /** An item whose outcome lies past the run's end (at `atUs`): a restart within the run still drops it. */
  private pastEndAhead(atUs: number, costUs: number): void {
    this.pastEnd++;
    this.bookAhead(atUs, costUs, Ahead.pastEnd);
  }

  private bookAhead(atUs: number, costUs: number, kind: Ahead): void {
    const last = this.aheadCount.length - 1;
    if (last >= this.aheadHead && this.aheadStepUs[last] === costUs && this.aheadKind[last] === kind) {
      const count = this.aheadCount[last] as number;
      if ((this.aheadFirstUs[last] as number) + count * costUs === atUs) {
        this.aheadCount[last] = count + 1;
        return;
      }
    }
    if (this.aheadFirstUs.length - this.aheadHead >= BUFFER_ENTRIES_MAX) {
      throw new Error(`a DWFM host's outcomes booked ahead hold ${BUFFER_ENTRIES_MAX} runs, its bound (BUFFER_ENTRIES_MAX): ${HOST_QUEUE_ADVICE}`);
    }
    this.aheadFirstUs.push(atUs);
    this.aheadStepUs.push(costUs);
    this.aheadCount.push(1);
    this.aheadKind.push(kind);
  }

  /** Drops the booked outcomes and busy spans that have passed (a restart announced now cannot touch them). */
  private forgetPassed(nowUs: number): void {
    // Runs are in time order, except runs a restart emptied (booked past it, before it was
    // announced). An outcome at now can still be dropped by a restart announced for now.
    const first = this.aheadFirstUs;
    const count = this.aheadCount;
    while (this.aheadHead < first.length) {
      const n = count[this.aheadHead] as number;
      if (n > 0 && (first[this.aheadHead] as number) + (n - 1) * (this.aheadStepUs[this.aheadHead] as number) >= nowUs) break;
      this.aheadHead++;
    }
    if (this.aheadHead > 1024 && this.aheadHead * 2 > first.length) {
      first.splice(0, this.aheadHead);
      this.aheadStepUs.splice(0, this.aheadHead);
      this.aheadCount.splice(0, this.aheadHead);
      this.aheadKind.splice(0, this.aheadHead);
      this.aheadHead = 0;
    }
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
    if (atUs <= this.params.endUs) this.dropAhead(atUs);
    for (let i = this.spanHead; i < this.spanToUs.length; i++) {
      const from = this.spanFromUs[i] as number;
      const to = this.spanToUs[i] as number;
      if (to <= atUs) continue;
      const cut = from > atUs ? from : atUs;
      this.busy(cut, to, this.spanWasted[i] as boolean, -1);
      this.spanToUs[i] = cut;
    }
  }

  /**
   * A restart at `atUs` (within the run) announced after items were booked: every item it prevents
   * is dropped — served items completing after it, items discarded at or after it, items past the end.
   */
  private dropAhead(atUs: number): void {
    if (this.promisedUntilUs > atUs) assert(false, `a restart at ${atUs}µs cancels a completion already promised on time (at ${this.promisedUntilUs}µs)`);
    for (let i = this.aheadHead; i < this.aheadCount.length; i++) {
      const first = this.aheadFirstUs[i] as number;
      const step = this.aheadStepUs[i] as number;
      const count = this.aheadCount[i] as number;
      const kind = this.aheadKind[i] as Ahead;
      let kept: number;
      if (kind === Ahead.discarded) kept = first < atUs ? count : 0; // discarded at the server's start: a restart then drops it first
      else kept = first > atUs ? 0 : step === 0 ? count : Math.min(count, Math.floor((atUs - first) / step) + 1);
      const dropped = count - kept;
      if (dropped === 0) continue;
      if (kind === Ahead.late) {
        for (let k = kept; k < count; k++) this.completed(first + k * step, false, -1);
        this.served -= dropped;
      } else if (kind === Ahead.discarded) {
        this.discarded -= dropped;
      } else {
        this.pastEnd -= dropped;
      }
      this.restartsDropped += dropped;
      this.aheadCount[i] = kept;
    }
  }

  /** An item that will not complete on time: only an attempt dropped while still current is news. */
  private fateLost(shard: number, item: number, establish: boolean, deadline: number, droppedAtUs: number, enqueuedUs: number): void {
    if (establish && deadline >= droppedAtUs) this.fate(shard, item, Fate.dropped, droppedAtUs, enqueuedUs);
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
