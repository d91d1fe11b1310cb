// Wall-clock time for plots and the report: simulated seconds since t=0 shown in the scenario's own
// UTC offset, or as time since the start when the scenario has no clock.

export interface WallClock {
  /** epoch milliseconds of t=0 */
  readonly startMs: number;
  /** the clock's UTC offset in minutes (PDT: -420) */
  readonly offsetMinutes: number;
  /** `UTC-07:00` */
  readonly offsetLabel: string;
}

/** Parses an ISO-8601 time with its offset (`2025-10-19T23:48:00-07:00`, or `Z`); null if absent or bad. */
export function parseClock(start: string | null | undefined): WallClock | null {
  if (typeof start !== 'string') return null;
  const match = /(Z|([+-])(\d\d):?(\d\d))$/.exec(start);
  const startMs = Date.parse(start);
  if (match === null || !Number.isFinite(startMs)) return null;
  const offsetMinutes = match[1] === 'Z' ? 0 : (match[2] === '-' ? -1 : 1) * (Number(match[3]) * 60 + Number(match[4]));
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offsetLabel = `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { startMs, offsetMinutes, offsetLabel };
}

/**
 * A simulated time as a "shifted" epoch: plotted on a UTC scale, it reads as the clock's local
 * wall-clock time, whatever the time zone of the machine that renders it.
 */
export function shiftedMs(clock: WallClock, seconds: number): number {
  return clock.startMs + clock.offsetMinutes * 60_000 + seconds * 1000;
}

/** `02:25:00` (plus `+1d` past midnight) in the clock's offset; `9420 s` without a clock. */
export function formatSimTime(seconds: number, clock: WallClock | null): string {
  if (clock === null) return `${formatNumber(seconds)} s`;
  const ms = shiftedMs(clock, seconds);
  const d = new Date(ms);
  const day0 = Math.floor(shiftedMs(clock, 0) / 86_400_000);
  const days = Math.floor(ms / 86_400_000) - day0;
  const hms = d.toISOString().slice(11, 19);
  return days === 0 ? hms : `${hms} ${days > 0 ? '+' : ''}${days}d`;
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return Number(value.toPrecision(4)).toString();
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${formatNumber(seconds)} s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s).padStart(2, '0')} s`;
}

/** `05:28` on the clock (`+1d` past its first day), or `1:10:20` since the start without a clock. */
export function formatWhen(seconds: number, clock: WallClock | null): string {
  if (clock === null) {
    const whole = Math.round(seconds);
    const m = Math.floor((whole % 3600) / 60);
    return `${Math.floor(whole / 3600)}:${String(m).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
  }
  const text = formatSimTime(Math.round(seconds / 60) * 60, clock);
  return text.replace(/^(\d\d:\d\d):\d\d/, '$1');
}

/** `+1 h 05 min`, `-20 s`, `±0 s`: how far a time or a duration moved. */
export function formatChange(seconds: number): string {
  const abs = Math.round(Math.abs(seconds));
  if (abs === 0) return '±0 s';
  return `${seconds < 0 ? '−' : '+'}${formatDuration(abs)}`;
}
