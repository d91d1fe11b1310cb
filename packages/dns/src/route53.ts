// Route53 as the DNS Enactors see it: one record per endpoint (struct of arrays), per-endpoint
// locks, one transaction per endpoint, change batches for the plan clean-up, and the answers
// resolvers get for the regional endpoint. It also hosts the invariant monitors.
import type { Actor, ActorId, Context } from '@cascade/kernel';
import { assert, usToSeconds } from '@cascade/kernel';
import { InvariantMonitor, LagMonitor, type Violation } from './monitor.js';
import { unexpected, type Route53In, type EnactorIn, type ResolverIn, type PlanStoreIn } from './messages.js';
import { endpointLbMasks, initialPlan, planAddressCount, popcount, type EndpointLayout, type Plan } from './plan.js';
import type { SafetySwitches } from './params.js';

type Route53Out = EnactorIn | ResolverIn | PlanStoreIn;
type Route53Ctx = Context<Route53In, Route53Out>;

export interface Route53Wiring {
  readonly firstEnactor: ActorId;
  readonly enactors: number;
  readonly store: ActorId;
  readonly firstResolver: ActorId;
  readonly sampleIntervalUs: number;
  readonly maxLagUs: number;
}

const NO_HOLDER = -1;

interface LockRequest {
  readonly from: number;
  readonly count: number;
  readonly endpoints: readonly number[] | null;
}

export interface Route53Report {
  readonly emptyRecordAt: number | null;
  readonly restoredAt: number | null;
  readonly automationStuck: boolean;
  readonly stuckFrom: number | null;
  readonly violations: readonly Violation[];
  readonly violationCounts: Record<string, number>;
  readonly emptyEpisodes: number;
  readonly emptyEndpointsMax: number;
  readonly emptyEndpointsAtEnd: number;
  readonly appliedGeneration: number;
  readonly intendedGeneration: number;
  readonly counts: Route53Counts;
}

export interface Route53Counts {
  applied: number;
  backwards: number;
  rejectedStale: number;
  rejectedInconsistent: number;
  rejectedEmpty: number;
  lockBusy: number;
  cleanupSpared: number;
  cleanupRefusedEmpty: number;
  recordSetsDeleted: number;
  endpointsEmptiedByCleanup: number;
  appliedDeletedPlan: number;
  repairedEndpoints: number;
}

export class Route53 implements Actor<Route53In, Route53Out> {
  /** Generation of the plan each record was written from. */
  private readonly tag: Int32Array;
  /** 1 when the record points at a deleted plan: no addresses, and no transaction can replace it. */
  private readonly orphan: Uint8Array;
  /** 1 when the record has no addresses (orphaned, or its plan gives it none). */
  private readonly empty: Uint8Array;
  private readonly lockHolder: Int8Array;
  /** Load balancers that may serve each endpoint (`endpointLbMask`), precomputed. */
  private readonly lbMask: Int32Array;
  private readonly requests: (LockRequest | null)[];
  /** Plans whose record sets exist here (the Planner publishes them), and how many records use each. */
  private readonly recordPlans = new Map<number, Plan>();
  private readonly users = new Map<number, number>();
  /** Plans whose record sets the clean-up deleted: a record pointed at one of them has no addresses. */
  private readonly deleted = new Set<number>();
  /** The plan each enactor's pass in progress is applying (0: none), for `cleanupSparesActive`. */
  private readonly applying: Int32Array;
  /** The "previously applied plan" of the enactors' one-time check. */
  private marker: number;
  private intended: Plan;
  private emptyCount = 0;
  private emptyMax = 0;

  private readonly monitor = new InvariantMonitor();
  private readonly lag: LagMonitor;
  private regionalEmpty = false;
  private emptyRecordAtUs: number | null = null;
  private restoredAtUs: number | null = null;
  private emptyEpisodes = 0;
  private stuckFromUs: number | null = null;
  private readonly counts: Route53Counts = {
    applied: 0,
    backwards: 0,
    rejectedStale: 0,
    rejectedInconsistent: 0,
    rejectedEmpty: 0,
    lockBusy: 0,
    cleanupSpared: 0,
    cleanupRefusedEmpty: 0,
    recordSetsDeleted: 0,
    endpointsEmptiedByCleanup: 0,
    appliedDeletedPlan: 0,
    repairedEndpoints: 0,
  };

