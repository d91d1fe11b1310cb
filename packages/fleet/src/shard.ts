// A fleet shard: thousands of droplets of one DWFM host as a struct of arrays, driven by its own
// timer queue. Droplets renew on their grid while valid, lapse at expiry, then send establish
// attempts until one succeeds (CONTRACT.md lease-storm rules 1, 3-6, 8-10). All sends of one
// instant go to the host as one message; the host's reply says when each item completes or fails.
import type { Actor, Context, Metrics, ObservationMsg, Observer, Rng } from '@cascade/kernel';
import { assert, ZERO_US } from '@cascade/kernel';
import { backoffDelayUs, type BackoffPolicy } from './backoff.js';
import { forward } from './checks.js';
import { F64List } from './f64-list.js';
import { MessageList } from './message-list.js';
import { binomial } from './binomial.js';
import { Fate, PRIORITY_FIRST, PRIORITY_TRAFFIC, type CapacityMsg, type CapacityResultMsg, type EnqueueMsg, type FatesMsg, type RenewalsAheadMsg, type ShardMsg } from './messages.js';
import type { NetChangesMsg } from './network-manager.js';
import { BucketSeries } from './series.js';
import { isSet, TimerLanes } from './timer-lanes.js';

export interface ShardParams {
  /** Droplets in this shard (host-local indexes firstDroplet ..). */
  readonly droplets: number;
  /** The whole fleet's size, for the valid-fraction series. */
  readonly fleetDroplets: number;
  readonly hostId: number;
  /** This shard's index among its host's shards. */
  readonly shardIndex: number;
  readonly renewIntervalUs: number;
  /**
   * Renewals go out on this tick (µs; R is a multiple of it): the phases are drawn on it, and after
   * an establish the next renewal is the first tick at or after completion + R. 1 = the exact µs grid
   * of lease-storm; a coarser tick lets a shard send the renewals of one tick together.
   */
  readonly renewTickUs: number;
  /**
   * Attempts a droplet's own timer sends (a backoff, a throttled retry, the staggered recovery) go
   * to the host once per span of this length, each with its own send time, so the shard wakes once
   * per span rather than once per attempt (µs; 1 = each at its instant; us-east-1's
   * `lease.retryAhead`, a multiple of the renewal tick). Only for hosts that fix an item's fate
   * when it joins the queue (FIFO), which book items sent ahead at their own arrival when the
   * message comes in.
   */
  readonly aheadTickUs: number;
  /**
   * While every droplet of the shard holds a valid lease, its renewals up to the next multiple of
   * `renewAheadUs` go to a FIFO host in one message (a `renewals-ahead`), and the shard wakes once
   * per horizon rather than once per tick. The host books each renewal only after its arrival, so
   * the model's results do not depend on it (0: every renewal is sent at its own instant). Horizons
   * end on multiples, not a fixed time after a shard's own wake, so that every shard sends at the
   * same instants: a partitioned run's windows then hold the same share of that work in each
   * partition, where shards that came back from a storm at different times would otherwise send
   * in different windows.
   */
  readonly renewAheadUs: number;
  /**
   * A renewal sent ahead has its fate back within this long of the horizon's start (the horizon,
   * the round trip and the host's wait for the last arrival): a horizon ends before any droplet whose
   * lease could lapse before then, and the lease series are flushed this long behind the clock.
   */
  readonly renewAheadSafeUs: number;
  readonly leaseDurationUs: number;
  /** An attempt times out this long after it is sent unless the host says otherwise. */
  readonly attemptTimeoutUs: number;
  readonly backoff: BackoffPolicy;
  readonly staggerWindowUs: number;
  readonly endUs: number;
  readonly sampleIntervalUs: number;
  /** A throttled attempt waits at least this long before its retry (lease-storm: 1 s). */
  readonly minThrottledRetryUs: number;
  /** Spread a throttled retry over [min, 2 * min) so that rejected droplets do not retry in lockstep (lease-storm: false). */
  readonly throttledRetryJitter: boolean;
  /** Droplets a launch probes for a valid lease before it fails as insufficient capacity (lease-storm has no launches). */
  readonly launchProbes: number;
  /**
   * Network Manager told about every re-established lease (the droplet's network state must be
   * propagated again); null in lease-storm.
   */
  readonly networkManagerId: number | null;
  /** Monitors watching this shard's leases: every sample interval each gets `leases.invalidShare` (weight: droplets). */
  readonly observers: readonly Observer[];
}

export interface ShardReport {
  readonly droplets: number;
  /** Droplets holding a valid lease at t = 0. */
  readonly validAtStart: number;
  /** Times a lease became valid (establish successes) and lapsed, ascending, µs. */
  readonly validUpUs: Float64Array;
  readonly validDownUs: Float64Array;
  /** Establish latency of every lapse that ended, µs. */
  readonly establishLatencyUs: Float64Array;
  readonly renewalsSent: number;
  readonly renewalsOk: number;
  readonly attempts: number;
  readonly timeouts: number;
  readonly throttled: number;
  readonly restartDrops: number;
}

// Droplet states. Three Float64 fields change meaning with the state (noted per state).
const VALID = 0; //      timer = next renewal on the grid, expiry = lease expiry, since = when the lease began
const ATTEMPT = 2; //    timer = the attempt's deadline (times out then unless the host says otherwise);
//                       sent = its send time, since = first attempt of the lapse
const DROPPED = 3; //    timer = the restart that dropped the current attempt
const BACKOFF = 4; //    timer = when the next attempt is sent (its queue entry: the send tick, see aheadTickUs)
const WAITING = 5; //    no timer: waits for the host's recovery workflow

