// What every DWFM host shares whatever its queue discipline: DynamoDB availability and the
// recovery workflow, admission throttles, the restart schedule, busy/wasted-time accounting,
// counters and time series. Subclasses own the queue.
import { assert, registerSnapshotClasses, ZERO_US, type ActorId, type Context, type Metrics } from '@cascade/kernel';
import { forward } from './checks.js';
import type { HostLayout, HostParams } from './host-params.js';
import { MessageList } from './message-list.js';
import { Fate, PRIORITY_FIRST, type FateCode, type FatesMsg, type HostMsg, type HostOut, type OutageMsg, type RecoverMsg } from './messages.js';
import { BucketSeries } from './series.js';
import { TokenBucket } from './token-bucket.js';

export interface HostReport {
  readonly host: number;
  /** Busy time at or after accountFromUs (µs), and the part of it that was wasted. */
  readonly busyUs: number;
  readonly wastedUs: number;
  readonly enqueued: number;
  readonly served: number;
  readonly discarded: number;
  readonly throttled: number;
  readonly restartsDropped: number;
  /** Most items waiting at once (stale copies included, the item in service not). */
  readonly queuePeak: number;
  /** When this host first lost DynamoDB and last got it back (µs), and whether it had it at the end. */
  readonly unavailableFromUs: number | null;
  readonly availableAgainUs: number | null;
  readonly availableAtEnd: boolean;
  readonly sampleIntervalUs: number;
  /** The deadline of an item as the host sees it (enqueue + this). */
  readonly attemptTimeoutUs: number;
  /** Per sample interval (bucket b = [b·dt, (b+1)·dt)): items completed, those on time, busy and wasted µs, items waiting at b·dt. */
  readonly servedByBucket: Float64Array;
  readonly usefulByBucket: Float64Array;
  readonly busyByBucket: Float64Array;
  readonly wastedByBucket: Float64Array;
  readonly waitingByBucket: Float64Array;
}

type HostCtx = Context<HostMsg, HostOut>;

/** Replies being built for one shard: parallel lists, sent as one FatesMsg. */
class FateBuffer {
  readonly items = new MessageList();
  readonly fates = new MessageList();
  readonly timesUs = new MessageList();
  readonly enqueuedUs = new MessageList();

  push(item: number, fate: FateCode, timeUs: number, enqueuedUs: number): void {
    this.items.push(item);
    this.fates.push(fate);
    this.timesUs.push(timeUs);
    this.enqueuedUs.push(enqueuedUs);
  }

  take(nowUs: number): FatesMsg {
    return { kind: 'fates', items: this.items.take(), fates: this.fates.take() as FateCode[], timesUs: this.timesUs.take(), enqueuedUs: this.enqueuedUs.take(), sentAtUs: nowUs };
  }
}

registerSnapshotClasses(FateBuffer, TokenBucket); // made on demand (a bucket when the operator throttles), so checkpoints must know them

export abstract class HostCore {
  protected available = true;
  protected bucket: TokenBucket | undefined;
  /** Restarts, ascending: the scheduled ones, then those the operator orders. */
  protected readonly restartsUs: number[];
  /** Index of the first restart not yet applied. */
  protected restartIndex = 0;
  protected metrics!: Metrics;

  protected busyUs = ZERO_US;
  protected wastedUs = ZERO_US;
  protected enqueued = 0;
  protected served = 0;
  protected discarded = 0;
  protected throttled = 0;
  protected restartsDropped = 0;
  protected queuePeak = 0;
  /** Items whose outcome (completion, discard, drop) lies past the run's end: never counted above. */
  protected pastEnd = 0;
  /** Time of the last event handled (time never goes backwards). */
  private lastEventUs = ZERO_US;
  private unavailableFromUs: number | null = null;
  private availableAgainUs: number | null = null;
  /** Busy time counts from here (params.accountFromUs, or this host's first recovery). */
  private accountFromUs: number;
  private throttleFromUs: number;
  private throttleUntilUs: number;

  protected readonly busySeries: BucketSeries;
  protected readonly wastedSeries: BucketSeries;
  /** Items completed (throughput) and completed on time (goodput), as rates per second. */
  protected readonly servedSeries: BucketSeries;
  protected readonly usefulSeries: BucketSeries;
  private readonly waitingByBucket: Float64Array;
  private nextSampleUs = ZERO_US;
  private finished = false;
  private readonly outgoing: (FateBuffer | undefined)[];