  constructor(
    private readonly layout: EndpointLayout,
    private readonly safety: SafetySwitches,
    private readonly wiring: Route53Wiring,
  ) {
    const n = layout.endpoints;
    const initial = initialPlan(layout);
    this.tag = new Int32Array(n).fill(initial.generation);
    this.orphan = new Uint8Array(n);
    this.empty = new Uint8Array(n);
    this.lockHolder = new Int8Array(n).fill(NO_HOLDER);
    this.lbMask = endpointLbMasks(layout);
    this.requests = new Array<LockRequest | null>(wiring.enactors).fill(null);
    this.applying = new Int32Array(wiring.enactors);
    this.recordPlans.set(initial.generation, initial);
    this.users.set(initial.generation, n);
    this.marker = initial.generation;
    this.intended = initial;
    this.lag = new LagMonitor(wiring.maxLagUs);
    for (let e = 0; e < n; e++) if (planAddressCount(layout, initial, e) === 0) this.setEmpty(e, true);
  }

  init(ctx: Route53Ctx): void {
    // Each sample is the state at the end of its bucket: taken at the bucket's end, filed 1 µs earlier.
    ctx.after(this.wiring.sampleIntervalUs, { kind: 'sample' });
  }

  receive(msg: Route53In, ctx: Route53Ctx): void {
    switch (msg.kind) {
      case 'planned':
        // Publishing a plan creates its record sets; enactors then point endpoints at them.
        if (!this.deleted.has(msg.plan.generation)) this.recordPlans.set(msg.plan.generation, msg.plan);
        if (msg.plan.generation > this.intended.generation) this.intended = msg.plan;
        this.lag.planned(msg.plan.generation, msg.plan.createdAtUs);
        this.scheduleLagCheck(ctx);
        return;
      case 'check': {
        const ok = msg.generation > this.marker;
        if (ok) this.applying[msg.enactor] = msg.generation;
        ctx.send(this.wiring.firstEnactor + msg.enactor, { kind: 'checked', ok, previous: this.marker });
        return;
      }
      case 'lock':
        this.lock(msg.enactor, { from: msg.from, count: msg.count, endpoints: msg.endpoints }, ctx);
        return;
      case 'commit':
        this.commit(msg.enactor, msg.plan, ctx);
        return;
      case 'finish':
        this.finish(msg.enactor, msg.generation, msg.below, ctx);
        return;
      case 'resolve': {
        const r = this.layout.regional;
        const addresses = this.regionalAddresses();
        ctx.send(this.wiring.firstResolver + msg.resolver, { kind: 'answer', addresses, generation: this.tag[r] as number });
        return;
      }
      case 'repair':
        this.repair(ctx);
        return;
      case 'lag-check':
        if (this.lag.check(msg.generation, this.regionalGeneration())) {
          const behind = this.regionalEmpty ? 'is empty' : `holds generation ${this.tag[this.layout.regional]}`;
          this.monitor.violated('applied-matches-intended', ctx.now, `regional record ${behind} while generation ${msg.generation} was planned more than ${usToSeconds(this.wiring.maxLagUs)}s ago`);
        }
        this.scheduleLagCheck(ctx);
        return;
      case 'sample':
        this.sample(ctx);
        ctx.after(this.wiring.sampleIntervalUs, { kind: 'sample' });
        return;
      default:
        unexpected(msg);
    }
  }

  report(): Route53Report {
    return {
      emptyRecordAt: this.emptyRecordAtUs === null ? null : usToSeconds(this.emptyRecordAtUs),
      restoredAt: this.restoredAtUs === null ? null : usToSeconds(this.restoredAtUs),
      automationStuck: this.stuckFromUs !== null,
      stuckFrom: this.stuckFromUs === null ? null : usToSeconds(this.stuckFromUs),
      violations: this.monitor.violations,
      violationCounts: { ...this.monitor.counts },
      emptyEpisodes: this.emptyEpisodes,
      emptyEndpointsMax: this.emptyMax,
      emptyEndpointsAtEnd: this.emptyCount,
      appliedGeneration: this.tag[this.layout.regional] as number,
      intendedGeneration: this.intended.generation,
      counts: { ...this.counts },
    };
  }

  // --- transactions ---

  private lock(enactor: number, request: LockRequest, ctx: Route53Ctx): void {
    assert(this.requests[enactor] === null, `enactor ${enactor} locks again before committing`);
    const busy: number[] = [];
    const holder = this.lockHolder;
    const take = (e: number): void => {
      if (holder[e] === NO_HOLDER) holder[e] = enactor;
      else busy.push(e);
    };
    if (request.endpoints === null) for (let e = request.from; e < request.from + request.count; e++) take(e);
    else for (const e of request.endpoints) take(e);
    this.counts.lockBusy += busy.length;
    this.requests[enactor] = request;
    ctx.send(this.wiring.firstEnactor + enactor, { kind: 'locked', busy });
  }

