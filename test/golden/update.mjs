#!/usr/bin/env node
// Rewrites test/golden/digests.json from the current models (one thread each).
import { runSingle } from '@cascade/kernel';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import { writeFileSync } from 'node:fs';
import { GOLDEN_CASES } from './cases.mjs';

const digests = {};
for (const c of GOLDEN_CASES) {
  const def = scenarioDef(c.scenario);
  digests[c.name] = runSingle(def.build(resolveConfig(def, { fleet: c.fleet, sets: c.sets }))).digest;
  process.stdout.write(`${c.name} ${digests[c.name]}\n`);
}
writeFileSync(new URL('./digests.json', import.meta.url), `${JSON.stringify(digests, null, 2)}\n`);
