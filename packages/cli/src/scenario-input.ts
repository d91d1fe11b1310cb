// Resolving `--scenario NAME|FILE` plus the common flags into a validated config. Scenario files
// are bounded: a regular file, at most SCENARIO_FILE_BYTES_MAX, few YAML aliases.
import { ConfigError, DEFAULT_SCENARIO, clip, resolveConfig, scenarioDef, type AnyScenarioDef, type ConfigSources } from '@cascade/scenarios';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';

/** Scenario files are a few hundred lines; anything larger is refused before parsing. */
export const SCENARIO_FILE_BYTES_MAX = 1 << 20;
/** YAML aliases (`*name`) a scenario file may use: enough for sharing, too few for an alias bomb. */
export const SCENARIO_ALIASES_MAX = 100;

/** The text of a small regular file; anything else is a ConfigError naming the file. */
function readBounded(path: string): string {
  const where = clip(path);
  const stat = statSync(path);
  if (stat.isDirectory()) throw new ConfigError(`${where}: is a folder, not a scenario file`);
  if (!stat.isFile()) throw new ConfigError(`${where}: not a regular file (a device or pipe); give a YAML or JSON scenario file`);
  if (stat.size > SCENARIO_FILE_BYTES_MAX) throw new ConfigError(`${where}: ${stat.size} bytes; a scenario file may have at most ${SCENARIO_FILE_BYTES_MAX} bytes`);
  // Read at most one byte past the limit, whatever the file grew to since.
  const buffer = Buffer.alloc(SCENARIO_FILE_BYTES_MAX + 1);
  const fd = openSync(path, 'r');
  let length = 0;
  try {
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
  } finally {
    closeSync(fd);
  }
  if (length > SCENARIO_FILE_BYTES_MAX) throw new ConfigError(`${where}: a scenario file may have at most ${SCENARIO_FILE_BYTES_MAX} bytes`);
  return buffer.toString('utf8', 0, length);
}

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
  const where = clip(path);
  if (!existsSync(path)) throw new ConfigError(`${where}: no such scenario file`);
  const text = readBounded(path);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const at = lines.linePos(first.pos[0]);
    throw new ConfigError(`${where}: line ${at.line}: ${clip(first.message.split('\n')[0] as string)}`);
  }
  let content: unknown;
  try {
    content = doc.toJS({ maxAliasCount: SCENARIO_ALIASES_MAX });
  } catch (error) {
    throw new ConfigError(`${where}: ${clip((error as Error).message)}; a scenario file may use at most ${SCENARIO_ALIASES_MAX} YAML aliases`);
  }
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new ConfigError(`${where}: expected a mapping of scenario keys, with 'scenario: NAME'`);
  }
  const lineOf = (keys: readonly string[]): number | undefined => {
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    return node?.range === undefined ? undefined : lines.linePos(node.range[0]).line;
  };
  const name = (content as Record<string, unknown>)['scenario'];
  if (typeof name !== 'string') throw new ConfigError(`${where}: line ${lineOf(['scenario']) ?? 1}: key 'scenario' must name a built-in scenario (see 'cascade scenarios')`);
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
      throw new ConfigError(`${clip(given)}: line ${file.lineOf(['scenario']) ?? 1}: ${(error as Error).message}`);
    }
    return { def, config: resolveConfig(def, { ...sources, file: { path: given, content: file.content, lineOf: file.lineOf } }) as Record<string, unknown>, source: given };
  }
  const def = scenarioDef(given);
  return { def, config: resolveConfig(def, sources) as Record<string, unknown>, source: given };
}
