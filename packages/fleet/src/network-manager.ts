// Network Manager of one AZ: propagates the network state of every launch and termination, one
// change at a time at a finite rate (FIFO, a fixed cost per change). Its backlog delays
// connectivity: a launched instance is network-ready when its change has propagated. With a fixed
// cost, the backlog at t is exactly ceil((freeAt - t) / cost), so the queue is one number.
// Droplets whose lease was re-established need their network state resynced; with `reconcile` set
// those resyncs wait until the AZ's DWFM reports its fleet healthy (from the shards' lease
// readings), then enter the queue at a bounded reconciliation rate.
import { assert, ZERO_US, type Actor, type ActorBlock, type ActorId, type Context, type Message, type ModelAssembly, type ObservationMsg, type Observer, type SummaryInput, usToSeconds } from '@cascade/kernel';
import { forward } from './checks.js';
import { FLEET_KINDS } from './kinds.js';

/** -> Network Manager: changes to propagate (launches first, then terminations, then droplet resyncs). */
export interface NetChangesMsg extends Message {
  readonly kind: 'net-changes';
  /** When the launches succeeded (the start of their network-ready latency). */
  readonly launchedUs: number;
  readonly launches: number;
  readonly terminations: number;
  /** Droplets whose lease was re-established: their network state is propagated again. */
  readonly resyncs: number;
}

/** Network Manager -> NLB: new targets registered now, with the time each one's network state is ready. */
export interface TargetsMsg extends Message {
  readonly kind: 'targets';
  readonly az: number;
  readonly readyUs: number[];
}

interface MonitorMsg extends Message {
  readonly kind: 'network-monitor';
}

type NetIn = NetChangesMsg | MonitorMsg | ObservationMsg;
type NetOut = TargetsMsg | ObservationMsg;
type NetCtx = Context<NetIn, NetOut>;

export interface NetworkParams {
  /** Propagation time of one change (1 / rate). */
  readonly changeCostUs: number;
  /** Fraction of launched instances that register as NLB targets. */
  readonly nlbTargetFraction: number;
  /** One-way latency to the NLB. */
  readonly nlbLatencyUs: number;
  /** Backlog delay (wait of a change enqueued now) above which connectivity counts as impaired, and at or below which it is normal again. */
  readonly impairedDelayUs: number;
  readonly normalDelayUs: number;
  readonly monitorIntervalUs: number;
  /** Resyncs held until the AZ's leases are healthy, then fed in at `ratePerS`; null: resyncs queue at once. */
  readonly reconcile: { readonly ratePerS: number; readonly validFraction: number } | null;
  readonly endUs: number;
  readonly sampleIntervalUs: number;
}

export interface NetworkReport {
  readonly az: number;
  readonly changes: number;
  readonly backlogPeak: number;
  readonly delayPeakUs: number;
  /** First time the delay exceeded impairedDelay; the last time it fell back to normal (null if impaired at the end or never). */
  readonly impairedFromUs: number | null;
  readonly clearedUs: number | null;
  readonly impairedAtEnd: boolean;
  /** Launch -> network-ready latencies, µs. */
  readonly readyLatencyUs: number[];
  /** Backlog at every monitor tick (all AZs tick together, so the region's backlog is their sum). */
  readonly backlogAtTick: number[];
  /** Most resyncs held for reconciliation at once, and when reconciliation first fed the queue. */
  readonly heldResyncsPeak: number;
  readonly reconcileStartUs: number | null;
}

export class NetworkManager implements Actor<NetIn, NetOut> {
  private freeAtUs = ZERO_US;
  private changes = 0;
  /** Time of the last event handled (time never goes backwards). */
  private lastEventUs = ZERO_US;
  private backlogPeak = 0;
  private delayPeakUs = ZERO_US;
  private impaired = false;
  private impairedFromUs: number | null = null;
  private clearedUs: number | null = null;
  private readonly readyLatencyUs: number[] = [];
  private readonly backlogAtTick: number[] = [];
  private lastBucket = -1;
  /** Resyncs waiting for reconciliation, and the fraction of one carried to the next tick. */
  private heldResyncs = 0;
  private reconcileCarry = 0;
  private heldResyncsPeak = 0;
  private reconcileStartUs: number | null = null;
  /** Latest lease reading of each of the AZ's shards (source id -> invalid share, droplets). */
  private readonly leaseReadings: Record<number, { share: number; droplets: number }> = {};

