// Checkpoints: the whole state of a run at a window boundary (every partition's actors, pending
// events, counts and metrics, plus the batches in flight), placement-free so a run can resume on
// any number of threads. Sealed (sealed.ts), checked against a schema, and carrying their own
// description (scenario, config hash, seed, layout, counts) that must agree with what they hold.
import { DIGEST_LANES, type OutBatch, type PartitionState, type TimeUs } from '@cascade/kernel';
import { z } from 'zod';
import { CodecError } from './codec.js';
import { configSha256, seal, unseal } from './sealed.js';

export const CHECKPOINT_FORMAT = 'cascade.checkpoint/3';

/** What a checkpoint says about itself, written from the state when it is taken. */
export interface CheckpointDescription {
  readonly scenario: string;
  /** SHA-256 of the canonical JSON of the config the run was built from. */
  readonly configSha256: string;
  /** The config's seed (null for a config without one). */
  readonly seed: number | null;
  /**
   * Which build of the model code saved the state (the caller's fingerprint, e.g. a hash of the
   * built packages; '' when not given): actor state is restored field by field, so only the same
   * build can take it up.
   */
  readonly code: string;
  readonly atUs: TimeUs;
  readonly windows: number;
  /** Saved partitions, actors over all of them, events processed over all of them. */
  readonly partitions: number;
  readonly actors: number;
  readonly events: number;
}

export interface Checkpoint {
  readonly description: CheckpointDescription;
  readonly scenario: string;
  readonly config: Record<string, unknown>;
  /** Every event before this time has been processed, none at or after it. */
  readonly atUs: TimeUs;
  readonly windows: number;
  readonly partitions: PartitionState[];
  readonly inflight: OutBatch[];
}

const count = z.int().nonnegative();
const message = z.looseObject({ kind: z.string() });
const metrics = z.object({
  counters: z.record(z.string(), z.number()),
  histograms: z.record(z.string(), z.string()),
  series: z.record(z.string(), z.object({ mode: z.enum(['sum', 'max', 'min']), buckets: z.record(z.string(), z.number()) })),
});
const partition = z.object({
  events: count,
  digestLanes: z.array(z.number()).length(DIGEST_LANES),
  metrics,
  actors: z.array(z.tuple([count, count, z.number().nullable(), z.array(z.int()), z.unknown()])),
  queue: z.array(z.tuple([count, count, count, count, message.nullable()])),
});
const batch = z
  .object({ to: count, time: z.array(count), k1: z.array(count), k2: z.array(count), target: z.array(count), msg: z.array(message) })
  .refine((b) => [b.k1, b.k2, b.target, b.msg].every((column) => column.length === b.time.length), 'columns of different lengths');
const description = z.object({
  scenario: z.string(),
  configSha256: z.string().regex(/^[0-9a-f]{64}$/),
  seed: z.number().nullable(),
  code: z.string(),
  atUs: count,
  windows: count,
  partitions: z.int().positive(),
  actors: count,
  events: count,
});
const checkpointSchema = z.object({
  description,
  scenario: z.string(),
  config: z.record(z.string(), z.unknown()),
  atUs: count,
  windows: count,
  partitions: z.array(partition).min(1),
  inflight: z.array(batch),
});

function seedOf(config: Record<string, unknown>): number | null {
  return typeof config['seed'] === 'number' ? config['seed'] : null;
}

/** Seals a checkpoint, describing it from its own content and the build of the code that saved it. */
export function encodeCheckpoint(checkpoint: Omit<Checkpoint, 'description'>, code = ''): Uint8Array {
  const desc: CheckpointDescription = {
    scenario: checkpoint.scenario,
    configSha256: configSha256(checkpoint.config),
    seed: seedOf(checkpoint.config),
    code,
    atUs: checkpoint.atUs,
    windows: checkpoint.windows,
    partitions: checkpoint.partitions.length,
    actors: checkpoint.partitions.reduce((n, p) => n + p.actors.length, 0),
    events: checkpoint.partitions.reduce((n, p) => n + p.events, 0),
  };
  return seal(CHECKPOINT_FORMAT, { description: desc, ...checkpoint });
}

/** The first way a checkpoint disagrees with its own description, or undefined. */
function disagreement(c: Checkpoint): string | undefined {
  const d = c.description;
  if (d.scenario !== c.scenario) return `its state was saved from scenario '${d.scenario}' but it carries the config of '${c.scenario}'`;
  const seed = seedOf(c.config);
  if (d.seed !== seed) return `its config has seed ${String(seed)} but its state was saved from seed ${String(d.seed)}`;
  if (configSha256(c.config) !== d.configSha256) return 'its config is not the one its state was saved from (the config hash differs)';
  if (d.atUs !== c.atUs || d.windows !== c.windows) return `its state was saved at t=${d.atUs}µs after ${d.windows} windows, not t=${c.atUs}µs after ${c.windows}`;
  if (d.partitions !== c.partitions.length) return `its state was saved from ${d.partitions} partitions but it holds ${c.partitions.length}`;
  const events = c.partitions.reduce((n, p) => n + p.events, 0);
  if (d.events !== events) return `its state had processed ${d.events} events but its partitions count ${events}`;
  const seen = new Set<number>();
  for (const p of c.partitions) {
    for (const [id] of p.actors) {
      if (id >= d.actors || seen.has(id)) return `actor ${id} is out of range or saved twice (the state has ${d.actors} actors)`;
      seen.add(id);
    }
  }
  if (seen.size !== d.actors) return `its state has ${d.actors} actors but its partitions hold ${seen.size}`;
  for (const p of c.partitions) {
    for (const [t, , , target] of p.queue) {
      if (t < c.atUs || target >= d.actors) return `a pending event at t=${t}µs for actor ${target} is before the checkpoint or for no actor`;
    }
  }
  for (const b of c.inflight) {
    for (let i = 0; i < b.time.length; i++) {
      if ((b.time[i] as number) < c.atUs || (b.target[i] as number) >= d.actors) return `a message in flight at t=${b.time[i]}µs is before the checkpoint or for no actor`;
    }
  }
  return undefined;
}

/** Unseals, checks the structure and the self-description; anything else is a CodecError saying what is wrong. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const value = unseal(bytes, CHECKPOINT_FORMAT, 'checkpoint');
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new CodecError(`corrupt checkpoint: ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
  }
  // The unparsed value keeps every field of the saved messages and actor states.
  const checkpoint = value as Checkpoint;
  const disagrees = disagreement(checkpoint);
  if (disagrees !== undefined) throw new CodecError(`checkpoint disagrees with itself: ${disagrees}`);
  return checkpoint;
}

/** Checks that a decoded checkpoint belongs to `config` and fits a model of `actorCount` actors. */
export function checkCheckpointFits(checkpoint: Checkpoint, config: unknown, actorCount: number): void {
  if (configSha256(config) !== checkpoint.description.configSha256) {
    throw new CodecError('checkpoint was saved from another config than the one given to resume it');
  }
  if (checkpoint.description.actors !== actorCount) {
    throw new CodecError(`checkpoint holds ${checkpoint.description.actors} actors but the model built from its config has ${actorCount}`);
  }
}