const NOT_STARTED = -1;
/** The index mask of a plain array of droplets (actAll and touchDroplets also read rings). */
const ALL = -1;
/** A batch of more droplets than this, spanning less than twice as many, is read in order without touching it first. */
const DENSE_BATCH = 256;

// A droplet's record (FleetShard.rec): words per droplet, and the word of each field.
const REC = 4;
/** VALID: next renewal; ATTEMPT/DROPPED/BACKOFF: the pending timer. */
const F_TIMER = 0;
/** VALID: lease expiry; lapsed: send time of the current attempt. */
const F_EXPIRY_OR_SENT = 1;
/** VALID: start of the lease; lapsed: time of the lapse's first attempt (NOT_STARTED before it). */
const F_SINCE = 2;
/**
 * One of the states above in the low bits, and above them (in steps of RETRY) the retries of the
 * current lapse (rule 6's n): a reply that throttles an attempt reads both with the record's line.
 */
const F_STATE = 3;
const STATE_MASK = 7;
const RETRY = 8;

// Timer lanes: each gets timers in time order (others fall back to the heap).
const LANES = 3;
const LANE_DEADLINE = 0; // send + A
const LANE_GRID = 1; //     now + R (or a nearer expiry)
const LANE_FRESH = 2; //    first timer of a lease established at a completion time
const HEAP = -1;
/** Sort key of a first timer: time * DROPLET_KEY + droplet (exact while time * DROPLET_KEY < 2^53). */
const DROPLET_KEY = 2 ** 15;

/** A shard sends lease traffic to its host, capacity answers, readings, and resyncs to the Network Manager. */
type ShardOut = EnqueueMsg | RenewalsAheadMsg | CapacityResultMsg | ObservationMsg | NetChangesMsg;
type ShardCtx = Context<ShardMsg, ShardOut>;

/** A shard keeps every lapse and re-establishment of its droplets for the summary. */
const HISTORY_ADVICE = 'spread the droplets over more DWFM hosts (more, smaller shards) or shorten the run (duration)';

export class FleetShard implements Actor<ShardMsg, ShardOut> {
  /**
   * What a droplet's timer and a reply read, in one record per droplet (REC words: F_TIMER,
   * F_EXPIRY_OR_SENT, F_SINCE, F_STATE), so handling a droplet touches one cache line, not four.
   */
  private readonly rec: Float64Array;
  /** Decorrelated backoff's last delay (empty for other kinds). */
  private readonly previousDelayUs: Float64Array;
  private readonly timers: TimerLanes;
  /**
   * Bit d set while droplet d's attempt is current (from its send to its fate or timeout): a
   * deadline timer of a droplet whose bit is clear is stale, and the timers drop it without reading
   * the droplet's record (most attempts in a throttled storm hear their fate long before).
   */
  private readonly attempting: Int32Array;

  private readonly validUp = new F64List("a shard's lease-up times", HISTORY_ADVICE);
  private readonly validDown = new F64List("a shard's lapse times", HISTORY_ADVICE);
  private readonly latencies = new F64List("a shard's establish latencies", HISTORY_ADVICE);
  private validAtStart = 0;
  private renewalsSent = 0;
  private renewalsOk = 0;
  private attempts = 0;
  private timeouts = 0;
  private throttled = 0;
  private restartDrops = 0;
  /**
   * The host said DynamoDB is unavailable (an `outage`, until its `recover`): a renewal sent now
   * would fail at once and an establish attempt would not be sent (rule 10), so neither leaves.
   */
  private outage = false;
  /** Leases re-established in the current event (a resync each for the Network Manager). */
  private resyncs = 0;

  /**
   * Item codes sent at this instant: the next enqueue message's items. A shard builds one message
   * at a time, so its lists keep their arrays at any length (one per shard, as long as its longest
   * message). In a collapse every droplet of a shard retries at one instant, and rebuilding those
   * messages (14,000 items at a million droplets) in new arrays grew each of them a dozen times,
   * mostly past the young generation: lease-storm at 300,000 promoted 1.36 GB that the old
   * generation then collected (15 MB with kept arrays) and ran 15-20% slower.
   */
  private readonly outgoing = new MessageList(Infinity);
  /** The droplets whose attempts went out at this instant (they time out together). */
  private attemptGroup: Int32Array = new Int32Array(64);
  private attemptCount = 0;
  /** Attempts sent ahead in this event: sort keys (offset from now * droplets + droplet), sorted when sent. */
  private aheadKeys: Float64Array = new Float64Array(64);
  private aheadCount = 0;
  /** Renewals sent ahead in this event (see renewAheadUs): items and send offsets from now. */
  private readonly renewalsAhead = new MessageList(Infinity);
  private readonly renewalsAheadUs = new MessageList(Infinity);
  /** Droplets nextDueUs found due at `asideUs` (Infinity: none), taken from the timers until the wake then. */
  private aside: Int32Array = new Int32Array(64);
  private asideCount = 0;
  private asideUs = Infinity;
  /** The last wake found no droplet due: look past stale timers before asking for the next wake. */
  private skipStale = false;
  /** A time whose timers nextDueUs found due while a batch was aside (they wait in the timers). */
  private checkedUs = -Infinity;
  /** Where `touchDroplets` and `touchFates` leave what they read (kept, so the reads are not optimised away). */
  private touched = ZERO_US;
  private events = 0;
  /** Time of the last event handled (time never goes backwards). */
  private lastEventUs = ZERO_US;
  /** Timeouts handled in the current event (one series point per event, not per droplet). */
  private timeoutsNow = 0;
  /** Series buckets before this time are flushed. */
  private nextFlushUs = ZERO_US;
  private rng!: Rng;
  private metrics!: Metrics;
  private finished = false;
  /** Next reading for the observers (Infinity without observers). */
  private nextObserveUs: number;
  private readonly validSeries: BucketSeries;
  private readonly goodputSeries: BucketSeries;
  private readonly establishSeries: BucketSeries;
  private readonly timeoutSeries: BucketSeries;

