// `cascade keys`: every key a scenario lets `--set` change, with its default, unit, allowed values
// and one line of meaning, all read from the scenario's schema (so new keys show up by themselves).
import { DEFAULT_SCENARIO, resolveConfig, scenarioDef, type AnyScenarioDef } from '@cascade/scenarios';
import { getPath, scenarioKeyInfo, type KeyInfo, type ValueSpec } from '@cascade/tune';
import { formatDuration, formatNumber, formatTable } from '../table.js';

/** Shown for a key whose schema field has no `.describe()`. */
const NO_DESCRIPTION = '(not described in the schema)';

interface KeyEntry {
  readonly key: string;
  /** The resolved default: seconds for durations, a list for list keys, null for "never". */
  readonly default: unknown;
  readonly unit: string | null;
  readonly list: boolean;
  /** What one value (one item of a list) may be: numbers with bounds, enums, booleans, constants, null. */
  readonly accepts: readonly ValueSpec[];
  /** The same, as text for `--set`. */
  readonly allowed: string;
  readonly description: string | null;
  /** Settings the key needs to apply (e.g. `operator.mode=timetable`); its default is read with them. */
  readonly requires: readonly string[];
}

/**
 * How null is spelled for a key: the first of `never`, `null` that `--set` takes, else `null`,
 * which only a scenario file can give.
 */
function nullWord(def: AnyScenarioDef, key: string): { word: string; onCommandLine: boolean } {
  for (const word of ['never', 'null']) {
    try {
      resolveConfig(def, { sets: [...(def.keyRequires?.[key] ?? []), `${key}=${word}`] });
      return { word, onCommandLine: true };
    } catch {
      // not this word
    }
  }
  return { word: 'null', onCommandLine: false };
}

function range(spec: Extract<ValueSpec, { type: 'number' }>, format: (x: number) => string): string {
  const lo = spec.minimum ?? spec.exclusiveMinimum;
  const hi = spec.maximum ?? spec.exclusiveMaximum;
  if (spec.minimum !== undefined && spec.maximum !== undefined) return `${format(spec.minimum)}..${format(spec.maximum)}`;
  const parts = [
    lo === undefined ? '' : `${spec.minimum === undefined ? '>' : '>='} ${format(lo)}`,
    hi === undefined ? '' : `${spec.maximum === undefined ? '<' : '<='} ${format(hi)}`,
  ];
  return parts.filter((p) => p !== '').join(', ');
}

function specText(spec: ValueSpec, unit: string | null, nullText: string): string {
  switch (spec.type) {
    case 'number': {
      if (unit === 's') return `duration ${range(spec, formatDuration)}`.trim();
      return `${spec.integer ? 'whole number' : 'number'} ${range(spec, formatNumber)}`.trim();
    }
    case 'enum':
      return spec.values.join(' | ');
    case 'boolean':
      return 'true | false';
    case 'const':
      return String(spec.value);
    case 'null':
      return nullText;
    case 'other':
      return spec.schemaType;
    default: {
      const never: never = spec;
      throw new Error(`unexpected value spec ${JSON.stringify(never)}`);
    }
  }
}

/** A key's entry, and how null reads for it in the table. */
interface KeyRow {
  readonly entry: KeyEntry;
  readonly nullText: string;
}

function keyRows(def: AnyScenarioDef): KeyRow[] {
  const config: unknown = resolveConfig(def, {});
  return scenarioKeyInfo(def).map((k: KeyInfo) => {
    const requires = def.keyRequires?.[k.key] ?? [];
    const spelled = k.accepts.some((s) => s.type === 'null') ? nullWord(def, k.key) : { word: 'null', onCommandLine: true };
    const nullText = spelled.word;
    const one = k.accepts.map((s) => specText(s, k.unit, spelled.onCommandLine ? nullText : `${nullText} (in a scenario file)`)).join(' | ');
    const entry = {
      key: k.key,
      default: getPath(requires.length === 0 ? config : resolveConfig(def, { sets: [...requires] }), k.key),
      requires,
      unit: k.unit,
      list: k.list,
      accepts: k.accepts,
      allowed: k.list ? `comma-separated list of: ${one}` : one,
      description: k.description,
    };
    return { entry, nullText };
  });
}

/** A default in the table's number format: durations as h/min/s, counts with separators. */
function defaultText(row: KeyRow, value: unknown): string {
  if (value === null) return row.nullText;
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : value.map((v) => defaultText(row, v)).join(',');
  if (typeof value === 'number') return row.entry.unit === 's' ? formatDuration(value) : formatNumber(value);
  return typeof value === 'string' || typeof value === 'boolean' || value === undefined ? String(value) : JSON.stringify(value);
}

export function keysCommand(flags: { scenario?: string; json?: boolean }): number {
  const def = scenarioDef(flags.scenario ?? DEFAULT_SCENARIO);
  const rows = keyRows(def);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ scenario: def.name, keys: rows.map((r) => r.entry) }, null, 2)}\n`);
    return 0;
  }
  const cells = rows.map((r) => {
    const meaning = r.entry.description ?? NO_DESCRIPTION;
    return [r.entry.key, defaultText(r, r.entry.default), r.entry.unit ?? '', r.entry.allowed, r.entry.requires.length === 0 ? meaning : `${meaning} (with ${r.entry.requires.join(' ')})`];
  });
  process.stdout.write(
    `${def.name}: ${rows.length} keys; set them with --set key=value (durations take 500ms, 30s, 15m, 16h or seconds)\n\n` +
      `${formatTable(['key', 'default', 'unit', 'allowed', 'meaning'], cells)}\n`,
  );
  return 0;
}