  private commit(enactor: number, plan: Plan, ctx: Route53Ctx): void {
    const request = this.requests[enactor];
    assert(request !== null && request !== undefined, `enactor ${enactor} commits without a lock`);
    this.requests[enactor] = null;
    const batch: BatchTally = { applied: 0, rejected: 0, backwards: 0, newestOverwritten: 0, regionalBackwards: false, usersAdded: 0, releasedGeneration: 0, released: 0 };
    const holder = this.lockHolder;
    // A plan the clean-up already deleted has no record sets: pointing a record at it empties it.
    const gone = this.deleted.has(plan.generation);
    if (!gone && !this.recordPlans.has(plan.generation)) this.recordPlans.set(plan.generation, plan);
    const one = (e: number): void => {
      if (holder[e] !== enactor) return;
      holder[e] = NO_HOLDER;
      this.transact(e, plan, gone, enactor, batch, ctx);
    };
    if (request.endpoints === null) for (let e = request.from; e < request.from + request.count; e++) one(e);
    else for (const e of request.endpoints) one(e);
    this.use(batch.releasedGeneration, -batch.released);
    this.use(plan.generation, batch.usersAdded);
    if (batch.backwards > 0) {
      const regional = batch.regionalBackwards ? ', the regional endpoint among them' : '';
      this.monitor.violated('applied-generation-monotonic', ctx.now, `enactor ${enactor} wrote generation ${plan.generation} over newer records (up to generation ${batch.newestOverwritten}) on ${batch.backwards} endpoint(s)${regional}`);
    }
    ctx.send(this.wiring.firstEnactor + enactor, { kind: 'committed', applied: batch.applied, rejected: batch.rejected });
  }

  /** One endpoint's transaction: the conditions the safety switches add, then the write. */
  private transact(e: number, plan: Plan, gone: boolean, enactor: number, batch: BatchTally, ctx: Route53Ctx): void {
    const g = plan.generation;
    const current = this.tag[e] as number;
    const regional = e === this.layout.regional;
    if (this.orphan[e] === 1) {
      // The change batch must delete the record it replaces, built from the record's own plan,
      // which is gone: Route53 rejects it. This is the 2025 inconsistent state.
      this.counts.rejectedInconsistent++;
      batch.rejected++;
      if (regional && this.stuckFromUs === null) this.stuckFromUs = ctx.now;
      return;
    }
    if (this.safety.versionCheck === 'atApply' && current >= g) {
      this.counts.rejectedStale++;
      batch.rejected++;
      return;
    }
    const addresses = gone ? 0 : popcount(plan.healthyMask & (this.lbMask[e] as number));
    if (this.safety.rejectEmpty && addresses === 0) {
      this.counts.rejectedEmpty++;
      batch.rejected++;
      return;
    }
    if (g < current) {
      this.counts.backwards++;
      batch.backwards++;
      batch.newestOverwritten = Math.max(batch.newestOverwritten, current);
      if (regional) batch.regionalBackwards = true;
    }
    // Use counts change once per batch: consecutive records mostly share their old generation.
    if (current !== batch.releasedGeneration) {
      this.use(batch.releasedGeneration, -batch.released);
      batch.releasedGeneration = current;
      batch.released = 0;
    }
    batch.released++;
    this.tag[e] = g;
    if (gone) {
      this.orphan[e] = 1;
      this.setEmpty(e, true);
      this.counts.appliedDeletedPlan++;
    } else {
      batch.usersAdded++;
      this.setEmpty(e, addresses === 0);
    }
    this.counts.applied++;
    batch.applied++;
    if (regional) this.regionalChanged(ctx, `enactor ${enactor} applied generation ${g}${gone ? ', a plan the clean-up had deleted' : ''}`);
  }

  /** End of an enactor's pass: the applied-plan marker, then the clean-up change batch. */
  private finish(enactor: number, generation: number, below: number, ctx: Route53Ctx): void {
    this.marker = this.safety.versionCheck === 'atApply' ? Math.max(this.marker, generation) : generation;
    this.applying[enactor] = 0;
    const doomed = [...this.recordPlans.keys()].filter((g) => g < below).sort((a, b) => a - b);
    const spared: number[] = [];
    for (const g of doomed) {
      const users = this.users.get(g) ?? 0;
      // Active: some record uses the plan, or some enactor's pass is applying it.
      if (this.safety.cleanupSparesActive && (users > 0 || this.applying.includes(g))) {
        this.counts.cleanupSpared++;
        spared.push(g);
        continue;
      }
      if (users > 0 && this.safety.rejectEmpty) {
        this.counts.cleanupRefusedEmpty++;
        spared.push(g);
        continue;
      }
      if (users > 0) {
        const regional = this.tag[this.layout.regional] === g && this.orphan[this.layout.regional] === 0;
        this.monitor.violated('active-plan-never-deleted', ctx.now, `enactor ${enactor}'s clean-up after generation ${generation} deleted plan ${g}, still used by ${users} record(s)${regional ? ' including the regional endpoint' : ''}`);
        this.orphanRecordsOf(g, ctx, enactor, generation);
      }
      this.recordPlans.delete(g);
      this.deleted.add(g);
      this.counts.recordSetsDeleted++;
    }
    ctx.send(this.wiring.store, { kind: 'delete-plans', below, spared });
    ctx.send(this.wiring.firstEnactor + enactor, { kind: 'cleaned', deleted: doomed.length - spared.length });
  }