  constructor(private readonly p: ShardParams) {
    const n = p.droplets;
    this.rec = new Float64Array(n * REC);
    this.previousDelayUs = new Float64Array(p.backoff.kind === 'decorrelated' ? n : 0);
    this.timers = new TimerLanes(LANES, n, p.aheadTickUs);
    this.attempting = new Int32Array(Math.ceil(n / 32));
    this.timers.filterLane(LANE_DEADLINE, this.attempting);
    const dt = p.sampleIntervalUs;
    this.validSeries = new BucketSeries('leases.valid', 'sum', dt, p.endUs, 0);
    this.goodputSeries = new BucketSeries('leases.goodput', 'sum', dt, p.endUs);
    this.establishSeries = new BucketSeries('leases.established', 'sum', dt, p.endUs);
    this.timeoutSeries = new BucketSeries('leases.timeouts', 'sum', dt, p.endUs);
    this.nextObserveUs = p.observers.length > 0 ? p.sampleIntervalUs : Infinity;
  }

  init(ctx: ShardCtx): void {
    this.rng = ctx.rng;
    this.metrics = ctx.metrics;
    const { renewIntervalUs: R, leaseDurationUs: L } = this.p;
    // First timers sorted by (time, droplet), so they enter the grid lane in order.
    const first = new Float64Array(this.p.droplets);
    for (let d = 0; d < this.p.droplets; d++) {
      // rule 1: phase uniform in [0, R), lease expiring at phase - R + L
      const drawn = Math.floor(this.rng.random() * R);
      const phase = drawn - (drawn % this.p.renewTickUs);
      const expiry = phase - R + L;
      if (expiry > 0) {
        this.rec[d * REC + F_STATE] = VALID;
        this.rec[d * REC + F_TIMER] = phase;
        this.rec[d * REC + F_EXPIRY_OR_SENT] = expiry;
        this.rec[d * REC + F_SINCE] = 0;
        this.validAtStart++;
        first[d] = (phase < expiry ? phase : expiry) * DROPLET_KEY + d;
      } else {
        // lapsed before the run starts: its first attempt goes out at t = 0
        this.rec[d * REC + F_STATE] = BACKOFF;
        this.rec[d * REC + F_TIMER] = 0;
        this.rec[d * REC + F_SINCE] = NOT_STARTED;
        first[d] = d;
      }
    }
    const sortable = this.p.droplets <= DROPLET_KEY && R * DROPLET_KEY < 2 ** 53;
    if (sortable) first.sort();
    for (let i = 0; i < first.length; i++) {
      const key = first[i] as number;
      const d = sortable ? key % DROPLET_KEY : i;
      this.timers.push(sortable ? LANE_GRID : HEAP, sortable ? (key - d) / DROPLET_KEY : Math.floor(key / DROPLET_KEY), d);
    }
    this.validSeries.add(0, this.validAtStart);
    this.scheduleWake(ctx);
  }

  receive(msg: ShardMsg, ctx: ShardCtx): void {
    this.lastEventUs = forward(this.lastEventUs, ctx.now, 'a fleet shard');
    switch (msg.kind) {
      case 'fates':
        this.applyFates(msg, ctx.now);
        this.send(ctx, PRIORITY_TRAFFIC);
        break;
      case 'outage':
        this.outage = true;
        break;
      case 'recover':
        this.outage = false;
        this.recover(ctx.now);
        this.send(ctx, PRIORITY_FIRST);
        break;
      case 'capacity':
        this.placeWork(msg, ctx);
        break;
      default: {
        const never: never = msg;
        throw new Error(`unexpected message ${String((never as ShardMsg).kind)}`);
      }
    }
    this.finishEvent(ctx);
  }

