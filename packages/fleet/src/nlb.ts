// A Network Load Balancer spanning the AZs, with its health-check subsystem. New targets are put
// in service at once (the 2025 behaviour), before their network state has propagated: a check of a
// target without network state passes only by chance (state partly propagated), so such targets
// flap — fail, are removed, pass, are re-added. Checks and flaps load the checker; past its
// capacity checks time out and healthy targets look failed too. When an AZ's failing fraction
// passes the threshold, automatic AZ DNS failover removes the AZ's capacity; velocity control caps
// the capacity removed per minute. The operator can switch automatic failover off and on. The NLB
// is stable when its own state says so: no flaps, nothing removed and the checker within capacity
// for `stableRounds` rounds, with automatic failover on.
import { assert, ZERO_US, type Actor, type ActorBlock, type Context, type Message, type ModelAssembly, type ObservationMsg, type Observer, type SummaryInput, usToSeconds } from '@cascade/kernel';
import { forward } from './checks.js';
import { FLEET_KINDS } from './kinds.js';
import { binomial } from './binomial.js';
import { F64List } from './f64-list.js';
import type { TargetsMsg } from './network-manager.js';

export interface NlbParams {
  readonly azs: number;
  /** Established, healthy targets per AZ (they fail only when the checker is degraded). */
  readonly baseTargetsPerAz: number;
  readonly checkIntervalUs: number;
  /** A new target is first judged this long after registration (the healthy threshold's checks). */
  readonly initialGraceUs: number;
  /** Chance a check of a target without network state passes (partial propagation). */
  readonly unreadyPassProbability: number;
  /** Checker work per target state change, in checks (re-registration, config push). */
  readonly flapCostChecks: number;
  /** Checks per second one AZ's checker can do; beyond it checks time out. */
  readonly checkerCapacityPerS: number;
  /** An AZ fails over when more than this fraction of its targets fails; it returns below half of it. */
  readonly failoverThreshold: number;
  /** Most capacity (fraction of the NLB's) failover may remove per minute; 0 = no velocity control. */
  readonly velocityControlPerMin: number;
  /** Calm rounds in a row (no flap, nothing removed, checker within capacity, failover on) that make the NLB stable. */
  readonly stableRounds: number;
  readonly sampleIntervalUs: number;
  readonly endUs: number;
}

/** Operator -> NLB: automatic AZ DNS failover on or off from now on. */
export interface FailoverMsg extends Message {
  readonly kind: 'failover';
  readonly enabled: boolean;
}

export interface NlbReport {
  readonly flaps: number;
  readonly removals: number;
  readonly failovers: number;
  readonly capacityRemovedPeak: number;
  /** Capacity out of service integrated over time (fraction x seconds). */
  readonly capacityRemovedSeconds: number;
  readonly checkerLoadPeak: number;
  readonly firstUnstableUs: number | null;
  readonly firstFailoverUs: number | null;
  readonly lastUnstableUs: number | null;
  /** Calm for at least `stableRounds` rounds at the end of the run. */
  readonly stableAtEnd: boolean;
  readonly targetsRegistered: number;
}

interface CheckMsg extends Message {
  readonly kind: 'nlb-check';
}

type NlbIn = TargetsMsg | CheckMsg | FailoverMsg;
type NlbCtx = Context<NlbIn, ObservationMsg>;

class AzState {
  /** Ready times of registered targets not yet network-ready, ascending (FIFO). */
  readonly ready = new F64List("an NLB AZ's targets waiting for network state", 'lower the launch rates (launches.ec2Rate, launches.serviceRate), nlb.targetFraction or the run (duration)');
  head = 0;
  /** Unready targets in service and removed. */
  inService = 0;
  out = 0;
  failedOver = false;
  /** Capacity (targets) removed by failover. */
  removed = 0;
}

export class Nlb implements Actor<NlbIn, ObservationMsg> {
  private readonly az: AzState[];
  private flaps = 0;
  private removals = 0;
  private failovers = 0;
  private registered = 0;
  /** Time of the last event handled (time never goes backwards). */
  private lastEventUs = ZERO_US;
  private capacityRemovedPeak = 0;
  private capacityRemovedSeconds = 0;
  private checkerLoadPeak = 0;
  private firstUnstableUs: number | null = null;
  private firstFailoverUs: number | null = null;
  private lastUnstableUs: number | null = null;
  private calmRounds = 0;
  private autoFailover = true;
  /** What the observers get for the current sample interval. */
  private observedRemovedMax = 0;
  private observedFailoverMax = 0;
  private observedFailing = 0;
  private observedLoadMax = 0;
  private observedBucket = 0;

  /**
   * `observers` are told, every sample interval, `nlb.capacityRemoved` (max over its rounds, flapped
   * targets included), `nlb.failoverRemoved` (by AZ failover alone, max), `nlb.failingChecks` (flaps
   * and removals) and `nlb.checkerLoad` (max).
   */
  constructor(
    private readonly p: NlbParams,
    private readonly observers: readonly Observer[] = [],
  ) {
    this.az = Array.from({ length: p.azs }, () => new AzState());
  }

