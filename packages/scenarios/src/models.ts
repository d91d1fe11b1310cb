// `@cascade/scenarios/models`: what a worker thread loads to build a model from a config the
// coordinator already resolved. It holds every scenario's build and none of their schemas: zod and
// the schemas take about 150 ms to load, which each worker of a run would pay before its first event.
import type { Model } from '@cascade/kernel';
import { buildDnsRace } from './dns-race-model.js';
import { ConfigError, clip } from './errors.js';
import { buildLeaseStorm } from './lease-storm-model.js';
import { buildPhold } from './phold-model.js';
import { US_EAST_1 } from './us-east-1-constants.js';
import { buildUsEast1 } from './us-east-1-wiring.js';

/** Each built-in scenario's build, by name (the same functions as the scenario definitions'). */
export const MODEL_BUILDERS: ReadonlyMap<string, (config: never) => Model> = new Map<string, (config: never) => Model>([
  ['phold', buildPhold],
  ['dns-race', buildDnsRace],
  ['lease-storm', buildLeaseStorm],
  [US_EAST_1, buildUsEast1],
]);

/** Builds a model from an already resolved config (what each worker thread calls). */
export function buildModel(scenario: string, config: unknown): Model {
  const build = MODEL_BUILDERS.get(scenario) as ((config: unknown) => Model) | undefined;
  if (build === undefined) throw new ConfigError(`scenario '${clip(scenario)}' is unknown; built-in: ${[...MODEL_BUILDERS.keys()].join(', ')}`);
  return build(config);
}