  constructor(
    private readonly az: number,
    private readonly p: NetworkParams,
    private readonly nlb: ActorId | null,
    /** Told the propagation delay (`network.delaySeconds`) every sample interval. */
    private readonly observers: readonly Observer[] = [],
  ) {}

  init(ctx: NetCtx): void {
    ctx.after(this.p.monitorIntervalUs, { kind: 'network-monitor' });
  }

  receive(msg: NetIn, ctx: NetCtx): void {
    this.lastEventUs = forward(this.lastEventUs, ctx.now, `the Network Manager of AZ ${this.az}`);
    switch (msg.kind) {
      case 'net-changes':
        this.enqueue(msg, ctx);
        return;
      case 'observe':
        if (msg.signal !== 'leases.invalidShare') throw new Error(`a Network Manager watches leases, not '${msg.signal}'`);
        this.leaseReadings[msg.source] = { share: msg.value, droplets: msg.weight };
        return;
      case 'network-monitor':
        this.reconcile(ctx.now);
        this.monitor(ctx);
        if (ctx.now + this.p.monitorIntervalUs <= this.p.endUs) ctx.after(this.p.monitorIntervalUs, msg);
        return;
      default: {
        const never: never = msg;
        throw new Error(`unexpected message ${String((never as Message).kind)}`);
      }
    }
  }

  report(): NetworkReport {
    return {
      az: this.az,
      changes: this.changes,
      backlogPeak: this.backlogPeak,
      delayPeakUs: this.delayPeakUs,
      impairedFromUs: this.impairedFromUs,
      clearedUs: this.impaired ? null : this.clearedUs,
      impairedAtEnd: this.impaired,
      readyLatencyUs: this.readyLatencyUs,
      backlogAtTick: this.backlogAtTick,
      heldResyncsPeak: this.heldResyncsPeak,
      reconcileStartUs: this.reconcileStartUs,
    };
  }

  private backlogAt(nowUs: number): number {
    return this.freeAtUs > nowUs ? Math.ceil((this.freeAtUs - nowUs) / this.p.changeCostUs) : 0;
  }

  private enqueue(msg: NetChangesMsg, ctx: NetCtx): void {
    const now = ctx.now;
    const cost = this.p.changeCostUs;
    let t = this.freeAtUs > now ? this.freeAtUs : now;
    const ready: number[] = [];
    for (let i = 0; i < msg.launches; i++) {
      t += cost;
      const latency = t - msg.launchedUs;
      if (t <= this.p.endUs) {
        this.readyLatencyUs.push(latency);
        ctx.metrics.observe('launches.networkReadyLatency', latency);
      }
      if (ctx.rng.random() < this.p.nlbTargetFraction) ready.push(t);
    }
    const held = this.p.reconcile === null ? 0 : msg.resyncs;
    this.heldResyncs += held;
    if (this.heldResyncs > this.heldResyncsPeak) this.heldResyncsPeak = this.heldResyncs;
    t += (msg.terminations + msg.resyncs - held) * cost;
    assert(t >= this.freeAtUs, 'the propagation queue only grows when changes arrive');
    this.freeAtUs = t;
    this.changes += msg.launches + msg.terminations + msg.resyncs - held;
    const backlog = this.backlogAt(now);
    if (backlog > this.backlogPeak) this.backlogPeak = backlog;
    ctx.metrics.sample('network.changes', now, msg.launches + msg.terminations + msg.resyncs);
    if (ready.length > 0 && this.nlb !== null) {
      ctx.send(this.nlb, { kind: 'targets', az: this.az, readyUs: ready });
    }
  }

  /** Whether the AZ's DWFM reports enough valid leases to reconcile network state. */
  private leasesHealthy(validFraction: number): boolean {
    let invalid = 0;
    let droplets = 0;
    for (const key in this.leaseReadings) {
      const r = this.leaseReadings[key] as { share: number; droplets: number };
      invalid += r.share * r.droplets;
      droplets += r.droplets;
    }
    return droplets > 0 && droplets - invalid >= validFraction * droplets;
  }

  /** Feeds held resyncs into the propagation queue at the reconciliation rate while leases are healthy. */
  private reconcile(nowUs: number): void {
    const r = this.p.reconcile;
    if (r === null || this.heldResyncs === 0 || !this.leasesHealthy(r.validFraction)) return;
    const allowed = this.reconcileCarry + (r.ratePerS * this.p.monitorIntervalUs) / 1e6;
    const n = Math.min(this.heldResyncs, Math.floor(allowed));
    this.reconcileCarry = n === this.heldResyncs ? 0 : allowed - n;
    if (n === 0) return;
    if (this.reconcileStartUs === null) this.reconcileStartUs = nowUs;
    this.heldResyncs -= n;
    this.freeAtUs = (this.freeAtUs > nowUs ? this.freeAtUs : nowUs) + n * this.p.changeCostUs;
    this.changes += n;
  }

