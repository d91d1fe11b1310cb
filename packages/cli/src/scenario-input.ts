// Resolving `--scenario NAME|FILE` plus the common flags into a validated config.
import { ConfigError, DEFAULT_SCENARIO, resolveConfig, scenarioDef, type AnyScenarioDef, type ConfigSources } from '@cascade/scenarios';
import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';

export interface ScenarioFlags {
  readonly scenario?: string;
  readonly set?: string[];
  readonly seed?: number;
  readonly fleet?: string;
  readonly duration?: string;
}

export interface ResolvedScenario {
  readonly def: AnyScenarioDef;
  readonly config: Record<string, unknown>;
  /** Where the scenario came from: a built-in name or a file path. */
  readonly source: string;
}

function looksLikeFile(value: string): boolean {
  return /\.(ya?ml|json)$/i.test(value) || value.includes('/') || existsSync(value);
}

/** Reads a YAML or JSON scenario file: an object with a `scenario: NAME` key. */
export function readScenarioFile(path: string): {
  name: string;
  content: Record<string, unknown>;
  lineOf: (keys: readonly string[]) => number | undefined;
} {
  if (!existsSync(path)) throw new ConfigError(`${path}: no such scenario file`);
  const text = readFileSync(path, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const at = lines.linePos(first.pos[0]);
    throw new ConfigError(`${path}: line ${at.line}: ${first.message.split('\n')[0]}`);
  }
  const content: unknown = doc.toJS();
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new ConfigError(`${path}: expected a mapping of scenario keys, with 'scenario: NAME'`);
  }
  const lineOf = (keys: readonly string[]): number | undefined => {
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    return node?.range === undefined ? undefined : lines.linePos(node.range[0]).line;
  };
  const name = (content as Record<string, unknown>)['scenario'];
  if (typeof name !== 'string') throw new ConfigError(`${path}: line ${lineOf(['scenario']) ?? 1}: key 'scenario' must name a built-in scenario (see 'cascade scenarios')`);
  return { name, content: content as Record<string, unknown>, lineOf };
}

export function resolveScenario(flags: ScenarioFlags): ResolvedScenario {
  const given = flags.scenario ?? DEFAULT_SCENARIO;
  const sources: ConfigSources = { sets: flags.set ?? [], seed: flags.seed, fleet: flags.fleet, duration: flags.duration };
  if (looksLikeFile(given)) {
    const file = readScenarioFile(given);
    let def: AnyScenarioDef;
    try {
      def = scenarioDef(file.name);
    } catch (error) {
      throw new ConfigError(`${given}: line ${file.lineOf(['scenario']) ?? 1}: ${(error as Error).message}`);
    }
    return { def, config: resolveConfig(def, { ...sources, file: { path: given, content: file.content, lineOf: file.lineOf } }) as Record<string, unknown>, source: given };
  }
  const def = scenarioDef(given);
  return { def, config: resolveConfig(def, sources) as Record<string, unknown>, source: given };
}
