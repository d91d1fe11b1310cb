// A partition (logical process): the actors placed on it, one event queue, and the outgoing
// messages for other partitions. It runs events up to a window's end; the runtime syncs windows.
import type { Actor, ActorId, Context, Message } from './actor.js';
import { AssertionError } from './assert.js';
import { EventDigest } from './digest.js';
import { ModelError, SimulationError } from './errors.js';
import { Metrics, type MetricsExport, type ResultMetrics } from './metrics.js';
import type { Model } from './model.js';
import { EventQueue, packK1 } from './queue.js';
import { Rng, RNG_STATE_WORDS, seedStream } from './rng.js';
import { restoreActor, snapshotActor } from './snapshot.js';
import { formatUs, ZERO_US, type TimeUs } from './time.js';

export const DEFAULT_PRIORITY = 1;
export const MAX_PRIORITY = 1_000_000;

const WAKE: Message = Object.freeze({ kind: 'wake' });

const ROW_BYTES = 32;
const ROW_F64 = ROW_BYTES / 8;
const ROW_I32 = ROW_BYTES / 4;
const SEQ_F64 = 0;
const WAKE_F64 = 1;
/** First int32 word of the random stream's state in a row (bytes 16..31). */
const RNG_WORD = 4;

/** Messages for one destination partition, in parallel arrays. */
export interface OutBatch {
  readonly to: number;
  readonly time: number[];
  readonly k1: number[];
  readonly k2: number[];
  readonly target: number[];
  readonly msg: Message[];
}

/** One pending event in a checkpoint; a null message is a wake. */
export type SavedEvent = [time: number, k1: number, k2: number, target: number, msg: Message | null];

/** An actor in a checkpoint: kernel bookkeeping and its own state. */
export type SavedActor = [id: ActorId, seq: number, pendingWakeUs: number | null, rng: number[], state: unknown];

/** Everything one partition holds; the union of every partition's state is placement-free. */
export interface PartitionState {
  readonly events: number;
  readonly digestLanes: number[];
  readonly metrics: MetricsExport;
  readonly actors: SavedActor[];
  readonly queue: SavedEvent[];
}

export interface PartitionResult {
  readonly index: number;
  readonly events: number;
  readonly digestLanes: number[];
  readonly metrics: ResultMetrics;
  /** [actor id, report] for local actors that report */
  readonly reports: [ActorId, unknown][];
}

export class Partition {
  readonly index: number;
  readonly queue: EventQueue<Message>;
  readonly metrics: Metrics;
  readonly digest = new EventDigest();
  /** Time of the last processed event. */
  nowUs: TimeUs = ZERO_US;
  events = 0;

  private readonly model: Model;
  private readonly owner: Int32Array;
  private readonly actors: (Actor | undefined)[];
  /**
   * What an event changes of its actor, in one 32-byte row (two to a cache line): f64[4a] its send
   * sequence, f64[4a + 1] its pending wake time, i32[8a + 4 ..] its random stream's state. What
   * never changes is kept apart, densely: an event that touches only its own actor reads one
   * line, and a 64-byte row with the fixed fields made a run of 100,000 PHOLD LPs (rows beyond the
   * caches) about a tenth slower.
   */
  private readonly rows: Float64Array;
  private readonly rowWords: Int32Array;
  /** Each actor's placement group and kind (owner holds its partition). */
  private readonly groupOf: Int32Array;
  private readonly kindOf: Int32Array;
  /** Points at the acting actor's stream (ctx.rng). */
  private readonly rng: Rng;
  private readonly localIds: ActorId[] = [];
  private outbox: (OutBatch | undefined)[];
  private readonly ctx: KernelContext;
  /** The model's link table (kind x kind latencies, -1 where none) and its width. */
  private readonly linksUs: Float64Array;
  private readonly kindCount: number;
  /** What warmTargets read, kept so the reads are not optimised away. */
  private warmed = 0;

