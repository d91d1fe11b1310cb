// The actor API: what a model sees of the kernel. Actors handle one message at a time.
import type { Metrics } from './metrics.js';
import type { Rng } from './rng.js';
import type { TimeUs } from './time.js';

export type ActorId = number;

/** Messages are plain data (msgpack-encodable), discriminated by `kind`. */
export interface Message {
  readonly kind: string;
}

export interface Context<M extends Message = Message> {
  /** Simulated time of the event being handled, integer µs. */
  readonly now: TimeUs;
  /** The id of the actor handling the event. */
  readonly self: ActorId;
  /** This actor's own random stream (an actor may keep it: it always draws from its own stream). */
  readonly rng: Rng;
  readonly metrics: Metrics;
  /**
   * Delivers `msg` to `to` at `now + delayUs`. Sends between placement groups must have
   * `delayUs >= lookahead`. A lower `priority` is handled first among events of the same instant.
   */
  send(to: ActorId, msg: M, delayUs: number, priority?: number): void;
  /** A message to itself after `delayUs`. */
  after(delayUs: number, msg: M, priority?: number): void;
  /**
   * Asks for a `wake` call at `timeUs` (>= now). An actor has at most one pending wake: the
   * earliest requested. Data-oriented actors drive their own timer queues with it.
   */
  wakeAt(timeUs: TimeUs, priority?: number): void;
  /** Counts `n` model events handled inside one kernel event (a data-oriented actor's timers). */
  countEvents(n: number): void;
}

export interface Actor<M extends Message = Message> {
  /** Called once at t = 0, before any event, in actor id order within a partition. */
  init?(ctx: Context<M>): void;
  receive(msg: M, ctx: Context<M>): void;
  /** Called at the time asked for with `ctx.wakeAt`. */
  wake?(ctx: Context<M>): void;
  /** End-of-run state for the model's summary: plain data, msgpack-encodable. */
  report?(endUs: TimeUs): unknown;
}
