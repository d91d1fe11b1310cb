// The fixed part of a sweep or a search (scenario, file, --set, --fleet, --duration) and the
// resolution of one point of it into a validated config.
import { ConfigError, resolveConfig, type AnyScenarioDef } from '@cascade/scenarios';

/** What every run of a sweep or search shares. */
export interface ScenarioBase {
  readonly def: AnyScenarioDef;
  /** The scenario file's content when --scenario named a file. */
  readonly file?: { readonly path: string; readonly content: Record<string, unknown> };
  /** `--set key=value` pairs, applied before the varied keys. */
  readonly sets?: readonly string[];
  readonly fleet?: string;
  readonly duration?: string;
}

/** A varied key's value as it appears in outputs: the resolved config's value (seconds for durations). */
export type KeyValue = number | string | boolean;

/** The base as recorded in a results log, to recognise the same command on a rerun. */
export function describeBase(base: ScenarioBase): Record<string, unknown> {
  return {
    scenario: base.def.name,
    file: base.file?.content ?? null,
    sets: base.sets ?? [],
    fleet: base.fleet ?? null,
    duration: base.duration ?? null,
  };
}

/** The validated config of the base with `assignments` (key, text) applied and the run's seed. */
export function resolvePoint(base: ScenarioBase, assignments: readonly (readonly [string, string])[], seed: number): Record<string, unknown> {
  return resolveConfig(base.def, {
    file: base.file,
    sets: [...(base.sets ?? []), ...assignments.map(([key, text]) => `${key}=${text}`)],
    seed,
    fleet: base.fleet,
    duration: base.duration,
  }) as Record<string, unknown>;
}

/** Runs `fn`; a ConfigError it throws is re-thrown prefixed with `where` (dropping a repeated key). */
export function blame<T>(where: string, key: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const message = error.message.startsWith(`${key}: `) ? error.message.slice(key.length + 2) : error.message;
    throw new ConfigError(`${where}: ${message}`);
  }
}
