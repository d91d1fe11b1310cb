// A scenario config as flat `dotted.key = value` rows, the form `--set` takes, and which of them
// are recovery policies and safety switches.

export interface ConfigRow {
  readonly key: string;
  /** as `--set` would take it: lists comma-separated */
  readonly value: string;
}

/** Depth limit: configs are shallow; deeper nesting is printed as JSON. */
const DEPTH_MAX = 12;

export function flattenConfig(config: unknown): ConfigRow[] {
  const rows: ConfigRow[] = [];
  const walk = (value: unknown, key: string, depth: number): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < DEPTH_MAX) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0 && key !== '') rows.push({ key, value: '{}' });
      for (const [k, v] of entries) walk(v, key === '' ? k : `${key}.${k}`, depth + 1);
      return;
    }
    rows.push({ key: key === '' ? '(config)' : key, value: formatValue(value) });
  };
  walk(config, '', 0);
  return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.every((v) => v === null || typeof v !== 'object') ? value.map(String).join(',') : JSON.stringify(value);
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** Roots and names of the knobs a what-if changes (DESIGN.md: policies, safety switches, operator). */
const POLICY_ROOTS = ['policy', 'policies', 'safety', 'operator'];
const POLICY_NAMES = ['velocityControl', 'throttle', 'stagger', 'backoff', 'restartAt'];

export function isPolicyKey(key: string): boolean {
  const parts = key.split('.');
  return POLICY_ROOTS.includes(parts[0] as string) || parts.some((p) => POLICY_NAMES.includes(p));
}
