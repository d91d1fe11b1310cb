// What a model's monitor tells whoever watches it (an operator, a dependent subsystem): one reading
// of one signal from one source, sent at the monitor's sampling interval. Watchers combine the
// latest reading of every source of a signal (see `value`/`weight`).
import type { ActorId, Message } from './actor.js';

export interface ObservationMsg extends Message {
  readonly kind: 'observe';
  /** Dotted signal name, e.g. `leases.invalidShare`. */
  readonly signal: string;
  /** The reporting actor (a signal may have many sources: one per shard, AZ, resolver). */
  readonly source: ActorId;
  readonly value: number;
  /** The reading's weight when sources are averaged (e.g. droplets, resolutions); 0 = no data. */
  readonly weight: number;
}

/** Where a monitor sends its readings (the assembly's link to the watcher's kind gives the delay). */
export interface Observer {
  readonly id: ActorId;
}
