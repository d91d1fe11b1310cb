// The replay a what-if is compared with, cached in the runs folder: the same replay (scenario,
// resolved config) under the same model code gives the same result, so it runs once. The key
// hashes the config with the code of the model packages, so a changed model never reads a stale
// replay; an unreadable entry is run again and rewritten.
import type { SparseSeries, Summary } from '@cascade/metrics';
import { configSha256, decodeValue, encodeValue } from '@cascade/runtime';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { modelCodeHash } from './model-code.js';
import type { ResolvedScenario } from './scenario-input.js';

/** What the comparison and the report need of the replay. */
export interface CachedReplay {
  readonly summary: Summary;
  readonly series: Record<string, SparseSeries>;
}

/** Where the replay of `scenario` is cached, beside the run folder `outDir`. */
export function replayCachePath(outDir: string, replay: ResolvedScenario): string {
  const key = configSha256({ scenario: replay.def.name, config: replay.config, code: modelCodeHash() });
  return join(dirname(outDir), '.replays', `${replay.def.name}-${key.slice(0, 16)}.msgpack`);
}

export function readCachedReplay(path: string): CachedReplay | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const value = decodeValue(readFileSync(path), 'cached replay') as Partial<CachedReplay>;
    if (value.summary === undefined || value.series === undefined) return undefined;
    return value as CachedReplay;
  } catch {
    return undefined; // damaged: run it again
  }
}

export function writeCachedReplay(path: string, replay: CachedReplay): void {
  mkdirSync(dirname(path), { recursive: true });
  const staged = `${path}.${process.pid}.tmp`;
  writeFileSync(staged, encodeValue(replay));
  renameSync(staged, path);
}
