// `cascade resume DIR`: continue a run from the checkpoint in its run folder; the finished run is
// the same run (same digest) as one never interrupted.
import { CodecError, decodeCheckpoint } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { CHECKPOINT_FILE, runScenario, type RunFlags } from './run.js';

export async function resumeCommand(dir: string, flags: Omit<RunFlags, keyof import('../scenario-input.js').ScenarioFlags>, signal: AbortSignal): Promise<number> {
  const path = join(resolve(dir), CHECKPOINT_FILE);
  if (!existsSync(path)) throw new UsageError(`${path}: no checkpoint (run with --checkpoint-every D to write one)`);
  const bytes = readFileSync(path);
  let checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes);
  } catch (error) {
    if (error instanceof CodecError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
  const def = scenarioDef(checkpoint.scenario);
  // Re-validate: the file may come from another version of cascade or have been edited.
  const config = resolveConfig(def, { file: { path, content: checkpoint.config as Record<string, unknown> } }) as Record<string, unknown>;
  const outDir = resolve(flags.out ?? dir);
  return runScenario({ def, config, source: path }, outDir, flags, signal, bytes);
}
