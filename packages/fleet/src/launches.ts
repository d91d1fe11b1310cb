// The launch workload of one AZ: EC2 RunInstances plus Lambda/ECS/Fargate demand, and instance
// terminations. Every tick it sends the tick's launches to the AZ's shards, which place them on
// droplets with a valid lease; a launch without one fails as insufficient capacity. While the
// operator's launch throttle is on, launches beyond its rate fail as throttled ("request limit
// exceeded"); the operator turns it on and off by message. A failed launch is retried next tick with a probability, else abandoned. Successful
// launches and every termination are network changes for the AZ's Network Manager.
import { assert, type Actor, type ActorBlock, type ActorId, type Context, type Message, type ModelAssembly, type ObservationMsg, type Observer, type Rng, type SummaryInput } from '@cascade/kernel';
import { binomial, poisson } from './binomial.js';
import type { CapacityMsg, CapacityResultMsg } from './messages.js';
import { FLEET_KINDS } from './kinds.js';
import type { NetChangesMsg } from './network-manager.js';

export interface LaunchParams {
  /** EC2 RunInstances and service (Lambda/ECS/Fargate) launches, and terminations, per second in this AZ. */
  readonly ec2RatePerS: number;
  readonly serviceRatePerS: number;
  readonly terminationRatePerS: number;
  /** Chance a failed launch is retried next tick (else the customer gives up). */
  readonly retryProbability: number;
  readonly tickUs: number;
  /** One-way latency of the EC2 API (workload <-> shards) and to the Network Manager. */
  readonly apiLatencyUs: number;
  /** Launches admitted per second from t = 0 (0 = no throttle until the operator sets one). */
  readonly throttleRatePerS: number;
  readonly sampleIntervalUs: number;
  readonly endUs: number;
}

/** Operator -> launch workload: admit launches at this rate from now on; 0 lifts the throttle. */
export interface LaunchThrottleMsg extends Message {
  readonly kind: 'launch-throttle';
  readonly ratePerS: number;
}

export interface LaunchReport {
  readonly attempted: number;
  readonly succeeded: number;
  readonly insufficientCapacity: number;
  readonly throttled: number;
  readonly abandoned: number;
  readonly ec2Demand: number;
  readonly serviceDemand: number;
  readonly terminations: number;
  readonly pendingLaunchesPeak: number;
}

interface TickMsg extends Message {
  readonly kind: 'launch-tick';
}

type LaunchIn = TickMsg | CapacityResultMsg | LaunchThrottleMsg;
type LaunchOut = CapacityMsg | NetChangesMsg | ObservationMsg;
type LaunchCtx = Context<LaunchIn, LaunchOut>;

interface Target {
  readonly id: ActorId;
  readonly droplets: number;
}

export class LaunchWorkload implements Actor<LaunchIn, LaunchOut> {
  private pendingLaunches = 0;
  private tokens = 0;
  private request = 0;
  private throttleRatePerS: number;
  /** Answered launches and those that found no capacity in the current sample interval. */
  private windowAnswered = 0;
  private windowFailed = 0;
  private windowBucket = 0;
  private readonly r = {
    attempted: 0,
    succeeded: 0,
    insufficientCapacity: 0,
    throttled: 0,
    abandoned: 0,
    ec2Demand: 0,
    serviceDemand: 0,
    terminations: 0,
    pendingLaunchesPeak: 0,
  };
  private readonly totalDroplets: number;

  constructor(
    private readonly p: LaunchParams,
    private readonly shards: readonly Target[],
    private readonly networkManager: ActorId,
    /** Told `launches.failureRate` (insufficient capacity / answered launches) every sample interval. */
    private readonly observers: readonly Observer[] = [],
  ) {
    this.totalDroplets = shards.reduce((n, s) => n + s.droplets, 0);
    this.throttleRatePerS = p.throttleRatePerS;
  }

  init(ctx: LaunchCtx): void {
    ctx.after(this.p.tickUs, { kind: 'launch-tick' });
  }

  receive(msg: LaunchIn, ctx: LaunchCtx): void {
    switch (msg.kind) {
      case 'launch-tick':
        this.observe(ctx);
        this.tick(ctx);
        if (ctx.now + this.p.tickUs <= this.p.endUs) ctx.after(this.p.tickUs, msg);
        return;
      case 'capacity-result':
        this.result(msg, ctx);
        return;
      case 'launch-throttle':
        this.throttleRatePerS = msg.ratePerS;
        this.tokens = 0;
        return;
      default: {
        const never: never = msg;
        throw new Error(`unexpected message ${String((never as Message).kind)}`);
      }
    }
  }

  report(): LaunchReport {
    return { ...this.r };
  }