  wake(ctx: ShardCtx): void {
    const now = ctx.now;
    this.lastEventUs = forward(this.lastEventUs, now, 'a fleet shard');
    // (not near the end: every fate of a renewal sent ahead must be back within the run)
    const p = this.p;
    if (p.renewAheadUs > 0 && now + p.renewAheadSafeUs <= p.endUs && this.validLeases() === p.droplets) this.renewAhead(now);
    // droplets that act at one instant act in droplet order
    let acted = false;
    if (this.asideUs === now) acted = this.actAside(now);
    const timers = this.timers;
    while (timers.peekUs() === now) {
      // a group of attempts timing out together (a collapse's whole shard) is handled where it lies
      const k = timers.soleRun(LANE_DEADLINE, now);
      if (k > 0) {
        if (this.actAll(timers.runItems, timers.runFrom, k, timers.runMask, now, this.attempting)) acted = true;
        timers.skipRun(LANE_DEADLINE);
        continue;
      }
      const n = timers.takeEarliest(now);
      const batch = timers.batch;
      if (timers.mixed) batch.subarray(0, n).sort();
      if (this.actAll(batch, 0, n, ALL, now, null)) acted = true;
    }
    this.skipStale = !acted;
    if (this.timeoutsNow > 0) {
      this.timeoutSeries.add(now, this.timeoutsNow);
      this.timeoutsNow = 0;
    }
    if (now === this.nextObserveUs) this.observe(ctx);
    if (this.renewalsAhead.length > 0) {
      ctx.send(this.p.hostId, { kind: 'renewals-ahead', shard: this.p.shardIndex, items: this.renewalsAhead.take(), aheadUs: this.renewalsAheadUs.take() }, PRIORITY_TRAFFIC);
    }
    this.send(ctx, PRIORITY_TRAFFIC);
    this.finishEvent(ctx);
  }

  report(): ShardReport {
    return {
      droplets: this.p.droplets,
      validAtStart: this.validAtStart,
      validUpUs: this.validUp.toArray(),
      validDownUs: this.validDown.toArray(),
      establishLatencyUs: this.latencies.toArray(),
      renewalsSent: this.renewalsSent,
      renewalsOk: this.renewalsOk,
      attempts: this.attempts,
      timeouts: this.timeouts,
      throttled: this.throttled,
      restartDrops: this.restartDrops,
    };
  }

  /** Droplets holding a valid lease (a lease-up whose fate is known counts, up to an attempt timeout ahead). */
  private validLeases(): number {
    return this.validAtStart + this.validUp.length - this.validDown.length;
  }

  /** Droplet d's state (its record's F_STATE word without the retry count; exact: & keeps an integer's low bits). */
  private stateOf(d: number): number {
    return (this.rec[d * REC + F_STATE] as number) & STATE_MASK;
  }

  /** Moves droplet d to `state`, keeping its retry count. */
  private setState(d: number, state: number): void {
    const word = this.rec[d * REC + F_STATE] as number;
    this.rec[d * REC + F_STATE] = word - (word & STATE_MASK) + state;
  }

  /**
   * Whether droplet d acts on a timer at `t`; a stale timer (the droplet moved on since it was set)
   * does not. `act` makes the same tests inline, case by case: calling this from there kept V8 from
   * inlining the wake's helpers (the collapse ran 15-25% slower).
   */
  private due(d: number, t: number): boolean {
    const timerUs = this.rec[d * REC + F_TIMER] as number;
    switch (this.stateOf(d)) {
      case VALID: {
        const expiryUs = this.rec[d * REC + F_EXPIRY_OR_SENT] as number;
        return (timerUs < expiryUs ? timerUs : expiryUs) === t;
      }
      case ATTEMPT:
      case DROPPED:
        return timerUs === t;
      case BACKOFF:
        // at its send time, or on the tick it is sent ahead from
        return timerUs === t || (timerUs > t && this.sendTickUs(timerUs) <= t);
      default:
        return false; // WAITING: no timer of its own
    }
  }

  /** A timer of droplet d came due; stale timers (the droplet moved on, see due) are skipped. */
  private act(d: number, now: number): boolean {
    switch (this.stateOf(d)) {
      case VALID: {
        const renewUs = this.rec[d * REC + F_TIMER] as number;
        const expiryUs = this.rec[d * REC + F_EXPIRY_OR_SENT] as number;
        if ((renewUs < expiryUs ? renewUs : expiryUs) !== now) return false;
        this.events++;
        if (expiryUs <= now) {
          this.lapse(d, now);
        } else {
          // rule 1: renew on the grid while valid (now < expiry here)
          this.renewalsSent++;
          if (!this.outage) this.pushOutgoing(d << 1);
          const next = renewUs + this.p.renewIntervalUs;
          this.rec[d * REC + F_TIMER] = next;
          this.timers.push(LANE_GRID, next < expiryUs ? next : expiryUs, d);
        }
        return true;
      }
      case ATTEMPT:
        if (this.rec[d * REC + F_TIMER] !== now) return false;
        this.endAttempt(d);
        this.events++;
        this.timeouts++;
        this.timeoutsNow++;
        this.retry(d, now, now, 0);
        return true;
      case DROPPED:
        if (this.rec[d * REC + F_TIMER] !== now) return false;
        this.events++;
        this.restartDrops++;
        this.retry(d, now, now, 0);
        return true;
      case BACKOFF: {
        const at = this.rec[d * REC + F_TIMER] as number;
        if (at === now) {
          this.events++;
          this.sendEstablish(d, now);
          return true;
        }
        // sent ahead on the tick of its send time (stale: the droplet has another timer)
        if (at < now || this.sendTickUs(at) > now) return false;
        this.events++;
        this.sendAhead(d, at, now);
        return true;
      }
      default:
        return false; // WAITING: no timer of its own
    }
  }