  constructor(model: Model, index: number, owner: Int32Array, partitions: number) {
    this.model = model;
    this.index = index;
    this.owner = owner;
    this.queue = new EventQueue<Message>(1024, (targets, count) => this.warmTargets(targets, count));
    this.metrics = new Metrics(model.sampleIntervalUs, () => this.ctx.now);
    const n = model.actorCount;
    // filled, so the array stays in fast elements mode even when few actors are local
    this.actors = new Array<Actor | undefined>(n).fill(undefined);
    const rowBytes = new ArrayBuffer(n * ROW_BYTES);
    this.rows = new Float64Array(rowBytes);
    this.rowWords = new Int32Array(rowBytes);
    this.rng = new Rng(this.rowWords, RNG_WORD);
    this.groupOf = new Int32Array(n);
    this.kindOf = new Int32Array(n);
    for (let a = 0; a < n; a++) {
      this.groupOf[a] = model.groupOf(a);
      this.kindOf[a] = model.kindOf(a);
    }
    this.linksUs = model.linksUs;
    this.kindCount = model.kinds.length;
    this.outbox = new Array<OutBatch | undefined>(partitions);
    for (let a = 0; a < n; a++) {
      if (owner[a] !== index) continue;
      this.localIds.push(a);
      this.actors[a] = model.createActor(a);
      this.rows[a * ROW_F64 + WAKE_F64] = Infinity;
      seedStream(this.rowWords, a * ROW_I32 + RNG_WORD, model.seed, a);
    }
    this.ctx = new KernelContext(this, this.rng);
  }