  init(ctx: NlbCtx): void {
    ctx.after(this.p.checkIntervalUs, { kind: 'nlb-check' });
  }

  receive(msg: NlbIn, ctx: NlbCtx): void {
    this.lastEventUs = forward(this.lastEventUs, ctx.now, 'the NLB');
    switch (msg.kind) {
      case 'targets': {
        const az = this.az[msg.az] as AzState;
        for (const t of msg.readyUs) {
          // a target whose network state is there within the initial grace is simply healthy
          if (t <= ctx.now + this.p.initialGraceUs) continue;
          az.ready.push(t);
          az.inService++;
        }
        this.registered += msg.readyUs.length;
        return;
      }
      case 'nlb-check':
        this.check(ctx);
        if (ctx.now + this.p.checkIntervalUs <= this.p.endUs) ctx.after(this.p.checkIntervalUs, msg);
        return;
      case 'failover':
        this.autoFailover = msg.enabled;
        return;
      default: {
        const never: never = msg;
        throw new Error(`unexpected message ${String((never as Message).kind)}`);
      }
    }
  }

  report(): NlbReport {
    return {
      flaps: this.flaps,
      removals: this.removals,
      failovers: this.failovers,
      capacityRemovedPeak: this.capacityRemovedPeak,
      capacityRemovedSeconds: this.capacityRemovedSeconds,
      checkerLoadPeak: this.checkerLoadPeak,
      firstUnstableUs: this.firstUnstableUs,
      firstFailoverUs: this.firstFailoverUs,
      lastUnstableUs: this.lastUnstableUs,
      stableAtEnd: this.calmRounds >= this.p.stableRounds,
      targetsRegistered: this.registered,
    };
  }

  /** One round of health checks in every AZ. */
  private check(ctx: NlbCtx): void {
    const now = ctx.now;
    const p = this.p;
    const rng = ctx.rng;
    const intervalS = p.checkIntervalUs / 1e6;
    const autoFailover = this.autoFailover;
    // DNS failover needs somewhere to go: at least one AZ stays in (Route 53 fails open beyond that)
    let failedOver = this.az.filter((a) => a.failedOver).length;
    let capacity = 0;
    let removedTotal = 0;
    let failoverRemoved = 0;
    let flapsNow = 0;
    let removalsNow = 0;
    let loadPeak = 0;
    // failover may remove at most this much capacity (targets) in this round
    let budget = Infinity;
    let total = 0;
    for (const az of this.az) total += p.baseTargetsPerAz + az.inService + az.out;
    if (p.velocityControlPerMin > 0) budget = (p.velocityControlPerMin * total * intervalS) / 60;
    for (const az of this.az) {
      // targets whose network state arrived pass from now on; removed ones are re-added (a flap ends)
      let readyNow = 0;
      const ready = az.ready;
      while (az.head < ready.length && (ready.at(az.head) as number) <= now) {
        az.head++;
        readyNow++;
      }
      if (readyNow > 0) {
        const unready = az.inService + az.out;
        const fromOut = Math.round((readyNow * az.out) / unready);
        az.out -= fromOut;
        az.inService -= readyNow - fromOut;
        this.flaps += fromOut;
        flapsNow += fromOut;
      }
      if (az.head > 4096 && az.head * 2 > ready.length) {
        ready.dropFront(az.head);
        az.head = 0;
      }
      const removed = binomial(rng, az.inService, 1 - p.unreadyPassProbability);
      const readded = binomial(rng, az.out, p.unreadyPassProbability);
      az.inService += readded - removed;
      az.out += removed - readded;
      // every registered target not yet network-ready is either in service or removed
      if (az.inService < 0 || az.out < 0 || az.inService + az.out !== ready.length - az.head) {
        assert(false, `NLB: ${az.inService} unready targets in service + ${az.out} removed != ${ready.length - az.head} waiting for network state`);
      }
      this.flaps += readded;
      this.removals += removed;
      flapsNow += readded;
      removalsNow += removed;
      const unready = az.inService + az.out;
      const azCapacity = p.baseTargetsPerAz + unready;
      const load = (azCapacity + p.flapCostChecks * (removed + readded)) / intervalS;
      const utilisation = load / p.checkerCapacityPerS;
      if (utilisation > loadPeak) loadPeak = utilisation;
      const timedOut = utilisation > 1 ? 1 - 1 / utilisation : 0;
      const failing = azCapacity > 0 ? (az.out + timedOut * (p.baseTargetsPerAz + az.inService)) / azCapacity : 0;
      if (autoFailover && !az.failedOver && failing > p.failoverThreshold && failedOver < p.azs - 1) {
        az.failedOver = true;
        failedOver++;
        this.failovers++;
        if (this.firstFailoverUs === null) this.firstFailoverUs = now;
      } else if (az.failedOver && (!autoFailover || failing <= p.failoverThreshold / 2)) {
        az.failedOver = false;
        failedOver--;
      }
      const want = az.failedOver ? azCapacity : 0;
      if (want > az.removed) {
        const step = Math.min(want - az.removed, budget);
        az.removed += step;
        budget -= step;
      } else {
        az.removed = want;
      }
      capacity += azCapacity;
      failoverRemoved += az.removed;
      // removed by failover, plus flapped-out targets outside the removed share
      removedTotal += az.removed + (azCapacity > 0 ? az.out * (1 - az.removed / azCapacity) : 0);
    }
    const fraction = capacity > 0 ? removedTotal / capacity : 0;
    if (fraction > this.capacityRemovedPeak) this.capacityRemovedPeak = fraction;
    this.capacityRemovedSeconds += fraction * intervalS;
    if (loadPeak > this.checkerLoadPeak) this.checkerLoadPeak = loadPeak;
    const disturbed = flapsNow > 0 || removalsNow > 0 || removedTotal > 0;
    if (disturbed && this.firstUnstableUs === null) this.firstUnstableUs = now;
    // after a disturbance the NLB is back to normal only with its checker within capacity and automatic failover on
    const unstable = disturbed || (this.firstUnstableUs !== null && (loadPeak > 1 || !autoFailover));
    if (unstable) {
      this.lastUnstableUs = now;
      this.calmRounds = 0;
    } else {
      this.calmRounds++;
    }
    this.observe(ctx, fraction, capacity > 0 ? failoverRemoved / capacity : 0, flapsNow + removalsNow, loadPeak);
    const m = ctx.metrics;
    m.sample('nlb.flaps', now, flapsNow);
    m.sample('nlb.removals', now, removalsNow);
    m.sample('nlb.capacityRemoved', now, fraction, 'max');
    m.sample('nlb.checkerLoad', now, loadPeak, 'max');
    m.sample('nlb.failedOverAzs', now, this.az.filter((a) => a.failedOver).length, 'max');
    m.sample('nlb.unreadyTargets', now, this.az.reduce((n, a) => n + a.inService + a.out, 0), 'max');
  }

