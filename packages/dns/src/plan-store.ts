// The plan store: every published plan by generation. Enactors read the newest; the clean-up
// deletes old ones (through Route53, which decides which deletions its safety rules allow).
import type { Actor, Context } from '@cascade/kernel';
import { unexpected, type PlanStoreIn, type EnactorIn } from './messages.js';
import type { Plan } from './plan.js';

type StoreOut = EnactorIn;
type StoreCtx = Context<PlanStoreIn, StoreOut>;

export interface PlanStoreWiring {
  /** Actor id of enactor 0; enactor i is firstEnactor + i. */
  readonly firstEnactor: number;
  readonly sampleIntervalUs: number;
}

export class PlanStore implements Actor<PlanStoreIn, StoreOut> {
  /** Plans by generation; Map keeps insertion order, which is generation order. */
  private readonly plans = new Map<number, Plan>();
  private newest: Plan;
  private deletedTotal = 0;
  private storedMax = 1;

  constructor(
    initial: Plan,
    private readonly wiring: PlanStoreWiring,
  ) {
    this.plans.set(initial.generation, initial);
    this.newest = initial;
  }

  init(ctx: StoreCtx): void {
    // Each sample is the state at the end of its bucket: taken at the bucket's end, filed 1 µs earlier.
    ctx.after(this.wiring.sampleIntervalUs, { kind: 'sample' });
  }

  receive(msg: PlanStoreIn, ctx: StoreCtx): void {
    switch (msg.kind) {
      case 'put-plan':
        this.plans.set(msg.plan.generation, msg.plan);
        if (msg.plan.generation > this.newest.generation) this.newest = msg.plan;
        this.storedMax = Math.max(this.storedMax, this.plans.size);
        return;
      case 'get-newest': {
        const plan = this.plans.has(this.newest.generation) ? this.newest : null;
        ctx.send(this.wiring.firstEnactor + msg.enactor, { kind: 'newest', plan });
        return;
      }
      case 'delete-plans':
        // Keys are in generation order, so the scan stops at the first plan young enough to keep.
        for (const generation of this.plans.keys()) {
          if (generation >= msg.below) break;
          if (msg.spared.includes(generation)) continue;
          this.plans.delete(generation);
          this.deletedTotal++;
        }
        return;
      case 'sample':
        ctx.metrics.sample('dns.plansStored', ctx.now - 1, this.plans.size, 'max');
        ctx.after(this.wiring.sampleIntervalUs, { kind: 'sample' });
        return;
      default:
        unexpected(msg);
    }
  }

  report(): unknown {
    return { stored: this.plans.size, storedMax: this.storedMax, deleted: this.deletedTotal };
  }
}