  /**
   * Reads the row and the actor slot of each target of the events about to run. With 100,000
   * PHOLD LPs the rows (3.2 MB) and slots do not stay in the cache; read one event at a time
   * they were a cache miss each, about a fifth of the run.
   */
  private warmTargets(targets: Int32Array, count: number): void {
    const rows = this.rows;
    const actors = this.actors;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const target = targets[i] as number;
      sum += rows[target * ROW_F64 + SEQ_F64] as number;
      if (actors[target] === undefined) sum++;
    }
    this.warmed = sum;
  }

  get localActorCount(): number {
    return this.localIds.length;
  }

  /** Time of the earliest pending event, Infinity when none. */
  nextTimeUs(): TimeUs {
    return this.queue.peekTime();
  }

  /** Calls every local actor's init at t = 0, in id order. */
  init(): void {
    const ctx = this.ctx;
    ctx.now = 0;
    for (const id of this.localIds) {
      const actor = this.actors[id] as Actor;
      if (actor.init === undefined) continue;
      ctx.self = id;
      this.rng.base = id * ROW_I32 + RNG_WORD;
      try {
        actor.init(ctx);
      } catch (error) {
        throw this.failure(id, 'init', 0, error);
      }
    }
  }

  /**
   * Processes events in (time, key) order while time < windowEndUs and time <= endUs, at most
   * maxEvents of them. Returns the number processed.
   */
  run(windowEndUs: TimeUs, endUs: TimeUs, maxEvents: number): number {
    const queue = this.queue;
    const actors = this.actors;
    const rng = this.rng;
    const rows = this.rows;
    const digest = this.digest;
    const ctx = this.ctx;
    const limit = Math.min(windowEndUs, endUs + 1);
    let processed = 0;
    let target = -1;
    let msg: Message = WAKE;
    try {
      while (processed < maxEvents && queue.peekTime() < limit) {
        msg = queue.pop();
        const t = queue.poppedTime;
        target = queue.poppedTarget;
        const actor = actors[target] as Actor;
        ctx.now = t;
        ctx.self = target;
        rng.base = target * ROW_I32 + RNG_WORD;
        if (msg === WAKE) {
          const wakeAt = target * ROW_F64 + WAKE_F64;
          if (rows[wakeAt] !== t) continue; // superseded by an earlier wake
          rows[wakeAt] = Infinity;
          (actor.wake as (c: Context) => void)(ctx);
        } else {
          actor.receive(msg, ctx);
        }
        digest.add(t, queue.poppedK1, queue.poppedK2, target);
        processed++;
      }
    } catch (error) {
      throw this.failure(target, msg.kind, ctx.now, error);
    }
    if (processed > 0) this.nowUs = ctx.now;
    this.events += processed;
    return processed;
  }

  /** Takes the messages produced for other partitions since the last call. */
  takeOutbox(): OutBatch[] {
    const batches: OutBatch[] = [];
    for (const batch of this.outbox) if (batch !== undefined) batches.push(batch);
    this.outbox = new Array<OutBatch | undefined>(this.outbox.length);
    return batches;
  }

  /** Accepts messages from another partition. */
  deliver(batch: OutBatch): void {
    const { time, k1, k2, target, msg } = batch;
    for (let i = 0; i < time.length; i++) {
      const t = time[i] as number;
      const to = target[i] as number;
      // checked before the message text is built: this runs for every delivered event
      if (this.owner[to] !== this.index) throw new AssertionError(`message for actor ${to} delivered to partition ${this.index}`);
      if (t < this.nowUs) throw new AssertionError(`causality: message at ${formatUs(t)} delivered after ${formatUs(this.nowUs)}`);
      this.queue.push(t, k1[i] as number, k2[i] as number, to, msg[i] as Message);
    }
  }

  /** The partition's results; `endUs` is where the run stopped (earlier than the model's end when interrupted). */
  result(endUs: TimeUs = this.model.endUs): PartitionResult {
    const reports: [ActorId, unknown][] = [];
    for (const id of this.localIds) {
      const actor = this.actors[id] as Actor;
      if (actor.report !== undefined) reports.push([id, actor.report(endUs)]);
    }
    return {
      index: this.index,
      events: this.events,
      digestLanes: Array.from(this.digest.lanes),
      metrics: this.metrics.result(),
      reports,
    };
  }

  /** The partition's whole state, for a checkpoint taken between windows. */
  saveState(): PartitionState {
    const actors: SavedActor[] = this.localIds.map((id) => {
      const wake = this.rows[id * ROW_F64 + WAKE_F64] as number;
      const rng = Array.from(this.rowWords.subarray(id * ROW_I32 + RNG_WORD, id * ROW_I32 + RNG_WORD + RNG_STATE_WORDS));
      return [id, this.rows[id * ROW_F64 + SEQ_F64] as number, wake === Infinity ? null : wake, rng, snapshotActor(this.actors[id] as Actor)];
    });
    const queue: SavedEvent[] = [];
    for (const [t, k1, k2, target, msg] of this.queue.entries()) queue.push([t, k1, k2, target, msg === WAKE ? null : msg]);
    return { events: this.events, digestLanes: Array.from(this.digest.lanes), metrics: this.metrics.export(), actors, queue };
  }

  /**
   * Restores a checkpoint taken at `atUs` under any placement: this partition takes its own
   * actors and events from every saved partition; partition 0 also takes the run's counts,
   * fingerprint and metrics. Replaces init().
   */
  restoreState(states: readonly PartitionState[], inflight: readonly OutBatch[], atUs: TimeUs): void {
    for (const state of states) {
      for (const [id, seq, wake, rng, saved] of state.actors) {
        if (this.owner[id] !== this.index) continue;
        this.rows[id * ROW_F64 + SEQ_F64] = seq;
        this.rows[id * ROW_F64 + WAKE_F64] = wake === null ? Infinity : wake;
        this.rowWords.set(rng, id * ROW_I32 + RNG_WORD);
        restoreActor(this.actors[id] as Actor, saved, { rng: this.rng, metrics: this.metrics }, this.model.actorName(id));
      }
      for (const [t, k1, k2, target, msg] of state.queue) {
        if (this.owner[target] === this.index) this.queue.push(t, k1, k2, target, msg === null ? WAKE : msg);
      }
      if (this.index === 0) {
        this.events += state.events;
        this.digest.merge(state.digestLanes);
        this.metrics.absorb(state.metrics);
      }
    }
    for (const batch of inflight) {
      for (let i = 0; i < batch.time.length; i++) {
        const target = batch.target[i] as number;
        if (this.owner[target] === this.index) this.queue.push(batch.time[i] as number, batch.k1[i] as number, batch.k2[i] as number, target, batch.msg[i] as Message);
      }
    }
    this.nowUs = atUs;
  }

  // --- called by the context ---

  /** A message from `from` to `to` after `holdUs`, plus the link's latency when `linked` (a send, not a timer). */
  schedule(from: ActorId, to: ActorId, msg: Message, holdUs: number, priority: number, linked: boolean): void {
    if (!(holdUs >= 0 && Number.isInteger(holdUs))) {
      throw new ModelError(`send of '${msg.kind}' with delay ${holdUs}: delays are integer µs >= 0`);
    }
    if (!(priority >= 0 && priority <= MAX_PRIORITY && Number.isInteger(priority))) {
      throw new ModelError(`send of '${msg.kind}' with priority ${priority}: allowed 0..${MAX_PRIORITY}`);
    }
    if (!(to >= 0 && to < this.model.actorCount && Number.isInteger(to))) {
      throw new ModelError(`send of '${msg.kind}' to unknown actor ${to}`);
    }
    let delayUs = holdUs;
    if (linked) {
      const kindOf = this.kindOf;
      const linkUs = this.linksUs[(kindOf[from] as number) * this.kindCount + (kindOf[to] as number)] as number;
      if (linkUs < 0) throw this.noLink(from, to, msg);
      delayUs += linkUs;
    }
    if (delayUs < this.model.lookaheadUs && this.groupOf[to] !== this.groupOf[from]) {
      throw new ModelError(
        `send of '${msg.kind}' to '${this.model.actorName(to)}' in another placement group with delay ` +
          `${delayUs}µs below the lookahead ${this.model.lookaheadUs}µs`,
      );
    }
    const seqAt = from * ROW_F64 + SEQ_F64;
    const seq = this.rows[seqAt] as number;
    this.rows[seqAt] = seq + 1;
    const t = this.ctx.now + delayUs;
    const k1 = packK1(priority, from);
    // a message to oneself stays here (and its sender's entry in owner need not be read)
    const dest = to === from ? this.index : (this.owner[to] as number);
    if (dest === this.index) {
      this.queue.push(t, k1, seq, to, msg);
      return;
    }
    let batch = this.outbox[dest];
    if (batch === undefined) {
      batch = { to: dest, time: [], k1: [], k2: [], target: [], msg: [] };
      this.outbox[dest] = batch;
    }
    batch.time.push(t);
    batch.k1.push(k1);
    batch.k2.push(seq);
    batch.target.push(to);
    batch.msg.push(msg);
  }

  requestWake(actor: ActorId, timeUs: TimeUs, priority: number): void {
    const now = this.ctx.now;
    if (!(timeUs >= now && Number.isInteger(timeUs))) {
      throw new ModelError(`wakeAt(${timeUs}) at ${formatUs(now)}: wake times are integer µs >= now`);
    }
    const row = actor * ROW_F64;
    if (timeUs >= (this.rows[row + WAKE_F64] as number)) return;
    this.rows[row + WAKE_F64] = timeUs;
    const seq = this.rows[row + SEQ_F64] as number;
    this.rows[row + SEQ_F64] = seq + 1;
    this.queue.push(timeUs, packK1(priority, actor), seq, actor, WAKE);
  }

  private noLink(from: ActorId, to: ActorId, msg: Message): ModelError {
    const kind = (a: ActorId): string => this.model.kinds[this.model.kindOf(a)] as string;
    return new ModelError(
      `send of '${msg.kind}' from '${this.model.actorName(from)}' to '${this.model.actorName(to)}': ` +
        `no link between kinds '${kind(from)}' and '${kind(to)}' (the assembly declares links with link())`,
    );
  }

  private failure(actor: ActorId, kind: string, timeUs: TimeUs, error: unknown): Error {
    if (error instanceof SimulationError) return error;
    const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const name = actor >= 0 ? this.model.actorName(actor) : '?';
    return new SimulationError(name, kind, timeUs, cause);
  }
}

class KernelContext implements Context<Message, Message> {
  now: TimeUs = ZERO_US;
  self: ActorId = 0;
  readonly rng: Rng;
  readonly metrics: Metrics;
  private readonly partition: Partition;

  constructor(partition: Partition, rng: Rng) {
    this.partition = partition;
    this.metrics = partition.metrics;
    this.rng = rng;
  }

  send(to: ActorId, msg: Message, priority = DEFAULT_PRIORITY): void {
    this.partition.schedule(this.self, to, msg, 0, priority, true);
  }

  sendAfter(holdUs: number, to: ActorId, msg: Message, priority = DEFAULT_PRIORITY): void {
    this.partition.schedule(this.self, to, msg, holdUs, priority, true);
  }

  after(delayUs: number, msg: Message, priority = DEFAULT_PRIORITY): void {
    this.partition.schedule(this.self, this.self, msg, delayUs, priority, false);
  }

  wakeAt(timeUs: TimeUs, priority = DEFAULT_PRIORITY): void {
    this.partition.requestWake(this.self, timeUs, priority);
  }

  countEvents(n: number): void {
    this.partition.events += n;
  }
}
