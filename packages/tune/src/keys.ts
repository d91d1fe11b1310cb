// The settable keys of a scenario, read from its zod schema through zod's public JSON Schema
// export: each key's kind (number, enum, boolean), bounds, unit and meaning. Used to check
// --vary/--space keys, to sample a search space, to suggest a key for a typo and by `cascade keys`.
import type { AnyScenarioDef } from '@cascade/scenarios';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';

export type KeyKind =
  | { readonly type: 'number'; readonly integer: boolean }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'boolean' }
  /** `schemaType`: the JSON Schema type of the value ('array', 'object', 'union', ...). */
  | { readonly type: 'other'; readonly schemaType: string };

/** One kind of value a key accepts; a key accepts any of its specs (a union, or a value or null). */
export type ValueSpec =
  | {
      readonly type: 'number';
      readonly integer: boolean;
      readonly minimum?: number;
      readonly exclusiveMinimum?: number;
      readonly maximum?: number;
      readonly exclusiveMaximum?: number;
    }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'boolean' }
  | { readonly type: 'const'; readonly value: unknown }
  | { readonly type: 'null' }
  | { readonly type: 'other'; readonly schemaType: string };

/** One leaf key of a scenario's schema. */
export interface KeyInfo {
  readonly key: string;
  readonly kind: KeyKind;
  /** What one value may be (for a list: what each item may be). */
  readonly accepts: readonly ValueSpec[];
  /** A list of values (comma-separated on the command line). */
  readonly list: boolean;
  /** 's' for durations (they also accept 500ms, 30s, 15m, 16h), or a unit the schema states. */
  readonly unit: string | null;
  /** The schema's one-line meaning (`.describe()` / `.meta({ description })`), if it has one. */
  readonly description: string | null;
}

/** The parts of a JSON Schema (draft 2020-12, as zod writes it) this file reads. */
interface JsonNode {
  readonly type?: string;
  readonly properties?: Record<string, JsonNode>;
  readonly anyOf?: readonly JsonNode[];
  readonly items?: JsonNode;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly description?: string;
  readonly unit?: string;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly exclusiveMaximum?: number;
}

/** zod writes the safe-integer range as the bounds of every `.int()`: not a bound worth showing. */
const SAFE = Number.MAX_SAFE_INTEGER;
const BOUNDS = ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'] as const;

/** The schema as the values it produces (defaults, bounds) and as the text it accepts (units). */
interface Views {
  readonly output: JsonNode;
  readonly input: JsonNode;
}

const viewsCache = new WeakMap<AnyScenarioDef, Views>();

function views(def: AnyScenarioDef): Views {
  let v = viewsCache.get(def);
  if (v === undefined) {
    // Transforms (durations, counts) are not JSON Schema; 'any' keeps the rest of the schema.
    const json = (io: 'input' | 'output') => z.toJSONSchema(def.schema, { io, unrepresentable: 'any' }) as JsonNode;
    v = { output: json('output'), input: json('input') };
    viewsCache.set(def, v);
  }
  return v;
}

/** The branches of a `T | null`, with the null branch removed; other unions stay as they are. */
function withoutNull(node: JsonNode): { node: JsonNode; nullable: boolean } {
  const branches = node.anyOf;
  if (branches === undefined) return { node, nullable: node.type === 'null' };
  const rest = branches.filter((b) => b.type !== 'null');
  if (rest.length === 1 && rest.length < branches.length) return { node: { ...node, ...(rest[0] as JsonNode), anyOf: undefined }, nullable: true };
  return { node, nullable: false };
}

function objectProperties(node: JsonNode): Record<string, JsonNode> | undefined {
  return withoutNull(node).node.properties;
}

/** The node at a dotted key in one view, or undefined when the key does not exist. */
function nodeAt(root: JsonNode, path: readonly string[]): JsonNode | undefined {
  let cur: JsonNode | undefined = root;
  for (const part of path) {
    cur = cur === undefined ? undefined : objectProperties(cur)?.[part];
    if (cur === undefined) return undefined;
  }
  return cur;
}

