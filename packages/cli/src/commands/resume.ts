// `cascade resume DIR`: continue a run from the checkpoint in its run folder; the finished run is
// the same run (same digest) as one never interrupted. A checkpoint that disagrees with itself or
// with its config is refused (exit 2) before anything runs.
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHECKPOINT_FILE, readCheckpoint } from '../checkpoint-file.js';
import { UsageError } from '../errors.js';
import { outPath } from '../out-dir.js';
import { runScenario, type RunFlags } from './run.js';

export async function resumeCommand(dir: string, flags: Omit<RunFlags, keyof import('../scenario-input.js').ScenarioFlags>, signal: AbortSignal): Promise<number> {
  const folder = resolve(dir);
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new UsageError(`${dir}: not a run folder (a file)`);
  const { checkpoint, bytes, path } = readCheckpoint(folder);
  const def = scenarioDef(checkpoint.scenario);
  // Re-validate: the file may come from another version of cascade.
  const config = resolveConfig(def, { file: { path, content: checkpoint.config } }) as Record<string, unknown>;
  const out = flags.out === undefined ? folder : outPath(flags.out, '');
  return runScenario({ def, config, source: path }, out, flags, signal, bytes, out === folder ? [CHECKPOINT_FILE] : []);
}
