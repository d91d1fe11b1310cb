// The axes of `cascade map`: `--x KEY=LO..HI` (a numeric range searched for the boundary),
// `--y KEY=LO..HI` (MAP_Y_POINTS evenly spaced rows) or `--y KEY=a,b,c`, and `--resolution R`.
import { ConfigError } from '@cascade/scenarios';
import { blame, resolvePoint, type KeyValue, type ScenarioBase } from './base.js';
import { checkKey, scalar } from './grid.js';
import { getPath, keyKind } from './keys.js';

/** Rows of a `--y KEY=LO..HI` range (ends included). */
export const MAP_Y_POINTS = 5;
/** Rows at most (a list or a range). */
export const MAP_ROWS_MAX = 100;
/** The boundary's precision when --resolution is not given. */
export const MAP_RESOLUTION_DEFAULT = '1%';

export interface MapX {
  readonly key: string;
  readonly lo: number;
  readonly hi: number;
  /** Whole numbers only (fleet.droplets): bisection stops at adjacent integers. */
  readonly integer: boolean;
  readonly text: string;
}

export interface MapY {
  readonly key: string;
  readonly values: readonly KeyValue[];
  /** The text that sets each value. */
  readonly texts: readonly string[];
  readonly text: string;
}

/** The boundary's bracket is narrowed until its width is at most `value` (x units) or `value` times its midpoint. */
export type Resolution = { readonly kind: 'absolute'; readonly value: number; readonly text: string } | { readonly kind: 'relative'; readonly value: number; readonly text: string };

/** --fleet and --duration are applied after every --set, so an axis over their key would be overridden. */
function checkNotFixed(base: ScenarioBase, key: string, flag: string): void {
  if (base.fleet !== undefined && key === base.def.fleetKey) throw new ConfigError(`${flag} ${key}: --fleet ${base.fleet} fixes it too; drop --fleet to map over ${key}`);
  if (base.duration !== undefined && key === 'duration') throw new ConfigError(`${flag} duration: --duration ${base.duration} fixes it too; drop --duration to map over it`);
}

/** A bound or value as the scenario resolves it (seconds for durations), with the flag in errors. */
function resolveNumber(base: ScenarioBase, key: string, text: string, where: string, seed: number): number {
  const value = getPath(blame(`${where}: ${text}`, key, () => resolvePoint(base, [[key, text]], seed)), key);
  if (typeof value !== 'number') throw new ConfigError(`${where}: ${text} is not a number`);
  return value;
}

function range(base: ScenarioBase, key: string, body: string, where: string, seed: number): [number, number] {
  const parts = body.split('..').map((p) => p.trim());
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new ConfigError(`${where}: expected a range LO..HI such as 1000..20000 or 10s..5m`);
  const [lo, hi] = parts.map((p) => resolveNumber(base, key, p, where, seed)) as [number, number];
  if (!(lo < hi)) throw new ConfigError(`${where}: empty range; LO must be below HI`);
  return [lo, hi];
}

export function parseMapX(base: ScenarioBase, spec: string | undefined, seed: number): MapX {
  if (spec === undefined || spec.trim() === '') throw new ConfigError('--x: required; give KEY=LO..HI, e.g. --x fleet.droplets=1000..50000');
  const eq = spec.indexOf('=');
  const key = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  checkKey(base, key, '--x');
  checkNotFixed(base, key, '--x');
  const body = eq < 0 ? '' : spec.slice(eq + 1).trim();
  const where = `--x ${key}=${body}`;
  const kind = keyKind(base.def, key);
  if (kind?.type !== 'number') throw new ConfigError(`--x ${key}: not a numeric key; the boundary is searched along a number (e.g. fleet.droplets, outage.end)`);
  if (!body.includes('..')) throw new ConfigError(`${where}: expected a range LO..HI such as 1000..20000 or 10s..5m`);
  const [lo, hi] = range(base, key, body, where, seed);
  return { key, lo, hi, integer: kind.integer, text: body };
}

export function parseMapY(base: ScenarioBase, spec: string | undefined, x: MapX, seed: number): MapY | null {
  if (spec === undefined) return null;
  const eq = spec.indexOf('=');
  const key = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  checkKey(base, key, '--y');
  checkNotFixed(base, key, '--y');
  if (key === x.key) throw new ConfigError(`--y ${key}: the same key as --x; give two different keys`);
  const body = eq < 0 ? '' : spec.slice(eq + 1).trim();
  const where = `--y ${key}=${body}`;
  if (body === '') throw new ConfigError(`${where}: expected KEY=LO..HI or KEY=a,b,c`);
  if (body.includes('..')) {
    const kind = keyKind(base.def, key);
    if (kind?.type !== 'number') throw new ConfigError(`${where}: ${key} is not a number; list its values as ${key}=a,b,c`);
    const [lo, hi] = range(base, key, body, where, seed);
    const values: number[] = [];
    for (let i = 0; i < MAP_Y_POINTS; i++) {
      const v = lo + ((hi - lo) * i) / (MAP_Y_POINTS - 1);
      const rounded = kind.integer ? Math.round(v) : Number(v.toPrecision(6));
      if (!values.includes(rounded)) values.push(rounded);
    }
    for (const v of values) resolveNumber(base, key, String(v), where, seed);
    return { key, values, texts: values.map(String), text: body };
  }
  const texts = body.split(',').map((t) => t.trim());
  if (texts.some((t) => t === '')) throw new ConfigError(`${where}: an empty value; separate values with single commas`);
  if (texts.length > MAP_ROWS_MAX) throw new ConfigError(`${where}: ${texts.length} values, more than ${MAP_ROWS_MAX}`);
  const values = texts.map((t) => scalar(getPath(blame(`${where}: ${t}`, key, () => resolvePoint(base, [[key, t]], seed)), key), t));
  const dup = values.findIndex((v, i) => values.indexOf(v) !== i);
  if (dup >= 0) throw new ConfigError(`${where}: value ${texts[dup] as string} is given twice`);
  return { key, values, texts, text: body };
}

/** `R` in x's units (a number, or a duration for a duration key) or `P%` of the boundary's value. */
export function parseResolution(base: ScenarioBase, text: string | undefined, x: MapX, seed: number): Resolution {
  const given = (text ?? MAP_RESOLUTION_DEFAULT).trim();
  const where = `--resolution ${given}`;
  if (given.endsWith('%')) {
    const pct = Number(given.slice(0, -1));
    if (given.length === 1 || !Number.isFinite(pct) || pct <= 0 || pct >= 100) throw new ConfigError(`${where}: expected a percentage above 0 and below 100, such as 0.5%`);
    return { kind: 'relative', value: pct / 100, text: given };
  }
  let value = Number(given);
  if (!Number.isFinite(value)) {
    // a duration such as 30s for a duration key: resolved the way the key itself would be
    const resolved = getPath(blame(where, x.key, () => resolvePoint(base, [[x.key, given]], seed)), x.key);
    if (typeof resolved !== 'number') throw new ConfigError(`${where}: expected a number in ${x.key}'s units or a percentage such as 0.5%`);
    value = resolved;
  }
  if (!(value > 0)) throw new ConfigError(`${where}: expected a precision above 0 (in ${x.key}'s units) or a percentage such as 0.5%`);
  if (value >= x.hi - x.lo) throw new ConfigError(`${where}: not below the width of --x (${x.hi - x.lo}); give a finer precision`);
  return { kind: 'absolute', value, text: given };
}
