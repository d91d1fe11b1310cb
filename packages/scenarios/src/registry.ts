// Scenario definitions and the config pipeline: schema defaults <- scenario file <- --set and
// the common flags, validated once by the scenario's zod schema.
import type { Model } from '@cascade/kernel';
import { z } from 'zod';
import { ConfigError, clip } from './errors.js';
import { parseCount } from './units.js';

export interface ScenarioDef<C = unknown> {
  readonly name: string;
  readonly description: string;
  /** Validates a raw config and fills defaults; rejects unknown keys. */
  readonly schema: z.ZodType<C>;
  /** Dotted key that `--fleet N` sets, if the scenario has a fleet size. */
  readonly fleetKey?: string;
  /**
   * Keys that only apply together with other settings (`key -> ['other.key=value', ...]`), e.g. a
   * timetable time that needs `operator.mode=timetable`; their defaults are read in that setting.
   */
  readonly keyRequires?: Readonly<Record<string, readonly string[]>>;
  /**
   * A back-of-the-envelope estimate of a run's peak memory in bytes (one thread), checked before
   * a run starts. Measured figures behind each estimate are in the scenario's file.
   */
  estimateMemoryBytes?(config: C): number;
  /**
   * Threads a run takes when none are asked for, given the machine's cores: fewer than the cores
   * where more measured slower (benchmarks/README.md); the cores when absent.
   */
  threadsFor?(config: C, cores: number): number;
  /**
   * What really happened, for a scenario that replays an incident: its phases in seconds of
   * simulated time. The CLI hands them to the report as summary.json's `official`, outside the
   * model's summary (and so outside the digest).
   */
  readonly official?: OfficialTimes;
  build(config: C): Model;
}

export interface OfficialTimes {
  /** where the times come from */
  readonly source: string;
  readonly phases: readonly { readonly name: string; readonly title: string; readonly start: number; readonly end: number }[];
}

/** A scenario definition with its config type erased, for the registry. */
export type AnyScenarioDef = ScenarioDef<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ConfigSources {
  /** Parsed scenario file content, its path, and where each key sits, for messages. */
  readonly file?: {
    readonly path: string;
    readonly content: Record<string, unknown>;
    /** 1-based line of the value at a key path, when known. */
    readonly lineOf?: (path: readonly string[]) => number | undefined;
  };
  /** `--set key=value` pairs, in order. */
  readonly sets?: readonly string[];
  readonly seed?: number;
  readonly fleet?: string;
  readonly duration?: string;
}

/** Resolves and validates a scenario config. Throws ConfigError naming the source and key. */
export function resolveConfig<C>(def: ScenarioDef<C>, sources: ConfigSources): C {
  const raw: Record<string, unknown> = structuredClone(sources.file?.content ?? {});
  delete raw['scenario'];
  for (const pair of sources.sets ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set ${clip(pair)}: expected key=value`);
    const key = pair.slice(0, eq).trim();
    applySet(def, raw, key, pair.slice(eq + 1), `--set ${clip(key)}`);
  }
  if (sources.fleet !== undefined) {
    if (def.fleetKey === undefined) throw new ConfigError(`--fleet ${clip(sources.fleet)}: scenario '${def.name}' has no fleet size`);
    const n = parseCount(sources.fleet);
    if (n === undefined || n < 1) throw new ConfigError(`--fleet ${clip(sources.fleet)}: expected a whole number >= 1 such as 10000, 1e6, 250k or 1M`);
    setPath(raw, def.fleetKey.split('.'), n);
  }
  if (sources.seed !== undefined) raw['seed'] = sources.seed;
  if (sources.duration !== undefined) raw['duration'] = sources.duration;
  const parsed = def.schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    let keyPath = issue.path.map(String);
    let text = issueText(issue);
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeys(def.schema, keyPath);
      keyPath = [...keyPath, issue.keys[0] as string];
      text = `unknown key${allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ''}`;
    }
    const key = keyPath.join('.');
    const given = key === '' ? undefined : getPath(raw, keyPath);
    let where = clip(key) || '(config)';
    if (sources.file !== undefined && wasInFile(sources.file.content, keyPath)) {
      const line = sources.file.lineOf?.(keyPath) ?? sources.file.lineOf?.(keyPath.slice(0, -1));
      where = `${clip(sources.file.path)}:${line === undefined ? '' : ` line ${line}:`} ${key}`;
    }
    const got = given === undefined ? '' : ` (got ${clip(JSON.stringify(given) ?? typeof given)})`;
    throw new ConfigError(`${where}: ${text}${got}`);
  }
  return parsed.data;
}

/** The keys the schema allows in the object at `path`. */
function objectKeys(schema: AnySchema, path: readonly string[]): string[] {
  const at = schemaAt(schema, path);
  const shape = (at?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key '${issue.keys.join("', '")}'`;
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

function wasInFile(content: Record<string, unknown>, path: string[]): boolean {
  return getPath(content, path) !== undefined || (path.length > 0 && getPath(content, path.slice(0, -1)) !== undefined);
}

function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const part of path.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[path[path.length - 1] as string] = value;
}

/** Sets `key` from a `--set` string, converted by the type the schema has at that key. */
function applySet(def: AnyScenarioDef, raw: Record<string, unknown>, key: string, text: string, where: string): void {
  const path = key.split('.');
  const leaf = schemaAt(def.schema, path);
  if (leaf === undefined) throw new ConfigError(`${where}: unknown key for scenario '${def.name}'`);
  setPath(raw, path, convert(leaf, text.trim()));
}

type AnySchema = z.core.$ZodType;

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: AnySchema; out?: AnySchema };
    if ((def.type === 'default' || def.type === 'prefault' || def.type === 'optional' || def.type === 'nullable') && def.innerType) {
      s = def.innerType;
    } else if (def.type === 'pipe' && def.out) {
      s = def.out;
    } else {
      return s;
    }
  }
}

function schemaAt(schema: AnySchema, path: readonly string[]): AnySchema | undefined {
  let s = unwrap(schema);
  for (const part of path) {
    const def = s._zod.def as { type: string; shape?: Record<string, AnySchema> };
    if (def.type !== 'object' || def.shape === undefined) return undefined;
    const next = def.shape[part];
    if (next === undefined) return undefined;
    s = unwrap(next);
  }
  return s;
}

function convert(leaf: AnySchema, text: string): unknown {
  const def = leaf._zod.def as { type: string; element?: AnySchema };
  switch (def.type) {
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'array':
      return text === '' ? [] : text.split(',').map((part) => (def.element ? convert(unwrap(def.element), part.trim()) : part.trim()));
    default:
      return text;
  }
}