  private monitor(ctx: NetCtx): void {
    const now = ctx.now;
    const delay = this.freeAtUs > now ? this.freeAtUs - now : 0;
    if (delay > this.delayPeakUs) this.delayPeakUs = delay;
    const backlog = this.backlogAt(now);
    this.backlogAtTick.push(backlog);
    // one backlog point per bucket (its first tick), summed over AZs
    const bucket = Math.floor(now / this.p.sampleIntervalUs);
    if (bucket !== this.lastBucket) {
      this.lastBucket = bucket;
      ctx.metrics.sample('network.backlog', now, backlog, 'sum');
      ctx.metrics.sample('network.heldResyncs', now, this.heldResyncs, 'sum');
      const reading: ObservationMsg = { kind: 'observe', signal: 'network.delaySeconds', source: ctx.self, value: usToSeconds(delay), weight: 1 };
      for (const o of this.observers) ctx.send(o.id, reading);
    }
    ctx.metrics.sample('network.delaySeconds', now, usToSeconds(delay), 'max');
    if (!this.impaired && delay > this.p.impairedDelayUs) {
      this.impaired = true;
      if (this.impairedFromUs === null) this.impairedFromUs = now;
    } else if (this.impaired && delay <= this.p.normalDelayUs) {
      this.impaired = false;
      this.clearedUs = now;
    }
  }
}

/** Adds one Network Manager per AZ, each in its own placement group. */
export function addNetworkManagers(assembly: ModelAssembly, azs: number, p: NetworkParams, nlb: () => ActorId | null, observers: () => readonly Observer[] = () => []): ActorBlock {
  const group = assembly.newGroups(azs);
  assembly.link(FLEET_KINDS.networkManager, FLEET_KINDS.nlb, p.nlbLatencyUs);
  return assembly.addActors(azs, {
    kind: FLEET_KINDS.networkManager,
    name: (a) => `network-manager-az${a}`,
    group: (a) => group + a,
    create: (a) => new NetworkManager(a, p, nlb(), observers()),
  });
}

/** The `network` section: backlog peak, when it cleared (the last AZ back to normal), and extras. */
export function summarizeNetwork(input: SummaryInput, block: ActorBlock) {
  const reports: NetworkReport[] = [];
  for (let a = 0; a < block.count; a++) reports.push(input.reports[block.first + a] as NetworkReport);
  const impaired = reports.filter((r) => r.impairedFromUs !== null);
  const impairedFromUs = impaired.length === 0 ? null : Math.min(...impaired.map((r) => r.impairedFromUs as number));
  const stillImpaired = reports.some((r) => r.impairedAtEnd);
  const clearedUs = impaired.length === 0 || stillImpaired ? null : Math.max(...impaired.map((r) => r.clearedUs as number));
  const readyLatencyUs = reports.flatMap((r) => r.readyLatencyUs);
  return {
    impairedFromUs,
    clearedUs,
    readyLatencyUs,
    network: {
      backlogPeak: regionalPeak(reports),
      backlogPeakAz: reports.reduce((m, r) => Math.max(m, r.backlogPeak), 0),
      clearedAt: clearedUs === null ? null : usToSeconds(clearedUs),
      impairedFrom: impairedFromUs === null ? null : usToSeconds(impairedFromUs),
      delayPeakSeconds: usToSeconds(reports.reduce((m, r) => Math.max(m, r.delayPeakUs), 0)),
      changes: reports.reduce((n, r) => n + r.changes, 0),
      heldResyncsPeak: reports.reduce((n, r) => n + r.heldResyncsPeak, 0),
      reconcileFrom: reports.some((r) => r.reconcileStartUs !== null) ? usToSeconds(Math.min(...reports.flatMap((r) => (r.reconcileStartUs === null ? [] : [r.reconcileStartUs])))) : null,
    },
  };
}

/** Largest sum of the AZs' backlogs at one monitor tick. */
function regionalPeak(reports: readonly NetworkReport[]): number {
  let peak = 0;
  const ticks = reports.reduce((m, r) => Math.max(m, r.backlogAtTick.length), 0);
  for (let i = 0; i < ticks; i++) {
    let sum = 0;
    for (const r of reports) sum += r.backlogAtTick[i] ?? 0;
    if (sum > peak) peak = sum;
  }
  return peak;
}