  /** Readings for the observers, one set per sample interval (sent in the first round of the next). */
  private observe(ctx: NlbCtx, removed: number, failoverRemoved: number, failing: number, load: number): void {
    const bucket = Math.floor(ctx.now / this.p.sampleIntervalUs);
    if (bucket !== this.observedBucket && this.observers.length > 0) {
      const source = ctx.self;
      for (const o of this.observers) {
        ctx.send(o.id, { kind: 'observe', signal: 'nlb.capacityRemoved', source, value: this.observedRemovedMax, weight: 1 });
        ctx.send(o.id, { kind: 'observe', signal: 'nlb.failoverRemoved', source, value: this.observedFailoverMax, weight: 1 });
        ctx.send(o.id, { kind: 'observe', signal: 'nlb.failingChecks', source, value: this.observedFailing, weight: 1 });
        ctx.send(o.id, { kind: 'observe', signal: 'nlb.checkerLoad', source, value: this.observedLoadMax, weight: 1 });
      }
      this.observedBucket = bucket;
      this.observedRemovedMax = 0;
      this.observedFailoverMax = 0;
      this.observedFailing = 0;
      this.observedLoadMax = 0;
    }
    if (removed > this.observedRemovedMax) this.observedRemovedMax = removed;
    if (failoverRemoved > this.observedFailoverMax) this.observedFailoverMax = failoverRemoved;
    this.observedFailing += failing;
    if (load > this.observedLoadMax) this.observedLoadMax = load;
  }
}

/** Adds the NLB in its own placement group. */
export function addNlb(assembly: ModelAssembly, p: NlbParams, observers: () => readonly Observer[] = () => []): ActorBlock {
  const group = assembly.newGroups(1);
  return assembly.addActors(1, { kind: FLEET_KINDS.nlb, name: () => 'nlb', group: () => group, create: () => new Nlb(p, observers()) });
}

/**
 * The `nlb` section. stableAt: the round after the last unstable one, if the calm that followed
 * lasted `stableRounds` rounds (null if not, or never disturbed). The NLB phase runs from the first
 * failing health check (a flap or a removal) to stableAt.
 */
export function summarizeNlb(input: SummaryInput, block: ActorBlock, p: NlbParams) {
  const r = input.reports[block.first] as NlbReport;
  const stableUs = r.firstUnstableUs === null || !r.stableAtEnd ? null : (r.lastUnstableUs as number) + p.checkIntervalUs;
  return {
    firstUnstableUs: r.firstUnstableUs,
    stableUs,
    nlb: {
      flaps: r.flaps,
      capacityRemovedPeak: r.capacityRemovedPeak,
      stableAt: stableUs === null ? null : usToSeconds(stableUs),
      unstableFrom: r.firstUnstableUs === null ? null : usToSeconds(r.firstUnstableUs),
      firstFailoverAt: r.firstFailoverUs === null ? null : usToSeconds(r.firstFailoverUs),
      capacityRemovedSeconds: r.capacityRemovedSeconds,
      removals: r.removals,
      failovers: r.failovers,
      checkerLoadPeak: r.checkerLoadPeak,
      targetsRegistered: r.targetsRegistered,
      velocityControl: p.velocityControlPerMin,
      stableRounds: p.stableRounds,
    },
  };
}
