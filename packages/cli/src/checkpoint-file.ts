// A run folder's checkpoint.msgpack: `--checkpoint-every D` writes it (atomically, D checked
// against what simulated time can hold), `cascade resume` reads and checks it.
import { secondsToUs } from '@cascade/kernel';
import { CodecError, decodeCheckpoint, type Checkpoint } from '@cascade/runtime';
import { DURATION_HELP, MAX_DURATION_S, clip, parseDurationSeconds } from '@cascade/scenarios';
import { writeFileAtomic } from '@cascade/tune';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import { modelCodeHash } from './model-code.js';

export const CHECKPOINT_FILE = 'checkpoint.msgpack';

/** Resolves `--checkpoint-every` into a checkpoint writer for the run folder. */
export function checkpointWriter(every: string | undefined, outDir: string) {
  if (every === undefined) return undefined;
  const seconds = parseDurationSeconds(every);
  if (seconds === undefined || !(seconds > 0 && seconds <= MAX_DURATION_S) || secondsToUs(seconds) < 1) {
    throw new UsageError(`--checkpoint-every ${clip(every)}: expected ${DURATION_HELP}, from 1us to ${MAX_DURATION_S} s`);
  }
  const path = join(outDir, CHECKPOINT_FILE);
  return { everyUs: secondsToUs(seconds), write: (bytes: Uint8Array) => writeFileAtomic(path, bytes), code: modelCodeHash() };
}

/**
 * The checkpoint of a run folder, with its bytes; a missing, unreadable or inconsistent one, or one
 * saved by another build of the model code, is a UsageError.
 */
export function readCheckpoint(dir: string): { checkpoint: Checkpoint; bytes: Uint8Array; path: string } {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) throw new UsageError(`${path}: no checkpoint (run with --checkpoint-every D to write one)`);
  if (!statSync(path).isFile()) throw new UsageError(`${path}: not a file`);
  const bytes = readFileSync(path);
  let checkpoint: Checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes);
  } catch (error) {
    if (error instanceof CodecError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
  const code = modelCodeHash();
  if (checkpoint.description.code !== code) {
    const saved = checkpoint.description.code === '' ? 'no build' : `build ${checkpoint.description.code.slice(0, 12)}`;
    throw new UsageError(`${path}: saved by another build of cascade's models (${saved}, this is build ${code.slice(0, 12)}): resume it with the cascade that wrote it, or run again`);
  }
  return { checkpoint, bytes, path };
}