  constructor(
    protected readonly params: HostParams,
    protected readonly layout: HostLayout,
  ) {
    this.bucket = params.throttleRatePerS > 0 ? new TokenBucket(params.throttleRatePerS) : undefined;
    // busy time in whole µs (exact, so a span taken back leaves no residue), flushed in seconds
    this.busySeries = new BucketSeries('dwfm.busySeconds', 'sum', params.sampleIntervalUs, params.endUs, undefined, 1e-6);
    this.wastedSeries = new BucketSeries('dwfm.wastedSeconds', 'sum', params.sampleIntervalUs, params.endUs, undefined, 1e-6);
    const perSecond = 1e6 / params.sampleIntervalUs;
    this.servedSeries = new BucketSeries('dwfm.throughput', 'sum', params.sampleIntervalUs, params.endUs, undefined, perSecond);
    this.usefulSeries = new BucketSeries('dwfm.goodput', 'sum', params.sampleIntervalUs, params.endUs, undefined, perSecond);
    this.waitingByBucket = new Float64Array(this.busySeries.values.length);
    this.outgoing = new Array<FateBuffer | undefined>(layout.shardCount);
    this.accountFromUs = params.accountFromRecovery ? Infinity : params.accountFromUs;
    this.throttleFromUs = params.throttleFromUs;
    this.throttleUntilUs = params.throttleUntilUs;
    this.restartsUs = [...params.restartAtUs];
  }

  /** Items waiting at `nowUs` (stale copies included, not the one in service). */
  protected abstract waitingAt(nowUs: number): number;
  /** Items from one shard, arriving now or, when sent ahead, `aheadUs[i]` later (not decreasing). */
  protected abstract onEnqueue(shard: number, items: readonly number[], aheadUs: readonly number[] | undefined, ctx: HostCtx): void;
  /**
   * Renewals sent ahead (`renewals-ahead`): each joins the queue at now + aheadUs[i], booked by
   * `settle` once that time has passed. Only FIFO hosts take them.
   */
  protected onRenewalsAhead(shard: number, items: readonly number[], aheadUs: readonly number[], nowUs: number): void {
    void shard;
    void items;
    void aheadUs;
    void nowUs;
    assert(false, `DWFM host ${this.layout.index} (${this.params.queue}) got renewals sent ahead: only a FIFO host books them`);
  }

  /**
   * Books the renewals sent ahead that arrived before `nowUs`, and those arriving at it from shards
   * up to `atNowUpTo` (-1: none, Infinity: all), before the host handles an event then.
   */
  protected settle(nowUs: number, atNowUpTo: number, ctx: HostCtx): void {
    void nowUs;
    void atNowUpTo;
    void ctx;
  }
  /** The host's own timer (completions, restarts); Infinity when none. */
  protected abstract nextTimerUs(): number;
  protected abstract onTimer(ctx: HostCtx): void;

  init(ctx: HostCtx): void {
    this.metrics = ctx.metrics;
    this.scheduleWake(ctx);
  }

  receive(msg: HostMsg, ctx: HostCtx): void {
    this.advance(ctx.now);
    this.settle(ctx.now, settledUpTo(msg), ctx);
    switch (msg.kind) {
      case 'enqueue':
        this.onEnqueue(msg.shard, msg.items, msg.aheadUs, ctx);
        break;
      case 'renewals-ahead':
        this.onRenewalsAhead(msg.shard, msg.items, msg.aheadUs, ctx.now);
        break;
      case 'dynamodb':
      case 'dynamodb-availability':
        this.setAvailable(msg.available, ctx);
        break;
      case 'restart-at':
        this.scheduleRestart(ctx.now + msg.afterUs);
        break;
      case 'throttle':
        this.setThrottle(msg.ratePerS, ctx.now);
        break;
      default: {
        const never: never = msg;
        throw new Error(`unexpected message ${String((never as HostMsg).kind)}`);
      }
    }
    this.flushFates(ctx);
    this.scheduleWake(ctx);
  }

