// The replay a what-if is compared with, cached in the runs folder: the same replay (scenario,
// resolved config) under the same model code gives the same result, so it runs once. The key
// hashes the config with the code of the model packages, so a changed model never reads a stale
// replay; an unreadable entry is run again and rewritten.
import type { SparseSeries, Summary } from '@cascade/metrics';
import { configSha256, decodeValue, encodeValue } from '@cascade/runtime';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedScenario } from './scenario-input.js';

/** What the comparison and the report need of the replay. */
export interface CachedReplay {
  readonly summary: Summary;
  readonly series: Record<string, SparseSeries>;
}

const MODEL_PACKAGES = ['@cascade/kernel', '@cascade/fleet', '@cascade/dns', '@cascade/operator', '@cascade/scenarios', '@cascade/metrics'];

let codeHash: string | undefined;

/** SHA-256 over the built code of every package a run's result depends on. */
function modelCodeHash(): string {
  if (codeHash !== undefined) return codeHash;
  const hash = createHash('sha256');
  for (const name of MODEL_PACKAGES) {
    const dist = dirname(fileURLToPath(import.meta.resolve(name)));
    for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).sort()) {
      hash.update(`${name}/${file}\0`).update(readFileSync(join(dist, file)));
    }
  }
  codeHash = hash.digest('hex');
  return codeHash;
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
