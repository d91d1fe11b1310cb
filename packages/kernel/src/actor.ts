// The actor API: what a model sees of the kernel. Actors handle one message at a time.
import type { Metrics } from './metrics.js';
import type { Rng } from './rng.js';
import type { TimeUs } from './time.js';

export type ActorId = number;

/** Messages are plain data (msgpack-encodable), discriminated by `kind`. */
export interface Message {
  readonly kind: string;
}

/**
 * What an actor sees of the kernel while it handles an event: `In` is what it receives (its own
 * timers included), `Out` what it may send to other actors.
 */
export interface Context<In extends Message = Message, Out extends Message = In> {
  /** Simulated time of the event being handled, integer µs. */
  readonly now: TimeUs;
  /** The id of the actor handling the event. */
  readonly self: ActorId;
  /** This actor's own random stream (an actor may keep it: it always draws from its own stream). */
  readonly rng: Rng;
  readonly metrics: Metrics;
  /**
   * Sends `msg` to `to` over the link the assembly declared between their kinds: it arrives after
   * the link's latency. A lower `priority` is handled first among events of the same instant.
   */
  send(to: ActorId, msg: Out, priority?: number): void;
  /**
   * Holds `msg` here for `holdUs` (this actor's own response or processing time, never network
   * delay), then sends it: it arrives after `holdUs` plus the link's latency.
   */
  sendAfter(holdUs: number, to: ActorId, msg: Out, priority?: number): void;
  /** A message to itself after `delayUs` (a local timer: no link). */
  after(delayUs: number, msg: In, priority?: number): void;
  /**
   * Asks for a `wake` call at `timeUs` (>= now). An actor has at most one pending wake: the
   * earliest requested. Data-oriented actors drive their own timer queues with it.
   */
  wakeAt(timeUs: TimeUs, priority?: number): void;
  /** Counts `n` model events handled inside one kernel event (a data-oriented actor's timers). */
  countEvents(n: number): void;
}

/** An actor receives `In` and sends `Out` (by default, what it receives). */
export interface Actor<In extends Message = Message, Out extends Message = In> {
  /** Called once at t = 0, before any event, in actor id order within a partition. */
  init?(ctx: Context<In, Out>): void;
  receive(msg: In, ctx: Context<In, Out>): void;
  /** Called at the time asked for with `ctx.wakeAt`. */
  wake?(ctx: Context<In, Out>): void;
  /** End-of-run state for the model's summary: plain data, msgpack-encodable. */
  report?(endUs: TimeUs): unknown;
}
