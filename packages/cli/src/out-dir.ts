// Output folders, checked before any work: a path (not ''), a folder (not a file), writable; a
// non-empty folder must be one this command wrote, unless --force. An earlier run's files that
// this run may not rewrite are removed first, so nothing stale sits next to the new results.
import { STAGING_PREFIX } from '@cascade/tune';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { clip } from '@cascade/scenarios';

export function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The commands that write an output folder, and what each one writes there. */
const WRITES = {
  run: ['summary.json', 'config.json', 'timeseries.csv', 'histograms', 'report.html', 'plots', 'metrics.om', 'checkpoint.msgpack'],
  sweep: ['runs.jsonl', 'sweep.csv', 'sweep.json', 'points.csv', 'plots'],
  tune: ['runs.jsonl', 'tune.json', 'tune.csv', 'plots'],
  map: ['runs.jsonl', 'map.json', 'map.csv', 'map.html', 'plots'],
  bench: ['bench.json'],
  explore: ['trace.msgpack'],
} as const;

export type OutCommand = keyof typeof WRITES;

export interface OutOptions {
  /** Write into a folder that holds files this command did not write. */
  readonly force?: boolean;
  /** Files of an earlier run to keep: the results log a rerun continues, a checkpoint resumed from. */
  readonly keep?: readonly string[];
}

/** Leftovers of an interrupted write: temporary files and staging folders. */
function isTemporary(name: string): boolean {
  return name.startsWith(STAGING_PREFIX) || /\.tmp(-\d+)?$/.test(name);
}

function errno(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code === undefined ? e.message : `${e.code} (${e.message.replace(/^[A-Z]+: /, '').replace(/,.*$/, '')})`;
}

/** The folder to write into: the one given with --out, else runs/<name>-<timestamp>. Not created yet. */
export function outPath(given: string | undefined, name: string): string {
  if (given !== undefined && given.trim() === '') throw new UsageError(`--out '${given}': expected a folder path`);
  return resolve(given ?? join('runs', `${name}-${timestamp()}`));
}

/**
 * Makes `dir` (from outPath) ready for `command`: created, checked writable, cleared of stale
 * files. Call it once every input is validated and before any work; a bad folder is a UsageError.
 */
export function prepareOutDir(dir: string, command: OutCommand, options: OutOptions = {}): string {
  const flag = `--out ${clip(dir)}`;
  const writes: readonly string[] = WRITES[command];
  let ours = true;
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${flag}: is a file, not a folder; give a new or empty folder`);
    const foreign = readdirSync(dir).filter((f) => !writes.includes(f) && !isTemporary(f));
    if (foreign.length > 0) {
      if (!options.force) {
        throw new UsageError(
          `${flag}: the folder holds files that 'cascade ${command}' does not write (${clip(foreign.slice(0, 3).join(', '))}${foreign.length > 3 ? ', ...' : ''}); give a new or empty folder, or --force to write into it`,
        );
      }
      ours = false;
    }
  }
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.cascade-probe-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw new UsageError(`${flag}: cannot write there: ${errno(error)}; give a writable folder`);
  }
  // Only in a folder of our own: with --force into someone else's, their files are left alone.
  for (const entry of readdirSync(dir)) {
    if (isTemporary(entry) || (ours && writes.includes(entry) && !(options.keep ?? []).includes(entry))) {
      rmSync(join(dir, entry), { recursive: true, force: true });
    }
  }
  return dir;
}