  /**
   * Every droplet holds a valid lease: takes the renewals due from now up to the next multiple of
   * renewAheadUs and sends them ahead, in the order they would go out one tick at a time. The
   * horizon ends early at a droplet whose lease lapses, or could lapse before its renewal's fate is
   * back.
   */
  private renewAhead(now: number): void {
    this.returnAside();
    const timers = this.timers;
    const untilUs = (Math.floor(now / this.p.renewAheadUs) + 1) * this.p.renewAheadUs;
    const safeUs = now + this.p.renewAheadSafeUs;
    const rec = this.rec;
    for (let s = timers.peekUs(); s < untilUs && s <= this.p.endUs; s = timers.peekUs()) {
      const n = timers.takeEarliest(s);
      const batch = timers.batch;
      if (timers.mixed) batch.subarray(0, n).sort();
      this.touchDroplets(batch, 0, n, ALL, null);
      let renewals = true;
      for (let i = 0; i < n && renewals; i++) {
        const d = batch[i] as number;
        if (this.due(d, s) && (rec[d * REC + F_EXPIRY_OR_SENT] as number) <= safeUs) renewals = false;
      }
      if (!renewals) {
        // these timers come due as usual, one tick at a time
        timers.pushMany(HEAP, s, batch, n);
        return;
      }
      let previous = -1;
      for (let i = 0; i < n; i++) {
        const d = batch[i] as number;
        if (d === previous) continue;
        previous = d;
        if (!this.due(d, s)) continue;
        const renewUs = rec[d * REC + F_TIMER] as number;
        const expiryUs = rec[d * REC + F_EXPIRY_OR_SENT] as number;
        this.events++;
        this.renewalsSent++;
        this.renewalsAhead.push(d << 1);
        this.renewalsAheadUs.push(s - now);
        const next = renewUs + this.p.renewIntervalUs;
        rec[d * REC + F_TIMER] = next;
        timers.push(LANE_GRID, next < expiryUs ? next : expiryUs, d);
      }
    }
  }

  private lapse(d: number, now: number): void {
    this.validDown.push(now);
    this.validSeries.add(now, -1);
    this.rec[d * REC + F_STATE] = VALID; // retries start again at each lapse
    if (this.previousDelayUs.length > 0) this.previousDelayUs[d] = this.p.backoff.baseUs;
    this.rec[d * REC + F_SINCE] = NOT_STARTED;
    // rule 4: the first attempt goes out at the moment of expiry (the host judges availability)
    this.sendEstablish(d, now);
  }

  private sendEstablish(d: number, now: number): void {
    if (this.outage) {
      // not sent: the droplet waits for the recovery workflow, its latency clock as it was
      this.setState(d, WAITING);
      return;
    }
    this.startAttempt(d, now);
    this.pushOutgoing((d << 1) | 1);
    if (this.attemptCount === this.attemptGroup.length) this.attemptGroup = grow(this.attemptGroup);
    this.attemptGroup[this.attemptCount++] = d;
  }

  /** Droplet d's attempt sent at `at`: it times out at at + A unless the host says otherwise. */
  private startAttempt(d: number, at: number): void {
    if (this.rec[d * REC + F_SINCE] === NOT_STARTED) this.rec[d * REC + F_SINCE] = at;
    this.setState(d, ATTEMPT);
    this.rec[d * REC + F_EXPIRY_OR_SENT] = at;
    this.rec[d * REC + F_TIMER] = at + this.p.attemptTimeoutUs;
    this.attempts++;
    this.attempting[d >> 5] = (this.attempting[d >> 5] as number) | (1 << (d & 31));
  }

  /** Droplet d's current attempt has its fate or timed out: its deadline timer is stale (see attempting). */
  private endAttempt(d: number): void {
    this.attempting[d >> 5] = (this.attempting[d >> 5] as number) & ~(1 << (d & 31));
  }

