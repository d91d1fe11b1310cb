// The build of the model code a result depends on: cached replays are keyed by it, and checkpoints
// record it, so that state saved by one build is never restored into another's actors.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODEL_PACKAGES = ['@cascade/kernel', '@cascade/fleet', '@cascade/dns', '@cascade/operator', '@cascade/scenarios', '@cascade/metrics'];

let codeHash: string | undefined;

/** SHA-256 over the built code of every package a run's result depends on. */
export function modelCodeHash(): string {
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
