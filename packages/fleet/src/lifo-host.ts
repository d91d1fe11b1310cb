// A DWFM host serving the newest item first. Unlike FIFO an item's fate is only known when the
// server picks it, so this host runs the server for real: it wakes at each completion and at
// each restart, and tells a droplet when its current attempt will complete on time or was dropped.
import { assert, ZERO_US, type Actor, type Context } from '@cascade/kernel';
import { HostCore } from './host-core.js';
import type { HostLayout, HostParams } from './host-params.js';
import { LifoStack } from './lifo-stack.js';
import { Fate, type HostMsg, type HostOut } from './messages.js';

type HostCtx = Context<HostMsg, HostOut>;

export class LifoHost extends HostCore implements Actor<HostMsg, HostOut> {
  private readonly stack = new LifoStack();
  private serving = false;
  /** The item in service: its code (see LifoStack), enqueue time, start and completion. */
  private servingCode = 0;
  private servingEnqUs = ZERO_US;
  private servingStartUs = ZERO_US;
  private servingDoneUs = Infinity;

  constructor(params: HostParams, layout: HostLayout) {
    super(params, layout);
  }

  protected override waitingAt(): number {
    return this.stack.items;
  }

  protected override nextTimerUs(): number {
    const done = this.serving ? this.servingDoneUs : Infinity;
    const restart = this.nextRestartUs();
    return done < restart ? done : restart;
  }

  protected override onEnqueue(shard: number, items: readonly number[], aheadUs: readonly number[] | undefined, ctx: HostCtx): void {
    // a LIFO item's fate is known only when the server picks it: its shards send every item at its instant
    if (aheadUs !== undefined) assert(false, `LIFO DWFM host ${this.layout.index} got items sent ahead`);
    const now = ctx.now;
    const p = this.params;
    const base = shard * this.layout.dropletsPerShard;
    let handled = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as number;
      const establish = (item & 1) === 1;
      handled++;
      if (!this.available) {
        if (establish) this.fate(shard, item, Fate.unavailable, now, now);
        continue;
      }
      if (establish && this.rejects(now, this.stack.items)) {
        this.throttled++;
        this.fate(shard, item, Fate.throttled, now, now);
        continue;
      }
      this.enqueued++;
      this.stack.push(((base + (item >> 1)) << 1) | (item & 1), now);
      if (!this.serving) this.startNext(now);
      else this.notePeak(this.stack.items);
    }
    this.stack.maybeCompact(now - p.attemptTimeoutUs);
    this.assertConserved(this.inQueue());
    ctx.countEvents(handled);
  }

  protected override onTimer(ctx: HostCtx): void {
    const now = ctx.now;
    let handled = 0;
    if (this.serving && this.servingDoneUs === now) {
      this.finishService();
      handled++;
    }
    if (this.nextRestartUs() === now) {
      handled += this.restart(now);
      this.restartIndex++;
    }
    if (!this.serving) this.startNext(now);
    this.assertConserved(this.inQueue());
    ctx.countEvents(handled);
  }

  /** Items waiting and the one in service. */
  private inQueue(): number {
    return this.stack.items + (this.serving ? 1 : 0);
  }

  /** The server takes the newest waiting item; its fate is known from here. */
  private startNext(now: number): void {
    if (!this.stack.pop()) return;
    const p = this.params;
    const code = this.stack.poppedCode;
    const enqUs = this.stack.poppedEnqUs;
    const establish = code >= 0 ? (code & 1) === 1 : code === -2;
    const done = now + (establish ? p.establishCostUs : p.renewCostUs);
    this.serving = true;
    this.servingCode = code;
    this.servingEnqUs = enqUs;
    this.servingStartUs = now;
    this.servingDoneUs = done;
    if (code >= 0 && done <= enqUs + p.attemptTimeoutUs && done <= this.nextRestartUs() && done <= p.endUs) {
      this.tell(code, Fate.ok, done, enqUs);
    }
  }

  private finishService(): void {
    const p = this.params;
    const onTime = this.servingDoneUs <= this.servingEnqUs + p.attemptTimeoutUs;
    this.busy(this.servingStartUs, this.servingDoneUs, !onTime);
    if (this.servingDoneUs <= p.endUs) {
      this.served++;
      this.completed(this.servingDoneUs, onTime);
      this.metrics.observe('dwfm.attemptLatency', this.servingDoneUs - this.servingEnqUs);
    } else {
      this.pastEnd++;
    }
    this.serving = false;
  }

  /** Drops the item in service and every waiting item; current attempts are told. Returns items dropped. */
  private restart(now: number): number {
    const timeoutUs = this.params.attemptTimeoutUs;
    let dropped = 0;
    if (this.serving) {
      this.busy(this.servingStartUs, now, true);
      if (this.servingCode >= 0 && (this.servingCode & 1) === 1 && this.servingEnqUs + timeoutUs >= now) {
        this.tell(this.servingCode, Fate.dropped, now, this.servingEnqUs);
      }
      this.serving = false;
      dropped++;
    }
    dropped += this.stack.drain((code, enqUs) => {
      if ((code & 1) === 1 && enqUs + timeoutUs >= now) this.tell(code, Fate.dropped, now, enqUs);
    });
    if (now <= this.params.endUs) this.restartsDropped += dropped;
    else this.pastEnd += dropped;
    return dropped;
  }

  /** Sends a fate about host-local item `code` to the shard that holds its droplet. */
  private tell(code: number, fate: (typeof Fate)[keyof typeof Fate], timeUs: number, sentUs: number): void {
    const j = code >> 1;
    const per = this.layout.dropletsPerShard;
    const shard = Math.floor(j / per);
    this.fate(shard, ((j - shard * per) << 1) | (code & 1), fate, timeUs, sentUs);
  }
}