  wake(ctx: HostCtx): void {
    this.advance(ctx.now);
    this.settle(ctx.now, -1, ctx);
    if (this.nextTimerUs() === ctx.now) this.onTimer(ctx);
    if (!this.finished) {
      if (ctx.now === this.nextSampleUs) {
        const waiting = this.waitingAt(ctx.now);
        this.metrics.sample('dwfm.queue.max', ctx.now, waiting, 'max');
        this.metrics.sample('dwfm.queue.sum', ctx.now, waiting, 'sum');
        this.waitingByBucket[Math.floor(ctx.now / this.params.sampleIntervalUs)] = waiting;
        this.nextSampleUs += this.params.sampleIntervalUs;
      }
      const final = ctx.now >= this.params.endUs;
      this.busySeries.flush(this.metrics, ctx.now, final);
      this.wastedSeries.flush(this.metrics, ctx.now, final);
      this.servedSeries.flush(this.metrics, ctx.now, final);
      this.usefulSeries.flush(this.metrics, ctx.now, final);
      if (final) {
        this.finished = true;
        // renewals arriving at the end come after the last flush, as their own enqueue would
        this.settle(ctx.now, Infinity, ctx);
      }
    }
    this.flushFates(ctx);
    this.scheduleWake(ctx);
  }

  report(): HostReport {
    return {
      host: this.layout.index,
      busyUs: this.busyUs,
      wastedUs: this.wastedUs,
      enqueued: this.enqueued,
      served: this.served,
      discarded: this.discarded,
      throttled: this.throttled,
      restartsDropped: this.restartsDropped,
      queuePeak: this.queuePeak,
      unavailableFromUs: this.unavailableFromUs,
      availableAgainUs: this.availableAgainUs,
      availableAtEnd: this.available,
      sampleIntervalUs: this.params.sampleIntervalUs,
      attemptTimeoutUs: this.params.attemptTimeoutUs,
      servedByBucket: this.servedSeries.values,
      usefulByBucket: this.usefulSeries.values,
      busyByBucket: this.busySeries.values,
      wastedByBucket: this.wastedSeries.values,
      waitingByBucket: this.waitingByBucket,
    };
  }

  /** Whether an establish attempt is rejected now, given how many items wait. */
  protected rejects(nowUs: number, waiting: number): boolean {
    if (nowUs < this.throttleFromUs || nowUs >= this.throttleUntilUs) return false;
    if (this.params.throttleQueueCap > 0 && waiting >= this.params.throttleQueueCap) return true;
    return this.bucket !== undefined && !this.bucket.take(nowUs);
  }

  /** The first restart after `nowUs` (restarts at or before now are applied), Infinity when none. */
  protected nextRestartUs(): number {
    const r = this.restartsUs;
    return this.restartIndex < r.length ? (r[this.restartIndex] as number) : Infinity;
  }

  private scheduleRestart(atUs: number): void {
    const r = this.restartsUs;
    let i = r.length;
    while (i > this.restartIndex && (r[i - 1] as number) > atUs) i--;
    r.splice(i, 0, atUs);
    this.onRestartScheduled(atUs);
  }

  /** The operator's throttle: establish attempts admitted at `ratePerS` from now; 0 lifts it. */
  private setThrottle(ratePerS: number, nowUs: number): void {
    if (ratePerS > 0) {
      this.bucket = new TokenBucket(ratePerS);
      this.throttleFromUs = nowUs;
      this.throttleUntilUs = Infinity;
    } else if (this.throttleUntilUs > nowUs) {
      this.throttleUntilUs = nowUs;
    }
  }

  /**
   * Books the server busy over [fromUs, toUs); wasted if the item finished late or was cut.
   * `sign` -1 takes back a span booked ahead that a later-announced restart cancels.
   */
  protected busy(fromUs: number, toUs: number, wasted: boolean, sign: 1 | -1 = 1): void {
    const endUs = this.params.endUs;
    const hi = toUs < endUs ? toUs : endUs;
    if (hi <= fromUs) return;
    this.busySeries.addSpan(fromUs, hi, sign);
    if (wasted) this.wastedSeries.addSpan(fromUs, hi, sign);
    const lo = fromUs > this.accountFromUs ? fromUs : this.accountFromUs;
    if (hi <= lo) return;
    this.busyUs += sign * (hi - lo);
    if (wasted) this.wastedUs += sign * (hi - lo);
  }