function kindOf(output: JsonNode, input: JsonNode | undefined): KeyKind {
  if (output.anyOf !== undefined) return { type: 'other', schemaType: 'union' };
  if (output.enum !== undefined && output.enum.every((v) => typeof v === 'string')) return { type: 'enum', values: output.enum };
  switch (output.type) {
    case 'number':
    case 'integer':
      // counts ("250k") declare the whole number on the text side, their bounds on the value side
      return { type: 'number', integer: output.type === 'integer' || input?.type === 'integer' };
    case 'boolean':
      return { type: 'boolean' };
    default:
      return { type: 'other', schemaType: output.type ?? 'unknown' };
  }
}

/** Every dotted leaf key of the scenario's schema, in schema order. */
export function scenarioKeys(def: AnyScenarioDef): string[] {
  const out: string[] = [];
  const walk = (node: JsonNode, prefix: string, depth: number): void => {
    const props = objectProperties(node);
    if (props === undefined || depth > 32) {
      out.push(prefix);
      return;
    }
    for (const [k, child] of Object.entries(props)) walk(child, prefix === '' ? k : `${prefix}.${k}`, depth + 1);
  };
  walk(views(def).output, '', 0);
  return out;
}

/** The kind of value at a dotted key, or undefined when the scenario has no such key. */
export function keyKind(def: AnyScenarioDef, key: string): KeyKind | undefined {
  const { output, input } = views(def);
  const path = key.split('.');
  const at = nodeAt(output, path);
  if (at === undefined) return undefined;
  const inputAt = nodeAt(input, path);
  return kindOf(withoutNull(at).node, inputAt === undefined ? undefined : withoutNull(inputAt).node);
}

function specOf(output: JsonNode, input: JsonNode | undefined): ValueSpec {
  if (output.const !== undefined) return { type: 'const', value: output.const };
  if (output.type === 'null') return { type: 'null' };
  const kind = kindOf(output, input);
  if (kind.type !== 'number') return kind;
  const bounds: { minimum?: number; exclusiveMinimum?: number; maximum?: number; exclusiveMaximum?: number } = {};
  for (const name of BOUNDS) {
    const b = output[name];
    if (b !== undefined && Math.abs(b) < SAFE) bounds[name] = b;
  }
  return { ...kind, ...bounds };
}

/** The branches of a node (one unless it is a union), paired with the input view's where they line up. */
function branches(output: JsonNode, input: JsonNode | undefined): [JsonNode, JsonNode | undefined][] {
  const outs = output.anyOf ?? [output];
  const ins = input === undefined ? [] : (input.anyOf ?? [input]);
  return outs.map((o, i) => [o, ins.length === outs.length ? ins[i] : undefined]);
}

/** Everything the schema says about each leaf key, in schema order. */
export function scenarioKeyInfo(def: AnyScenarioDef): KeyInfo[] {
  const { output, input } = views(def);
  return scenarioKeys(def).map((key) => {
    const path = key.split('.');
    const out = nodeAt(output, path) as JsonNode;
    const inp = nodeAt(input, path);
    const list = out.type === 'array' && out.items !== undefined;
    // a list's unit, kinds and bounds are those of its items
    const value = list ? out.items : out;
    const valueInput = list ? inp?.items : inp;
    const pairs = branches(value, valueInput);
    const unit = pairs.flatMap(([o, i]) => [o.unit, i?.unit]).find((u) => u !== undefined) ?? null;
    return {
      key,
      kind: keyKind(def, key) as KeyKind,
      accepts: pairs.map(([o, i]) => specOf(o, i)),
      list,
      unit,
      description: out.description ?? inp?.description ?? null,
    };
  });
}

/** The closest known key to a mistyped one (edit distance), for "did you mean". */
export function closestKey(def: AnyScenarioDef, key: string): string | undefined {
  return closest(key, scenarioKeys(def));
}

/**
 * The candidate nearest to `name` by edit distance, if any is near enough to be a typo: at most 2
 * edits, or 40% of the part of `name` after what it shares with the candidate (so `phold.speed`
 * is not taken for `phold.lps`).
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(name, candidate);
    let shared = 0;
    while (shared < name.length && name[shared] === candidate[shared]) shared++;
    if (d <= Math.max(2, Math.floor((name.length - shared) * 0.4)) && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
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
