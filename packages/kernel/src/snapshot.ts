// Snapshots of actor state for checkpoints, without any help from the model: an actor's object
// graph is turned into plain, msgpack-encodable data (class names, fields, typed arrays, Maps,
// Sets, shared references), and restored onto the prototypes found in a freshly built actor.
// Kernel objects an actor keeps (its Rng, the Metrics) become markers and are re-linked.
import { Metrics } from './metrics.js';
import { Rng } from './rng.js';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

type Node =
  | null
  | boolean
  | number
  | string
  | ArrayBufferView
  | { $ref: number }
  | { $id: number; $arr: Node[] }
  | { $id: number; $map: [Node, Node][] }
  | { $id: number; $set: Node[] }
  | { $id: number; $class: string; $f: Record<string, Node> }
  | { $rng: 1 }
  | { $metrics: 1 }
  | { $undef: 1 }
  | { $fn: 1 };

const MAX_DEPTH = 64;

// Shared through the global object, so that a second copy of this module (a loader that sees the
// package twice) still sees every registration.
const REGISTRY = Symbol.for('cascade.snapshotClasses');
const registered: Map<string, object> = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new Map<string, object>()) as Map<string, object>;

/**
 * Makes classes restorable even when a freshly built actor holds no instance of them (objects an
 * actor creates later, e.g. buffers made on demand). Call once, at module level, beside the class.
 */
export function registerSnapshotClasses(...classes: (abstract new (...args: never[]) => unknown)[]): void {
  for (const cls of classes) registered.set(cls.name, cls.prototype as object);
}

/** Encodes an actor's state. Throws SnapshotError for what cannot be captured. */
export function snapshotActor(actor: object): Node {
  const ids = new Map<object, number>();
  const encode = (value: unknown, path: string, depth: number): Node => {
    if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
    if (value === undefined) return { $undef: 1 };
    if (typeof value === 'function') return { $fn: 1 };
    if (typeof value !== 'object') throw new SnapshotError(`${path}: cannot capture a ${typeof value}`);
    if (depth > MAX_DEPTH) throw new SnapshotError(`${path}: state nested deeper than ${MAX_DEPTH}`);
    if (value instanceof Rng) return { $rng: 1 };
    if (value instanceof Metrics) return { $metrics: 1 };
    if (ArrayBuffer.isView(value)) return value;
    const seen = ids.get(value);
    if (seen !== undefined) return { $ref: seen };
    const id = ids.size;
    ids.set(value, id);
    if (Array.isArray(value)) return { $id: id, $arr: value.map((v, i) => encode(v, `${path}[${i}]`, depth + 1)) };
    if (value instanceof Map) {
      return { $id: id, $map: [...value].map(([k, v], i) => [encode(k, `${path}<key ${i}>`, depth + 1), encode(v, `${path}<${String(k)}>`, depth + 1)]) };
    }
    if (value instanceof Set) return { $id: id, $set: [...value].map((v, i) => encode(v, `${path}{${i}}`, depth + 1)) };
    const proto = Object.getPrototypeOf(value) as object | null;
    const name = proto === null || proto === Object.prototype ? '' : ((proto as { constructor?: { name?: string } }).constructor?.name ?? '?');
    const fields: Record<string, Node> = {};
    for (const key of Object.keys(value)) fields[key] = encode((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    return { $id: id, $class: name, $f: fields };
  };
  return encode(actor, 'actor', 0);
}

/** What restoring needs from the kernel: the actor's own Rng and the partition's Metrics. */
export interface KernelRefs {
  readonly rng: Rng;
  readonly metrics: Metrics;
}

/**
 * Restores `data` onto `fresh`, an actor just built by the model: its prototypes (and closures)
 * are reused, every captured field is overwritten.
 */
export function restoreActor(fresh: object, data: unknown, refs: KernelRefs, actorName: string): void {
  const prototypes = collectPrototypes(fresh);
  const objects = new Map<number, unknown>();
  const decode = (node: unknown, freshValue: unknown, path: string): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (ArrayBuffer.isView(node)) return node;
    const n = node as Record<string, unknown>;
    if ('$ref' in n) {
      if (!objects.has(n['$ref'] as number)) throw new SnapshotError(`${actorName}: ${path}: dangling reference`);
      return objects.get(n['$ref'] as number);
    }
    if ('$undef' in n) return undefined;
    if ('$fn' in n) {
      if (typeof freshValue !== 'function') throw new SnapshotError(`${actorName}: ${path}: a function the fresh actor does not have`);
      return freshValue;
    }
    if ('$rng' in n) return refs.rng;
    if ('$metrics' in n) return refs.metrics;
    const id = n['$id'] as number;
    if ('$arr' in n) {
      const out: unknown[] = [];
      objects.set(id, out);
      const freshArr = Array.isArray(freshValue) ? freshValue : [];
      (n['$arr'] as unknown[]).forEach((v, i) => out.push(decode(v, freshArr[i], `${path}[${i}]`)));
      return out;
    }
    if ('$map' in n) {
      const out = new Map<unknown, unknown>();
      objects.set(id, out);
      for (const [k, v] of n['$map'] as [unknown, unknown][]) out.set(decode(k, undefined, `${path}<key>`), decode(v, undefined, `${path}<value>`));
      return out;
    }
    if ('$set' in n) {
      const out = new Set<unknown>();
      objects.set(id, out);
      for (const v of n['$set'] as unknown[]) out.add(decode(v, undefined, `${path}{}`));
      return out;
    }
    if ('$class' in n) {
      const name = n['$class'] as string;
      let target: Record<string, unknown>;
      if (path === 'actor') {
        target = fresh as Record<string, unknown>;
      } else if (name === '') {
        target = {};
      } else {
        const proto = prototypes.get(name) ?? registered.get(name);
        if (proto === undefined) {
          throw new SnapshotError(`${actorName}: ${path}: class ${name} is not reachable from a fresh actor; register it with registerSnapshotClasses`);
        }
        target = Object.create(proto) as Record<string, unknown>;
      }
      objects.set(id, target);
      const freshObj = freshValue !== null && typeof freshValue === 'object' ? (freshValue as Record<string, unknown>) : {};
      for (const [key, v] of Object.entries(n['$f'] as Record<string, unknown>)) target[key] = decode(v, freshObj[key], `${path}.${key}`);
      return target;
    }
    throw new SnapshotError(`${actorName}: ${path}: unreadable snapshot node`);
  };
  const root = data as { $class?: string } | null;
  const freshName = (Object.getPrototypeOf(fresh) as { constructor: { name: string } }).constructor.name;
  if (root === null || typeof root !== 'object' || root.$class !== freshName) {
    throw new SnapshotError(`${actorName}: snapshot is of a ${String(root?.$class)}, the model builds a ${freshName}`);
  }
  decode(data, fresh, 'actor');
}

/** Every class prototype reachable from `root`, by constructor name. */
function collectPrototypes(root: object): Map<string, object> {
  const found = new Map<string, object>();
  const seen = new Set<object>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > MAX_DEPTH || ArrayBuffer.isView(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    if (value instanceof Map) {
      for (const [k, v] of value) {
        visit(k, depth + 1);
        visit(v, depth + 1);
      }
      return;
    }
    if (value instanceof Set) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    if (proto !== null && proto !== Object.prototype && proto.constructor?.name) found.set(proto.constructor.name, proto);
    for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], depth + 1);
  };
  visit(root, 0);
  return found;
}
