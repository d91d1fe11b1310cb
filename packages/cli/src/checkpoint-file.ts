// A run folder's checkpoint.msgpack: `--checkpoint-every D` writes it (atomically, D checked
// against what simulated time can hold), `cascade resume` reads and checks it.
import { secondsToUs } from '@cascade/kernel';
import { CodecError, decodeCheckpoint, type Checkpoint } from '@cascade/runtime';
import { DURATION_HELP, MAX_DURATION_S, clip, parseDurationSeconds } from '@cascade/scenarios';
import { writeFileAtomic } from '@cascade/tune';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';

export const CHECKPOINT_FILE = 'checkpoint.msgpack';

/** Resolves `--checkpoint-every` into a checkpoint writer for the run folder. */
export function checkpointWriter(every: string | undefined, outDir: string) {
  if (every === undefined) return undefined;
  const seconds = parseDurationSeconds(every);
  if (seconds === undefined || !(seconds > 0 && seconds <= MAX_DURATION_S) || secondsToUs(seconds) < 1) {
    throw new UsageError(`--checkpoint-every ${clip(every)}: expected ${DURATION_HELP}, from 1us to ${MAX_DURATION_S} s`);
  }
  const path = join(outDir, CHECKPOINT_FILE);
  return { everyUs: secondsToUs(seconds), write: (bytes: Uint8Array) => writeFileAtomic(path, bytes) };
}

/** The checkpoint of a run folder, with its bytes; a missing, unreadable or inconsistent one is a UsageError. */
export function readCheckpoint(dir: string): { checkpoint: Checkpoint; bytes: Uint8Array; path: string } {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) throw new UsageError(`${path}: no checkpoint (run with --checkpoint-every D to write one)`);
  if (!statSync(path).isFile()) throw new UsageError(`${path}: not a file`);
  const bytes = readFileSync(path);
  try {
    return { checkpoint: decodeCheckpoint(bytes), bytes, path };
  } catch (error) {
    if (error instanceof CodecError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}