  private tick(ctx: LaunchCtx): void {
    const p = this.p;
    const rng = ctx.rng;
    const tickS = p.tickUs / 1e6;
    const ec2 = poisson(rng, p.ec2RatePerS * tickS);
    const service = poisson(rng, p.serviceRatePerS * tickS);
    const terminations = poisson(rng, p.terminationRatePerS * tickS);
    this.r.ec2Demand += ec2;
    this.r.serviceDemand += service;
    this.r.terminations += terminations;
    const attempts = ec2 + service + this.pendingLaunches;
    this.pendingLaunches = 0;
    this.r.attempted += attempts;
    let admitted = attempts;
    const rate = this.throttleRatePerS;
    if (rate > 0) {
      // a bucket refilled every tick, holding at most one tick's worth (and at least one launch)
      this.tokens = Math.min(Math.max(1, rate * tickS), this.tokens + rate * tickS);
      admitted = Math.min(attempts, Math.floor(this.tokens));
      this.tokens -= admitted;
      const rejected = attempts - admitted;
      this.r.throttled += rejected;
      this.retryLater(rejected, rng);
      ctx.metrics.sample('launches.throttled', ctx.now, rejected);
    }
    ctx.metrics.sample('launches.attempted', ctx.now, attempts);
    this.place(admitted, ctx);
    if (terminations > 0) this.toNetwork(ctx, 0, terminations);
  }

  /** Splits launches over the shards by droplet count (a multinomial draw). */
  private place(launches: number, ctx: LaunchCtx): void {
    let restL = launches;
    let restWeight = this.totalDroplets;
    for (const shard of this.shards) {
      if (restL === 0) break;
      const share = restWeight > 0 ? shard.droplets / restWeight : 1;
      const l = binomial(ctx.rng, restL, share);
      restL -= l;
      restWeight -= shard.droplets;
      if (l === 0) continue;
      ctx.send(shard.id, { kind: 'capacity', from: ctx.self, request: this.request, launches: l });
    }
    assert(restL === 0, 'every launch is placed');
    this.request++;
  }

  private result(msg: CapacityResultMsg, ctx: LaunchCtx): void {
    const failed = msg.launches - msg.launchesOk;
    this.r.succeeded += msg.launchesOk;
    this.r.insufficientCapacity += failed;
    this.windowAnswered += msg.launches;
    this.windowFailed += failed;
    this.retryLater(failed, ctx.rng);
    ctx.metrics.sample('launches.succeeded', ctx.now, msg.launchesOk);
    ctx.metrics.sample('launches.insufficientCapacity', ctx.now, failed);
    if (msg.launchesOk > 0) this.toNetwork(ctx, msg.launchesOk, 0);
  }

  private toNetwork(ctx: LaunchCtx, launches: number, terminations: number): void {
    const changes: NetChangesMsg = { kind: 'net-changes', launchedUs: ctx.now, launches, terminations, resyncs: 0 };
    ctx.send(this.networkManager, changes);
  }

  /** At the first tick of a sample interval: the previous interval's failure rate to the observers. */
  private observe(ctx: LaunchCtx): void {
    const bucket = Math.floor(ctx.now / this.p.sampleIntervalUs);
    if (bucket === this.windowBucket) return;
    this.windowBucket = bucket;
    const answered = this.windowAnswered;
    const msg: ObservationMsg = { kind: 'observe', signal: 'launches.failureRate', source: ctx.self, value: answered > 0 ? this.windowFailed / answered : 0, weight: answered };
    for (const o of this.observers) ctx.send(o.id, msg);
    this.windowAnswered = 0;
    this.windowFailed = 0;
  }

  private retryLater(failed: number, rng: Rng): void {
    const again = binomial(rng, failed, this.p.retryProbability);
    this.r.abandoned += failed - again;
    this.pendingLaunches += again;
    if (this.pendingLaunches > this.r.pendingLaunchesPeak) this.r.pendingLaunchesPeak = this.pendingLaunches;
  }
}

/** Adds one launch workload per AZ, each in its own placement group. */
export function addLaunchWorkloads(
  assembly: ModelAssembly,
  p: LaunchParams,
  wiring: { readonly azs: number; shardsOfAz(az: number): readonly Target[]; networkManager(az: number): ActorId; observers?(): readonly Observer[] },
): ActorBlock {
  const group = assembly.newGroups(wiring.azs);
  assembly.link(FLEET_KINDS.launches, FLEET_KINDS.shard, p.apiLatencyUs);
  assembly.link(FLEET_KINDS.launches, FLEET_KINDS.networkManager, p.apiLatencyUs);
  return assembly.addActors(wiring.azs, {
    kind: FLEET_KINDS.launches,
    name: (a) => `launches-az${a}`,
    group: (a) => group + a,
    create: (a) => new LaunchWorkload(p, wiring.shardsOfAz(a), wiring.networkManager(a), wiring.observers?.() ?? []),
  });
}

/** The `launches` section: contract fields plus extras, summed over AZs. */
export function summarizeLaunches(input: SummaryInput, block: ActorBlock, latency: Record<string, number | null>) {
  const out: Record<string, number> = {};
  for (let a = 0; a < block.count; a++) {
    const r = input.reports[block.first + a] as LaunchReport;
    for (const [k, v] of Object.entries<number>({ ...r })) out[k] = k.endsWith('Peak') ? Math.max(out[k] ?? 0, v) : (out[k] ?? 0) + v;
  }
  return { launches: { ...out, networkReadyLatency: latency } };
}
