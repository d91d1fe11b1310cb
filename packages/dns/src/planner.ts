// The DNS Planner: every interval it reads load-balancer health and publishes a new plan
// generation to the plan store, and tells the consistency monitor (in Route53) what it intends.
import type { Actor, ActorId, Context } from '@cascade/kernel';
import { unexpected, type PlannerIn, type PlanStoreIn, type Route53In } from './messages.js';
import { allHealthyMask, initialPlan, type EndpointLayout, type Plan } from './plan.js';
import type { PlannerParams } from './params.js';

type PlannerOut = PlanStoreIn | Route53In;
type PlannerCtx = Context<PlannerIn, PlannerOut>;

export interface PlannerWiring {
  readonly store: ActorId;
  readonly route53: ActorId;
}

export class Planner implements Actor<PlannerIn, PlannerOut> {
  private generation: number;
  private healthyMask: number;

  constructor(
    private readonly layout: EndpointLayout,
    private readonly params: PlannerParams,
    private readonly wiring: PlannerWiring,
  ) {
    this.generation = initialPlan(layout).generation;
    this.healthyMask = initialPlan(layout).healthyMask;
  }

  init(ctx: PlannerCtx): void {
    ctx.after(this.params.intervalUs, { kind: 'plan-tick' });
  }

  receive(msg: PlannerIn, ctx: PlannerCtx): void {
    switch (msg.kind) {
      case 'plan-tick':
        this.publish(ctx);
        ctx.after(this.params.intervalUs, { kind: 'plan-tick' });
        return;
      default:
        unexpected(msg.kind);
    }
  }

  report(): unknown {
    return { generation: this.generation };
  }

  private publish(ctx: PlannerCtx): void {
    this.healthyMask = nextHealth(this.healthyMask, this.layout.loadBalancers, this.params, ctx);
    this.generation++;
    const plan: Plan = { generation: this.generation, createdAtUs: ctx.now, healthyMask: this.healthyMask, weightSeed: ctx.rng.nextUint32() };
    ctx.send(this.wiring.store, { kind: 'put-plan', plan });
    ctx.send(this.wiring.route53, { kind: 'planned', plan });
    ctx.metrics.sample('dns.intendedGeneration', ctx.now, plan.generation, 'max');
  }
}

/** One step of every load balancer's health: healthy ones may fail, unhealthy ones may recover. */
function nextHealth(mask: number, loadBalancers: number, params: PlannerParams, ctx: PlannerCtx): number {
  let next = mask;
  for (let lb = 0; lb < loadBalancers; lb++) {
    const bit = 1 << lb;
    const p = (mask & bit) !== 0 ? params.lbFailProbability : params.lbRecoverProbability;
    if (p > 0 && ctx.rng.random() < p) next ^= bit;
  }
  return next & allHealthyMask(loadBalancers);
}
