// What kind of value a scenario key holds, read from the scenario's zod schema: numbers (whole or
// not), enums, booleans. Used to check --vary/--space keys and to sample a search space.
import type { AnyScenarioDef } from '@cascade/scenarios';

export type KeyKind =
  | { readonly type: 'number'; readonly integer: boolean }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'boolean' }
  | { readonly type: 'other'; readonly zodType: string };

/** The parts of a zod 4 schema definition this file reads. */
interface SchemaDef {
  readonly type: string;
  readonly innerType?: SchemaNode;
  readonly in?: SchemaNode;
  readonly out?: SchemaNode;
  readonly shape?: Record<string, SchemaNode>;
  readonly entries?: Record<string, string>;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check?: string; readonly format?: string } } }[];
}

interface SchemaNode {
  readonly _zod: { readonly def: SchemaDef };
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch']);
const INTEGER_FORMATS = new Set(['safeint', 'int32', 'uint32', 'int64', 'uint64']);

/** Follows defaults, optionals and pipes to the schema that finally checks the value. */
function unwrap(node: SchemaNode): SchemaNode {
  let cur = node;
  for (let depth = 0; depth < 32; depth++) {
    const def = cur._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType !== undefined) cur = def.innerType;
    else if (def.type === 'pipe' && def.out !== undefined) cur = def.out;
    else return cur;
  }
  throw new Error('scenario schema nests wrappers more than 32 deep');
}

/** True when some number check on the way to the value demands a whole number. */
function demandsInteger(node: SchemaNode, depth = 0): boolean {
  if (depth > 32) return false;
  const def = node._zod.def;
  if (def.type === 'number' && (def.checks ?? []).some((c) => c._zod.def.format !== undefined && INTEGER_FORMATS.has(c._zod.def.format))) return true;
  return [def.innerType, def.in, def.out].some((child) => child !== undefined && demandsInteger(child, depth + 1));
}

/** Every dotted leaf key of the scenario's schema, in schema order. */
export function scenarioKeys(def: AnyScenarioDef): string[] {
  const out: string[] = [];
  const walk = (node: SchemaNode, prefix: string): void => {
    const s = unwrap(node);
    const shape = s._zod.def.type === 'object' ? s._zod.def.shape : undefined;
    if (shape === undefined) {
      out.push(prefix);
      return;
    }
    for (const [k, child] of Object.entries(shape)) walk(child, prefix === '' ? k : `${prefix}.${k}`);
  };
  walk(def.schema as unknown as SchemaNode, '');
  return out;
}

/** The kind of value at a dotted key, or undefined when the scenario has no such key. */
export function keyKind(def: AnyScenarioDef, key: string): KeyKind | undefined {
  let node = def.schema as unknown as SchemaNode;
  const path = key.split('.');
  let field: SchemaNode = node;
  for (const part of path) {
    const s = unwrap(node);
    const shape = s._zod.def.type === 'object' ? s._zod.def.shape : undefined;
    const next = shape?.[part];
    if (next === undefined) return undefined;
    field = next;
    node = next;
  }
  const leaf = unwrap(field)._zod.def;
  switch (leaf.type) {
    case 'number':
      return { type: 'number', integer: demandsInteger(field) };
    case 'enum':
      return { type: 'enum', values: Object.values(leaf.entries ?? {}) };
    case 'boolean':
      return { type: 'boolean' };
    default:
      return { type: 'other', zodType: leaf.type };
  }
}

/** The closest known key to a mistyped one (edit distance), for "did you mean". */
export function closestKey(def: AnyScenarioDef, key: string): string | undefined {
  return closest(key, scenarioKeys(def));
}

/** The candidate nearest to `name` by edit distance, if any is near enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const key = name;
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(key.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** Reads a dotted key of a resolved config. */
export function getPath(obj: unknown, dotted: string): unknown {
  let cur = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
