// Golden digests: each built-in scenario at a small size must give the committed digest. A change
// that alters a model's results fails here until test/golden/digests.json is rewritten on purpose.
import { simulate } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GOLDEN_CASES } from './golden/cases.mjs';

const golden = JSON.parse(readFileSync(new URL('./golden/digests.json', import.meta.url), 'utf8')) as Record<string, string>;
const SCENARIOS = import.meta.resolve('@cascade/scenarios');

test('every golden case has a committed digest, and every committed digest a case', () => {
  assert.deepEqual(Object.keys(golden).sort(), GOLDEN_CASES.map((c) => c.name).sort());
});

for (const c of GOLDEN_CASES) {
  test(`${c.name} gives its golden digest on 2 threads`, async () => {
    const def = scenarioDef(c.scenario);
    const config = resolveConfig(def, { fleet: c.fleet, sets: c.sets });
    const run = await simulate({ modelModule: SCENARIOS, scenario: c.scenario, config, threads: 2 });
    assert.equal(run.digest, golden[c.name], `${c.name}: the model's results changed (node test/golden/update.mjs rewrites the table on purpose)`);
  });
}
