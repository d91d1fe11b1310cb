// Plain-text tables for the terminal, and the one number format of every human table: counts with
// thousands separators, durations as h/min/s, shares as percentages (`--json` keeps raw numbers).
/** Columns are right-aligned when every cell is a number (digits, separators, units), else left. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+\s*\S{0,3}$|^-$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** 1795862 -> "1,795,862". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A plain number: whole numbers with separators, others to 4 significant digits. */
export function formatNumber(x: number): string {
  return Number.isInteger(x) ? formatCount(x) : Number(x.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 20 });
}

/** Seconds as "3 h 25 min 07 s", "48 min 07 s", "3.98 s", "400 ms" or "1 µs"; "-" when absent. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  if (seconds === 0) return '0 s';
  // 59.95-60 s rounds to a minute but is not one on the clock below
  if (seconds < 60) return belowMinute(seconds, false) ?? '60 s';
  // whole seconds truncated, like a clock (12815.96 s is 02:33:35 past 23:00, not :36)
  const whole = Math.floor(Number(seconds.toFixed(3)));
  const h = Math.floor(whole / 3600);
  const min = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const ss = String(s).padStart(2, '0');
  if (h === 0) return `${min} min ${ss} s`;
  return `${formatCount(h)} h ${String(min).padStart(2, '0')} min${s === 0 ? '' : ` ${ss} s`}`;
}

/**
 * A measured time (wall, CPU): like formatDuration, but below a minute it keeps three significant
 * digits, so 5.996 s reads "6.00 s" beside "7.44 s" and not "6 s", which would look exact.
 */
export function formatElapsed(seconds: number): string {
  if (!(seconds > 0)) return formatDuration(seconds);
  return belowMinute(seconds, true) ?? formatDuration(Math.max(seconds, 60));
}

/**
 * Seconds in µs, ms or s at three significant digits, in the unit the value rounds to (999.6 µs is
 * "1 ms", not "1000 µs"), trailing zeros kept or dropped; null when it rounds to a minute or more.
 */
function belowMinute(seconds: number, keepZeros: boolean): string | null {
  for (const [scale, unit, limit] of [[1e6, 'µs', 1000], [1e3, 'ms', 1000], [1, 's', 60]] as const) {
    const x = Number((seconds * scale).toPrecision(3));
    if (x < limit) return `${keepZeros ? x.toPrecision(3) : x} ${unit}`;
  }
  return null;
}

/** A share as a percentage: 0.997 -> "99.7%"; never rounds a share below 1 up to "100%". */
export function formatPercent(fraction: number): string {
  const percent = Number((fraction * 100).toPrecision(3));
  return percent === 100 && fraction < 1 ? '>99.9%' : `${percent}%`;
}

/** The cores a run kept busy: its CPU time (all threads) over its wall time, "1.19"; null without both. */
export function formatCores(cpuSeconds: number | undefined, wallSeconds: number): string | null {
  return cpuSeconds === undefined || !(wallSeconds > 0) ? null : (cpuSeconds / wallSeconds).toFixed(2);
}

export function formatYesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
