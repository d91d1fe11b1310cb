// What a worker thread loads before its first event: the partition host and every scenario's
// build, without zod and the configuration schemas (the coordinator resolves the config).
import { WORKER_FILE } from '@cascade/runtime';
import { MODEL_BUILDERS, SCENARIOS, resolveConfig } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

/** A module hook that fails any import of zod, naming the module that asked for it. */
const NO_ZOD = `data:text/javascript,${encodeURIComponent(
  `export async function resolve(specifier, context, next) {
    const found = await next(specifier, context);
    if (found.url.includes('/node_modules/zod/')) throw new Error('zod loaded by ' + context.parentURL);
    return found;
  }`,
)}`;

/** Imports `modules` in a fresh process that refuses zod, then builds each [scenario, config]. */
function importWithoutZod(modules: string[], builds: [string, unknown][] = []) {
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(NO_ZOD)});
    const [modules, builds] = JSON.parse(process.argv[1]);
    let buildModel;
    for (const m of modules) ({ buildModel = buildModel } = await import(m));
    for (const [scenario, config] of builds) buildModel(scenario, config).createActor(0);
  `;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([modules, builds])], { encoding: 'utf8' });
}

test('a worker builds every scenario without loading zod or a schema', () => {
  const builds = [...SCENARIOS.values()].map((def): [string, unknown] => [def.name, resolveConfig(def, {})]);
  const run = importWithoutZod([pathToFileURL(WORKER_FILE).href, import.meta.resolve('@cascade/scenarios/models')], builds);
  assert.equal(run.status, 0, run.stderr);
  // the hook does catch zod: the full package (schemas and all) fails under it
  const full = importWithoutZod([import.meta.resolve('@cascade/scenarios')]);
  assert.notEqual(full.status, 0);
  assert.match(full.stderr, /zod loaded by/);
});

test('the worker entry builds each scenario with the function its definition names', () => {
  assert.deepEqual([...MODEL_BUILDERS.keys()].sort(), [...SCENARIOS.keys()].sort());
  for (const [name, def] of SCENARIOS) assert.equal(MODEL_BUILDERS.get(name), def.build, name);
});