  /** Called when a restart at `atUs` joins the schedule (FIFO takes back work booked past it). */
  protected onRestartScheduled(atUs: number): void {
    void atUs;
  }

  /**
   * An item the server completed at `doneUs` (within the run); `onTime`: it did useful work.
   * `sign` -1 takes back a completion booked ahead that a later-announced restart prevents.
   */
  protected completed(doneUs: number, onTime: boolean, sign: 1 | -1 = 1): void {
    this.servedSeries.add(doneUs, sign);
    if (onTime) this.usefulSeries.add(doneUs, sign);
  }

  protected notePeak(waiting: number): void {
    // the message is built only on failure: this runs for every enqueue
    if (waiting < 0 || waiting > this.enqueued) assert(false, `a host's queue holds ${waiting} items of ${this.enqueued} ever enqueued`);
    if (waiting > this.queuePeak) this.queuePeak = waiting;
  }

  /** Every admitted item is served, discarded, dropped by a restart, past the run's end, or still `inQueue`. */
  protected assertConserved(inQueue: number): void {
    const accounted = this.served + this.discarded + this.restartsDropped + this.pastEnd + inQueue;
    if (accounted !== this.enqueued) {
      assert(false, `host ${this.layout.index}: served ${this.served} + discarded ${this.discarded} + dropped ${this.restartsDropped} + past the end ${this.pastEnd} + queued ${inQueue} != enqueued ${this.enqueued}`);
    }
  }

  private advance(nowUs: number): void {
    this.lastEventUs = forward(this.lastEventUs, nowUs, `DWFM host ${this.layout.index}`);
  }

  /** Queues a fate for a shard (host times); all are sent at the end of the current event. */
  protected fate(shard: number, item: number, fate: FateCode, timeUs: number, enqueuedUs: number): void {
    let buffer = this.outgoing[shard];
    if (buffer === undefined) {
      buffer = new FateBuffer();
      this.outgoing[shard] = buffer;
    }
    buffer.push(item, fate, timeUs, enqueuedUs);
  }

  protected shardId(shard: number): ActorId {
    return this.layout.firstShardId + shard;
  }

  private flushFates(ctx: HostCtx): void {
    for (let k = 0; k < this.outgoing.length; k++) {
      const buffer = this.outgoing[k];
      if (buffer === undefined || buffer.items.length === 0) continue;
      ctx.send(this.shardId(k), buffer.take(ctx.now), PRIORITY_FIRST);
    }
  }

  private setAvailable(available: boolean, ctx: HostCtx): void {
    const was = this.available;
    this.available = available;
    if (was && !available && this.unavailableFromUs === null) this.unavailableFromUs = ctx.now;
    if (was && !available && this.params.tellsOutage) {
      const outage: OutageMsg = { kind: 'outage' };
      for (let k = 0; k < this.layout.shardCount; k++) ctx.send(this.shardId(k), outage, PRIORITY_FIRST);
    }
    if (was || !available) return;
    this.availableAgainUs = ctx.now;
    if (this.accountFromUs === Infinity) this.accountFromUs = ctx.now;
    // DynamoDB is back: the recovery workflow enqueues every waiting droplet, shard by shard (droplet order).
    const recover: RecoverMsg = { kind: 'recover' };
    for (let k = 0; k < this.layout.shardCount; k++) ctx.send(this.shardId(k), recover, PRIORITY_FIRST);
  }

  private scheduleWake(ctx: HostCtx): void {
    const sampleUs = this.finished ? Infinity : Math.min(this.nextSampleUs, this.params.endUs);
    const t = Math.min(this.nextTimerUs(), sampleUs);
    if (t !== Infinity && t >= ctx.now) ctx.wakeAt(t, PRIORITY_FIRST);
  }
}

/**
 * The shards whose renewals sent ahead, arriving at the instant of `msg`, the host books before it:
 * at an instant a shard's lease traffic comes after everything else the host hears (the recovery
 * workflow's attempts first of all), and lower shards' before higher ones'.
 */
function settledUpTo(msg: HostMsg): number {
  if (msg.kind === 'renewals-ahead' || (msg.kind === 'enqueue' && !msg.first)) return msg.shard;
  return -1;
}

export { Fate };