  /**
   * Reads the records of the droplets an event is about to handle (as actAll reads them, the stale
   * ones skipped), one after another, so that their cache misses overlap instead of each stalling
   * the handling of its droplet.
   * It reads a record's first and last words: the array's storage need not start on a cache line
   * (allocators promise 16 bytes), and then half the 32-byte records lie across two lines.
   */
  private touchDroplets(droplets: Int32Array, from: number, n: number, mask: number, live: Int32Array | null): void {
    // a dense run of droplets in order (a collapse's whole shard) is read in order: the processor's
    // own prefetch already overlaps those misses, and a second pass would only read it twice
    if (n > DENSE_BATCH && (droplets[(from + n - 1) & mask] as number) - (droplets[from & mask] as number) < 2 * n) return;
    const rec = this.rec;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = droplets[(from + i) & mask] as number;
      if (live !== null && !isSet(live, d)) continue;
      sum += (rec[d * REC] as number) + (rec[d * REC + F_STATE] as number);
    }
    this.touched = sum;
  }

  /** touchDroplets for a reply. */
  private touchFates(items: readonly number[]): void {
    const rec = this.rec;
    let sum = 0;
    for (let i = 0; i < items.length; i++) {
      const at = ((items[i] as number) >> 1) * REC;
      sum += (rec[at] as number) + (rec[at + F_STATE] as number);
    }
    this.touched = sum;
  }

  /** An attempt sent at `at` (later in this tick) goes to the host now, with its send time. */
  private sendAhead(d: number, at: number, now: number): void {
    this.startAttempt(d, at);
    if (this.aheadCount === this.aheadKeys.length) this.aheadKeys = grow(this.aheadKeys);
    this.aheadKeys[this.aheadCount++] = (at - now) * this.p.droplets + d;
  }

  private pushOutgoing(code: number): void {
    this.outgoing.push(code);
  }

  /** Rules 5-8: the next attempt after a timeout, rejection or drop at `atUs`, after the backoff delay. */
  private retry(d: number, atUs: number, now: number, minDelayUs: number): void {
    const word = (this.rec[d * REC + F_STATE] as number) + RETRY;
    this.rec[d * REC + F_STATE] = word;
    const policy = this.p.backoff;
    let delay = 0;
    if (policy.kind !== 'none') {
      const n = (word - (word & STATE_MASK)) / RETRY;
      const previous = this.previousDelayUs.length > 0 ? (this.previousDelayUs[d] as number) : policy.baseUs;
      delay = backoffDelayUs(policy, n, previous, this.rng);
      if (this.previousDelayUs.length > 0) this.previousDelayUs[d] = delay;
    }
    if (delay < minDelayUs) delay = minDelayUs;
    if (atUs + delay === now) {
      this.sendEstablish(d, now);
      return;
    }
    this.backoffUntil(d, atUs + delay, now);
  }

  /** The droplet's next attempt goes out at `at`: its timer comes due on that tick (see aheadTickUs). */
  private backoffUntil(d: number, at: number, now: number): void {
    this.setState(d, BACKOFF);
    this.rec[d * REC + F_TIMER] = at;
    const tick = this.sendTickUs(at);
    this.timers.push(HEAP, tick > now ? tick : now, d);
  }

  /** The tick on which an attempt sent at `at` leaves the shard (itself without a send tick). */
  private sendTickUs(at: number): number {
    // (division, not %: times pass 2^31, where % on doubles is several times slower; exact below 2^52)
    const tick = this.p.aheadTickUs;
    return Math.floor(at / tick) * tick;
  }

  /** The host's fates, moved into this shard's view by the reply's transit (the platform's link latency). */
  private applyFates(msg: FatesMsg, now: number): void {
    const { items, fates, timesUs, enqueuedUs } = msg;
    const transitUs = now - msg.sentAtUs;
    this.touchFates(items);
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as number;
      const d = item >> 1;
      const t = (timesUs[i] as number) + transitUs;
      const sentUs = (enqueuedUs[i] as number) - transitUs;
      const fate = fates[i] as number;
      if ((item & 1) === 0) {
        if (fate === Fate.ok) this.renewed(d, t, sentUs);
        continue;
      }
      // an establish fate counts only for the droplet's current attempt
      if (this.stateOf(d) !== ATTEMPT || this.rec[d * REC + F_EXPIRY_OR_SENT] !== sentUs) continue;
      this.endAttempt(d);
      this.events++;
      switch (fate) {
        case Fate.ok:
          this.established(d, t);
          break;
        case Fate.dropped:
          this.setState(d, DROPPED);
          this.rec[d * REC + F_TIMER] = t;
          this.timers.push(HEAP, t, d);
          break;
        case Fate.throttled:
          this.throttled++;
          this.retry(d, t, now, this.throttledRetryUs());
          break;
        case Fate.unavailable:
          // not sent after all: wait for the recovery workflow; the latency clock starts with a sent attempt
          this.attempts--;
          this.setState(d, WAITING);
          if (this.rec[d * REC + F_SINCE] === sentUs) this.rec[d * REC + F_SINCE] = NOT_STARTED;
          break;
        default:
          throw new Error(`unexpected fate ${fate} for an establish attempt`);
      }
    }
  }

  /** How long a throttled attempt waits before its retry (rule 7: at least the minimum). */
  private throttledRetryUs(): number {
    const min = this.p.minThrottledRetryUs;
    return this.p.throttledRetryJitter ? min + Math.floor(this.rng.random() * min) : min;
  }

  /** A renewal completed on time at t: it extends a lease that is still valid then and began before it was sent. */
  private renewed(d: number, t: number, sentUs: number): void {
    if (this.stateOf(d) !== VALID || t > this.p.endUs) return;
    const expiryUs = this.rec[d * REC + F_EXPIRY_OR_SENT] as number;
    if (t >= expiryUs || sentUs < (this.rec[d * REC + F_SINCE] as number)) return;
    this.events++;
    this.renewalsOk++;
    this.goodputSeries.add(t, 1);
    const renewUs = this.rec[d * REC + F_TIMER] as number;
    const newExpiry = t + this.p.leaseDurationUs;
    this.rec[d * REC + F_EXPIRY_OR_SENT] = newExpiry;
    // the pending timer is at min(renewal, old expiry); a new one only if that minimum moved
    if (expiryUs < renewUs) this.timers.push(LANE_GRID, newExpiry < renewUs ? newExpiry : renewUs, d);
  }

  /** The current attempt completes on time at t: the lapse ends then (if within the run). */
  private established(d: number, t: number): void {
    if (t > this.p.endUs) {
      this.setState(d, ATTEMPT);
      this.rec[d * REC + F_TIMER] = Infinity;
      return;
    }
    this.latencies.push(t - (this.rec[d * REC + F_SINCE] as number));
    this.metrics.observe('leases.establishLatency', t - (this.rec[d * REC + F_SINCE] as number));
    this.validUp.push(t);
    this.validSeries.add(t, 1);
    this.goodputSeries.add(t, 1);
    this.establishSeries.add(t, 1);
    this.resyncs++;
    this.setState(d, VALID);
    const tick = this.p.renewTickUs;
    const dueUs = t + this.p.renewIntervalUs;
    const renewUs = Math.ceil(dueUs / tick) * tick;
    const expiryUs = t + this.p.leaseDurationUs;
    this.rec[d * REC + F_TIMER] = renewUs;
    this.rec[d * REC + F_EXPIRY_OR_SENT] = expiryUs;
    this.rec[d * REC + F_SINCE] = t;
    this.timers.push(LANE_FRESH, renewUs < expiryUs ? renewUs : expiryUs, d);
  }

  /** The host's recovery workflow (rule 4): every waiting droplet, in droplet order, optionally staggered. */
  private recover(now: number): void {
    const windowUs = this.p.staggerWindowUs;
    for (let d = 0; d < this.p.droplets; d++) {
      if (this.stateOf(d) !== WAITING) continue;
      this.events++;
      if (windowUs === 0) {
        this.sendEstablish(d, now);
      } else {
        this.backoffUntil(d, now + Math.floor(this.rng.random() * windowUs), now);
      }
    }
  }

  private send(ctx: ShardCtx, priority: number): void {
    const attempts = this.attemptCount;
    if (attempts > 0) {
      const deadline = ctx.now + this.p.attemptTimeoutUs;
      this.timers.pushMany(LANE_DEADLINE, deadline, this.attemptGroup, attempts);
      this.attemptCount = 0;
    }
    const sentNow = this.outgoing.length;
    const ahead = this.aheadCount;
    if (sentNow + ahead === 0) return;
    // one event sends at most one item per droplet: its renewal or its current attempt
    if (sentNow + ahead > this.p.droplets) assert(false, `a shard of ${this.p.droplets} droplets sends ${sentNow + ahead} items at once`);
    const items = this.outgoing.take();
    if (ahead === 0) {
      ctx.send(this.p.hostId, { kind: 'enqueue', shard: this.p.shardIndex, first: priority === PRIORITY_FIRST, items }, priority);
      return;
    }
    // items sent now first, then those sent ahead in the order they leave (send time, then droplet)
    const aheadUs = new Array<number>(sentNow).fill(0);
    const keys = this.aheadKeys.subarray(0, ahead).sort();
    const droplets = this.p.droplets;
    const timeoutUs = this.p.attemptTimeoutUs;
    for (let i = 0; i < ahead; i++) {
      const key = keys[i] as number;
      const offsetUs = Math.floor(key / droplets);
      const d = key - offsetUs * droplets;
      items.push((d << 1) | 1);
      aheadUs.push(offsetUs);
      this.timers.push(LANE_DEADLINE, ctx.now + offsetUs + timeoutUs, d);
    }
    this.aheadCount = 0;
    ctx.send(this.p.hostId, { kind: 'enqueue', shard: this.p.shardIndex, first: priority === PRIORITY_FIRST, items, aheadUs }, priority);
  }

  /**
   * A launch needs a droplet with a valid lease: it probes up to `launchProbes` droplets and fails as
   * insufficient capacity when none is valid. Drawn as a binomial over the shard's valid fraction
   * (the count includes leases whose establishing fate is already known, up to an attempt timeout ahead).
   */
  private placeWork(msg: CapacityMsg, ctx: ShardCtx): void {
    const valid = this.validLeases();
    const v = this.p.droplets > 0 ? valid / this.p.droplets : 0;
    const probes = this.p.launchProbes;
    const launchOk = 1 - (1 - v) ** probes;
    const reply: CapacityResultMsg = {
      kind: 'capacity-result',
      request: msg.request,
      shard: ctx.self,
      launches: msg.launches,
      launchesOk: binomial(this.rng, msg.launches, launchOk),
    };
    ctx.send(msg.from, reply);
  }

  /** Tells the observers the share of this shard's droplets without a valid lease. */
  private observe(ctx: ShardCtx): void {
    const droplets = this.p.droplets;
    const valid = this.validLeases();
    const msg: ObservationMsg = { kind: 'observe', signal: 'leases.invalidShare', source: ctx.self, value: droplets > 0 ? 1 - valid / droplets : 0, weight: droplets };
    for (const o of this.p.observers) ctx.send(o.id, msg);
    const next = ctx.now + this.p.sampleIntervalUs;
    this.nextObserveUs = next <= this.p.endUs ? next : Infinity;
  }

  private finishEvent(ctx: ShardCtx): void {
    if (this.resyncs > 0) {
      const nm = this.p.networkManagerId;
      if (nm !== null) {
        const msg: NetChangesMsg = { kind: 'net-changes', launchedUs: ctx.now, launches: 0, terminations: 0, resyncs: this.resyncs };
        ctx.send(nm, msg);
      }
      this.resyncs = 0;
    }
    if (this.events > 0) {
      ctx.countEvents(this.events);
      this.events = 0;
    }
    if (!this.finished && ctx.now >= this.nextFlushUs) {
      const final = ctx.now >= this.p.endUs;
      // a renewal sent ahead may add to the goodput of a bucket up to renewAheadSafeUs back
      this.flushSeries(ctx.now - this.p.renewAheadSafeUs, final);
      if (final) this.finished = true;
      const dt = this.p.sampleIntervalUs;
      this.nextFlushUs = Math.min(this.p.endUs, (Math.floor(ctx.now / dt) + 1) * dt);
    }
    this.scheduleWake(ctx);
  }

  private flushSeries(now: number, final: boolean): void {
    this.validSeries.flush(this.metrics, now, final);
    this.goodputSeries.flush(this.metrics, now, final);
    this.establishSeries.flush(this.metrics, now, final);
    this.timeoutSeries.flush(this.metrics, now, final);
  }

  /**
   * The time of the earliest timer a droplet acts on. Stale timers at the front are dropped here
   * rather than woken for (in a storm most deadlines are of attempts whose fate came back long
   * before); the due ones are kept aside for the wake then.
   */
  private nextDueUs(): number {
    const timers = this.timers;
    for (;;) {
      const t = timers.peekUs();
      if (this.asideUs <= t) return this.asideUs;
      if (!this.skipStale) return t;
      if (t === this.checkedUs) return t;
      const n = timers.takeEarliest(t);
      const batch = timers.batch;
      // one droplet that acts is enough: the wake skips the others as it always does
      let acts = false;
      for (let i = 0; i < n && !acts; i++) acts = this.due(batch[i] as number, t);
      if (!acts) continue;
      if (timers.mixed) batch.subarray(0, n).sort();
      if (this.asideUs === Infinity) {
        const aside = (this.aside = fit(this.aside, n));
        for (let i = 0; i < n; i++) aside[i] = batch[i] as number;
        this.asideUs = t;
        this.asideCount = n;
        return t;
      }
      // a batch is already aside for later: these wait in the timers, known to be due
      timers.pushMany(HEAP, t, batch, n);
      this.checkedUs = t;
      return t;
    }
  }

  /** The batch nextDueUs kept aside for now, with the timers at now, in droplet order. */
  private actAside(now: number): boolean {
    let n = this.asideCount;
    const work = this.aside;
    this.asideUs = Infinity;
    this.asideCount = 0;
    const timers = this.timers;
    if (timers.peekUs() === now) {
      const k = timers.takeEarliest(now);
      const batch = timers.batch;
      const all = (this.aside = fit(work, n + k));
      if (all !== work) all.set(work.subarray(0, n));
      for (let i = 0; i < k; i++) all[n + i] = batch[i] as number;
      n += k;
      all.subarray(0, n).sort();
    }
    return this.actAll(this.aside, 0, n, ALL, now, null);
  }

  /**
   * The timers of droplets[from & mask], droplets[(from + 1) & mask], ... (n of them, in droplet
   * order, a droplet maybe twice; mask ALL for a plain array) come due now; whether any droplet
   * acted. With `live`, a droplet whose bit there is clear has a stale timer and is skipped unread.
   */
  private actAll(droplets: Int32Array, from: number, n: number, mask: number, now: number, live: Int32Array | null): boolean {
    this.touchDroplets(droplets, from, n, mask, live);
    // Without backoff, a droplet whose attempt times out sends the next one at once (rules 5-6):
    // in a collapse that is every droplet of the shard at each deadline, so it is done here, in one
    // pass over the records, rather than through act, retry and sendEstablish (the same writes).
    const retryAtOnce = this.p.backoff.kind === 'none' && !this.outage;
    // room for an attempt per droplet, so that act (at most one each) never grows the array under `group`
    if (retryAtOnce && this.attemptCount + n > this.attemptGroup.length) this.attemptGroup = grow(this.attemptGroup, this.attemptCount + n);
    const rec = this.rec;
    const attempting = this.attempting;
    const group = this.attemptGroup;
    const deadlineUs = now + this.p.attemptTimeoutUs;
    let timedOut = 0;
    let acted = false;
    let previous = -1;
    for (let i = 0; i < n; i++) {
      const d = droplets[(from + i) & mask] as number;
      if (d === previous) continue;
      previous = d;
      if (live !== null && !isSet(live, d)) continue;
      const at = d * REC;
      const word = rec[at + F_STATE] as number;
      if (retryAtOnce && (word & STATE_MASK) === ATTEMPT && rec[at + F_TIMER] === now) {
        // a timeout and the retry it starts (the lapse's first attempt is already set)
        rec[at + F_STATE] = word + RETRY;
        rec[at + F_EXPIRY_OR_SENT] = now;
        rec[at + F_TIMER] = deadlineUs;
        attempting[d >> 5] = (attempting[d >> 5] as number) | (1 << (d & 31));
        this.outgoing.push((d << 1) | 1);
        group[this.attemptCount++] = d;
        timedOut++;
        continue;
      }
      if (this.act(d, now)) acted = true;
    }
    if (timedOut > 0) {
      this.events += timedOut;
      this.timeouts += timedOut;
      this.timeoutsNow += timedOut;
      this.attempts += timedOut;
      acted = true;
    }
    return acted;
  }

  /** Puts the batch kept aside back among the timers (a horizon takes the timers in time order). */
  private returnAside(): void {
    this.timers.pushMany(HEAP, this.asideUs, this.aside, this.asideCount);
    this.asideUs = Infinity;
    this.asideCount = 0;
  }

  private scheduleWake(ctx: ShardCtx): void {
    const timerUs = this.nextDueUs();
    let t = timerUs < this.nextObserveUs ? timerUs : this.nextObserveUs;
    if (!this.finished && t > this.p.endUs) t = this.p.endUs;
    if (t !== Infinity && t >= ctx.now && t <= this.p.endUs) ctx.wakeAt(t, PRIORITY_TRAFFIC);
  }
}

/** `array`, or a larger one when it holds fewer than n (contents not kept). */
function fit(array: Int32Array, n: number): Int32Array {
  return array.length >= n ? array : new Int32Array(Math.max(n, 2 * array.length));
}

function grow<T extends Int32Array | Float64Array>(array: T, atLeast = 0): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(array.length * 2, atLeast));
  next.set(array);
  return next;
}
