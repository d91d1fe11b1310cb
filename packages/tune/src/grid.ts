// `--vary key=v1,v2,...`: the axes of a sweep, each value checked against the scenario, and the
// full grid of their combinations.
import { ConfigError } from '@cascade/scenarios';
import { blame, resolvePoint, type KeyValue, type ScenarioBase } from './base.js';
import { closestKey, getPath, keyKind } from './keys.js';

/** Axes above this many points in all are refused (a typo like 1..1000000 in a list). */
export const GRID_POINTS_MAX = 100_000;

export interface Axis {
  readonly key: string;
  /** The values as typed. */
  readonly texts: readonly string[];
  /** The values as resolved (seconds for durations, numbers for counts). */
  readonly values: readonly KeyValue[];
}

export interface GridPoint {
  /** key -> resolved value, in axis order */
  readonly vary: Record<string, KeyValue>;
  /** (key, text) pairs to apply on top of the base */
  readonly assignments: readonly (readonly [string, string])[];
}

/** Checks that `key` exists in the scenario and may be varied; `flag` names the option in errors. */
export function checkKey(base: ScenarioBase, key: string, flag: string): void {
  if (key === '') throw new ConfigError(`${flag}: expected key=values`);
  if (key === 'seed') throw new ConfigError(`${flag} seed: the seed is not a key to vary; use --seeds K`);
  if (keyKind(base.def, key) === undefined) {
    const near = closestKey(base.def, key);
    throw new ConfigError(`${flag} ${key}: unknown key for scenario '${base.def.name}'${near === undefined ? '' : ` (did you mean ${near}?)`}`);
  }
}

/** Parses the --vary options; every value is validated against the scenario on its own. */
export function parseAxes(base: ScenarioBase, varies: readonly string[], seed: number): Axis[] {
  if (varies.length === 0) throw new ConfigError('--vary: give at least one key=v1,v2,... to sweep');
  const axes: Axis[] = [];
  for (const text of varies) {
    const eq = text.indexOf('=');
    const key = (eq < 0 ? text : text.slice(0, eq)).trim();
    checkKey(base, key, '--vary');
    if (eq < 0) throw new ConfigError(`--vary ${key}: expected key=v1,v2,...`);
    if (axes.some((a) => a.key === key)) throw new ConfigError(`--vary ${key}: given twice; list all its values in one --vary`);
    const texts = text.slice(eq + 1).split(',').map((v) => v.trim());
    if (texts.some((v) => v === '')) throw new ConfigError(`--vary ${key}=${text.slice(eq + 1)}: an empty value; separate values with single commas`);
    const values = texts.map((v) => {
      const config = blame(`--vary ${key}=${v}`, key, () => resolvePoint(base, [[key, v]], seed));
      return scalar(getPath(config, key), v);
    });
    const dup = values.findIndex((v, i) => values.indexOf(v) !== i);
    if (dup >= 0) throw new ConfigError(`--vary ${key}: value ${texts[dup] as string} is given twice (same as ${texts[values.indexOf(values[dup] as KeyValue)] as string})`);
    axes.push({ key, texts, values });
  }
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > GRID_POINTS_MAX) throw new ConfigError(`--vary: the grid has ${points} points, more than ${GRID_POINTS_MAX}; vary fewer keys or values`);
  return axes;
}

/** Every combination of the axes' values; the first axis changes slowest. */
export function expandGrid(axes: readonly Axis[]): GridPoint[] {
  let points: GridPoint[] = [{ vary: {}, assignments: [] }];
  for (const axis of axes) {
    const next: GridPoint[] = [];
    for (const p of points) {
      axis.values.forEach((value, i) => {
        next.push({ vary: { ...p.vary, [axis.key]: value }, assignments: [...p.assignments, [axis.key, axis.texts[i] as string]] });
      });
    }
    points = next;
  }
  return points;
}

/** A value as it appears in outputs: the resolved scalar, or the text for lists and objects. */
export function scalar(value: unknown, text: string): KeyValue {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : text;
}

/** `key=value key=value`, for messages and labels. */
export function describePoint(vary: Record<string, KeyValue>): string {
  return Object.entries(vary).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}
