// A DNS Enactor (one per AZ): take the newest plan, make the one-time staleness check, apply it
// endpoint batch by endpoint batch (lock, then one Route53 transaction per endpoint), retry the
// endpoints another enactor held, then run the clean-up. Step delays are random with a heavy tail.
import type { Actor, ActorId, Context } from '@cascade/kernel';
import { assert, ZERO_US } from '@cascade/kernel';
import { unexpected, type EnactorIn, type Route53In, type PlanStoreIn } from './messages.js';
import { initialPlan, type EndpointLayout, type Plan } from './plan.js';
import type { EnactorParams, EnactorStall } from './params.js';

type EnactorOut = Route53In | PlanStoreIn;
type EnactorCtx = Context<EnactorIn, EnactorOut>;

export interface EnactorWiring {
  readonly index: number;
  readonly store: ActorId;
  readonly route53: ActorId;
  /** A forced stall for this enactor (fault injection), or null. */
  readonly stall: EnactorStall | null;
}

type Phase = 'idle' | 'fetching' | 'checking' | 'waiting' | 'locking' | 'committing' | 'cleaning';

export class Enactor implements Actor<EnactorIn, EnactorOut> {
  private readonly steps: number;
  private readonly regionalStep: number;
  private phase: Phase = 'idle';
  /** Newest generation this enactor has already taken up (applied or found stale). */
  private lastTaken: number;
  private plan: Plan | null = null;
  private step = 0;
  private retryList: readonly number[] | null = null;
  private retries = 0;
  private busy: readonly number[] = [];
  private passStartUs = ZERO_US;
  private stallFired = false;
  private readonly tally = { passes: 0, staleChecks: 0, retries: 0, skippedEndpoints: 0, randomStalls: 0, forcedStallAt: null as number | null, passTimeMaxS: 0 };

  constructor(
    private readonly layout: EndpointLayout,
    private readonly params: EnactorParams,
    private readonly wiring: EnactorWiring,
  ) {
    this.lastTaken = initialPlan(layout).generation; // every record starts with it
    this.steps = Math.max(1, Math.min(params.steps, layout.endpoints));
    this.regionalStep = Math.floor(((layout.regional + 1) * this.steps - 1) / layout.endpoints);
    assert(this.stepFrom(this.regionalStep) <= layout.regional && layout.regional < this.stepFrom(this.regionalStep + 1), 'regional step');
  }

  init(ctx: EnactorCtx): void {
    ctx.after(this.jitter(this.params.pollIntervalUs, ctx), { kind: 'poll' });
  }

  receive(msg: EnactorIn, ctx: EnactorCtx): void {
    switch (msg.kind) {
      case 'poll':
        this.fetch(ctx);
        return;
      case 'newest':
        this.expect('fetching');
        if (msg.plan === null || msg.plan.generation <= this.lastTaken) {
          this.idle(ctx);
          return;
        }
        this.plan = msg.plan;
        this.lastTaken = msg.plan.generation;
        this.phase = 'checking';
        ctx.send(this.wiring.route53, { kind: 'check', enactor: this.wiring.index, generation: msg.plan.generation });
        return;
      case 'checked':
        this.expect('checking');
        if (!msg.ok) {
          this.tally.staleChecks++;
          this.plan = null;
          this.idle(ctx);
          return;
        }
        // The one-time check passed: from here on the pass never looks at plan generations again.
        this.step = 0;
        this.passStartUs = ctx.now;
        this.scheduleStep(ctx);
        return;
      case 'step':
        this.expect('waiting');
        this.phase = 'locking';
        ctx.send(this.wiring.route53, { kind: 'lock', enactor: this.wiring.index, from: this.stepFrom(this.step), count: this.stepFrom(this.step + 1) - this.stepFrom(this.step), endpoints: this.retryList });
        return;
      case 'locked':
        this.expect('locking');
        this.busy = msg.busy;
        this.phase = 'committing';
        ctx.send(this.wiring.route53, { kind: 'commit', enactor: this.wiring.index, plan: this.plan as Plan });
        return;
      case 'committed':
        this.expect('committing');
        this.afterCommit(ctx);
        return;
      case 'cleaned':
        this.expect('cleaning');
        this.tally.passes++;
        this.tally.passTimeMaxS = Math.max(this.tally.passTimeMaxS, (ctx.now - this.passStartUs) / 1e6);
        ctx.metrics.observe('dns.enactorPassUs', ctx.now - this.passStartUs);
        this.plan = null;
        this.fetch(ctx);
        return;
      default:
        unexpected(msg);
    }
  }

  report(): unknown {
    return { ...this.tally, lastTaken: this.lastTaken };
  }

  private afterCommit(ctx: EnactorCtx): void {
    const busy = this.busy;
    this.busy = [];
    if (busy.length > 0 && this.retries < this.params.maxRetries) {
      // Another enactor holds these endpoints: retry just them, after a short jittered wait.
      this.retries++;
      this.tally.retries++;
      this.retryList = busy;
      this.phase = 'waiting';
      ctx.after(this.jitter(this.params.retryDelayUs, ctx), { kind: 'step' });
      return;
    }
    this.tally.skippedEndpoints += busy.length;
    this.step++;
    this.retries = 0;
    this.retryList = null;
    if (this.step < this.steps) {
      this.scheduleStep(ctx);
      return;
    }
    const plan = this.plan as Plan;
    this.phase = 'cleaning';
    ctx.send(this.wiring.route53, { kind: 'finish', enactor: this.wiring.index, generation: plan.generation, below: plan.generation - this.params.keepGenerations });
  }

  private scheduleStep(ctx: EnactorCtx): void {
    const p = this.params;
    let delayUs = this.jitter(Math.round(p.passTimeUs / this.steps), ctx);
    if (p.stallProbability > 0 && ctx.rng.random() < p.stallProbability) {
      this.tally.randomStalls++;
      delayUs += Math.round(Math.min(p.stallMaxUs, ctx.rng.pareto(p.stallScaleUs, p.stallAlpha)));
    }
    const stall = this.wiring.stall;
    // The forced 2025 delay: from `at`, the enactor's next step over the regional endpoint.
    if (stall !== null && !this.stallFired && ctx.now >= stall.atUs && this.step === this.regionalStep) {
      this.stallFired = true;
      this.tally.forcedStallAt = ctx.now / 1e6;
      delayUs += stall.forUs;
    }
    this.phase = 'waiting';
    ctx.after(delayUs, { kind: 'step' });
  }

  private fetch(ctx: EnactorCtx): void {
    this.phase = 'fetching';
    ctx.send(this.wiring.store, { kind: 'get-newest', enactor: this.wiring.index });
  }

  private idle(ctx: EnactorCtx): void {
    this.phase = 'idle';
    ctx.after(this.jitter(this.params.pollIntervalUs, ctx), { kind: 'poll' });
  }

  private stepFrom(step: number): number {
    return Math.floor((step * this.layout.endpoints) / this.steps);
  }

  /** `baseUs` scaled by a uniform factor in [0.5, 1.5). */
  private jitter(baseUs: number, ctx: EnactorCtx): number {
    return Math.round(baseUs * (0.5 + ctx.rng.random()));
  }

  private expect(phase: Phase): void {
    assert(this.phase === phase, `enactor ${this.wiring.index} in phase ${this.phase}, expected ${phase}`);
  }
}
