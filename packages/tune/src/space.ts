// `--space key=lo..hi` (a numeric range; whole numbers for integer keys) or `--space key=a,b,c`
// (a choice): the search space of `cascade tune`, and Latin hypercube samples of it.
import { Rng } from '@cascade/kernel';
import { ConfigError } from '@cascade/scenarios';
import { blame, resolvePoint, type KeyValue, type ScenarioBase } from './base.js';
import { checkKey, scalar } from './grid.js';
import { getPath, keyKind } from './keys.js';

/** Significant digits kept of a sampled real value, so configs read well and repeat exactly. */
export const SAMPLE_DIGITS = 4;

export type Dimension =
  | { readonly key: string; readonly type: 'range'; readonly lo: number; readonly hi: number; readonly integer: boolean; readonly text: string }
  | { readonly key: string; readonly type: 'choice'; readonly texts: readonly string[]; readonly values: readonly KeyValue[]; readonly text: string };

export function parseSpace(base: ScenarioBase, specs: readonly string[], seed: number): Dimension[] {
  if (specs.length === 0) throw new ConfigError('--space: give at least one key=lo..hi (or key=a,b,c) to search');
  const dims: Dimension[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = (eq < 0 ? spec : spec.slice(0, eq)).trim();
    checkKey(base, key, '--space');
    if (eq < 0) throw new ConfigError(`--space ${key}: expected key=lo..hi or key=a,b,c`);
    if (dims.some((d) => d.key === key)) throw new ConfigError(`--space ${key}: given twice`);
    const body = spec.slice(eq + 1).trim();
    const kind = keyKind(base.def, key);
    const where = `--space ${key}=${body}`;
    if (body.includes('..')) {
      if (kind?.type !== 'number') throw new ConfigError(`${where}: ${key} is not a number; give its choices as ${key}=a,b,c`);
      const parts = body.split('..').map((p) => p.trim());
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new ConfigError(`${where}: expected a range lo..hi such as 0..600 or 10s..5m`);
      const [lo, hi] = parts.map((p) => {
        const value = getPath(blame(`${where}: bound ${p}`, key, () => resolvePoint(base, [[key, p]], seed)), key);
        if (typeof value !== 'number') throw new ConfigError(`${where}: bound ${p} is not a number`);
        return value;
      }) as [number, number];
      if (!(lo < hi)) throw new ConfigError(`${where}: empty range; lo must be below hi`);
      dims.push({ key, type: 'range', lo, hi, integer: kind.integer, text: body });
    } else {
      const texts = body.split(',').map((v) => v.trim());
      if (texts.some((t) => t === '')) throw new ConfigError(`${where}: expected lo..hi or choices a,b,c (an empty value)`);
      if (texts.length < 2) throw new ConfigError(`${where}: one value is not a space; give lo..hi or at least two choices a,b`);
      const values = texts.map((t) => scalar(getPath(blame(`${where}: value ${t}`, key, () => resolvePoint(base, [[key, t]], seed)), key), t));
      dims.push({ key, type: 'choice', texts, values, text: body });
    }
  }
  return dims;
}

/** A sampled configuration: key -> value, and the (key, text) assignments that set it. */
export interface Candidate {
  readonly config: Record<string, KeyValue>;
  readonly assignments: readonly (readonly [string, string])[];
}

/**
 * `n` Latin hypercube samples: each dimension is cut into n equal strata and every stratum is hit
 * once, in an order drawn from the search seed. Integers are spread evenly over lo..hi inclusive.
 */
export function latinHypercube(dims: readonly Dimension[], n: number, searchSeed: number): Candidate[] {
  const rng = Rng.forStream(searchSeed, 0);
  const columns = dims.map(() => {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    return order.map((stratum) => (stratum + rng.random()) / n);
  });
  return Array.from({ length: n }, (_, i) => {
    const config: Record<string, KeyValue> = {};
    const assignments: [string, string][] = [];
    dims.forEach((dim, d) => {
      const u = (columns[d] as number[])[i] as number;
      const [value, text] = pick(dim, u);
      config[dim.key] = value;
      assignments.push([dim.key, text]);
    });
    return { config, assignments };
  });
}

/** The value of a dimension at quantile u in [0, 1), and the text that sets it. */
function pick(dim: Dimension, u: number): [KeyValue, string] {
  switch (dim.type) {
    case 'range': {
      if (dim.integer) {
        const value = Math.min(dim.hi, dim.lo + Math.floor(u * (dim.hi - dim.lo + 1)));
        return [value, String(value)];
      }
      const value = Math.min(dim.hi, Math.max(dim.lo, Number((dim.lo + u * (dim.hi - dim.lo)).toPrecision(SAMPLE_DIGITS))));
      return [value, String(value)];
    }
    case 'choice': {
      const i = Math.min(dim.values.length - 1, Math.floor(u * dim.values.length));
      return [dim.values[i] as KeyValue, dim.texts[i] as string];
    }
    default: {
      const never: never = dim;
      throw new Error(`unknown dimension ${JSON.stringify(never)}`);
    }
  }
}