  private orphanRecordsOf(g: number, ctx: Route53Ctx, enactor: number, generation: number): void {
    const tag = this.tag;
    const orphan = this.orphan;
    for (let e = 0; e < tag.length; e++) {
      if (tag[e] !== g || orphan[e] === 1) continue;
      orphan[e] = 1;
      this.setEmpty(e, true);
      this.counts.endpointsEmptiedByCleanup++;
      if (e === this.layout.regional) this.regionalChanged(ctx, `enactor ${enactor}'s clean-up after generation ${generation} deleted plan ${g}`);
    }
    this.users.delete(g);
  }

  /** The operator's manual fix: every emptied record gets the newest plan; automation is unblocked. */
  private repair(ctx: Route53Ctx): void {
    const plan = this.intended;
    if (!this.recordPlans.has(plan.generation)) this.recordPlans.set(plan.generation, plan);
    for (let e = 0; e < this.tag.length; e++) {
      if (this.orphan[e] === 0) continue;
      this.orphan[e] = 0;
      this.tag[e] = plan.generation;
      this.use(plan.generation, 1);
      this.setEmpty(e, planAddressCount(this.layout, plan, e) === 0);
      this.counts.repairedEndpoints++;
      if (e === this.layout.regional) this.regionalChanged(ctx, `operator restored generation ${plan.generation}`);
    }
  }

  // --- record bookkeeping and monitors ---

  private use(g: number, delta: number): void {
    if (delta === 0) return;
    const n = (this.users.get(g) ?? 0) + delta;
    if (n > 0) this.users.set(g, n);
    else this.users.delete(g);
  }

  private setEmpty(e: number, isEmpty: boolean): void {
    const v = isEmpty ? 1 : 0;
    if (this.empty[e] === v) return;
    this.empty[e] = v;
    this.emptyCount += isEmpty ? 1 : -1;
    if (this.emptyCount > this.emptyMax) this.emptyMax = this.emptyCount;
  }

  private regionalAddresses(): number {
    const r = this.layout.regional;
    if (this.orphan[r] === 1) return 0;
    const plan = this.recordPlans.get(this.tag[r] as number);
    assert(plan !== undefined, `regional record uses generation ${this.tag[r]} with no record set`);
    return planAddressCount(this.layout, plan, r);
  }

  /** 0 when the regional record is empty: an empty record matches no intended plan. */
  private regionalGeneration(): number {
    return this.regionalEmpty ? 0 : (this.tag[this.layout.regional] as number);
  }

  private regionalChanged(ctx: Route53Ctx, cause: string): void {
    const isEmpty = this.regionalAddresses() === 0;
    if (isEmpty && !this.regionalEmpty) {
      this.regionalEmpty = true;
      this.emptyEpisodes++;
      if (this.emptyRecordAtUs === null) this.emptyRecordAtUs = ctx.now;
      this.monitor.violated('regional-endpoint-never-empty', ctx.now, `regional record has no addresses: ${cause}`);
    } else if (!isEmpty && this.regionalEmpty) {
      this.regionalEmpty = false;
      if (this.emptyEpisodes === 1 && this.restoredAtUs === null) this.restoredAtUs = ctx.now;
    }
    this.scheduleLagCheck(ctx);
  }

  private scheduleLagCheck(ctx: Route53Ctx): void {
    const next = this.lag.nextCheck(this.regionalGeneration());
    if (next === null) return;
    ctx.after(Math.max(0, next.atUs - ctx.now), { kind: 'lag-check', generation: next.generation });
  }

  private sample(ctx: Route53Ctx): void {
    const m = ctx.metrics;
    m.sample('dns.appliedGeneration', ctx.now - 1, this.tag[this.layout.regional] as number, 'max');
    m.sample('dns.intendedGeneration', ctx.now - 1, this.intended.generation, 'max');
    m.sample('dns.regionalAddresses', ctx.now - 1, this.regionalAddresses(), 'min');
    m.sample('dns.emptyEndpoints', ctx.now - 1, this.emptyCount, 'max');
  }
}

interface BatchTally {
  applied: number;
  rejected: number;
  backwards: number;
  /** The newest generation overwritten by an older one in this batch. */
  newestOverwritten: number;
  regionalBackwards: boolean;
  /** Records now using the batch's plan, and a run of records released from one older generation. */
  usersAdded: number;
  releasedGeneration: number;
  released: number;
}
