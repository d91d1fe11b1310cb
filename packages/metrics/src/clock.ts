// Wall-clock time for plots: simulated seconds since t=0 shown in the scenario's own UTC offset,
// and the official timeline of the October 2025 incident (INCIDENT.md, PDT).

export const INCIDENT_SCENARIO = 'us-east-1-2025-10-20';

/** The official phases, PDT (UTC-07:00), 19-20 October 2025. */
export const OFFICIAL_PHASES: readonly { name: string; label: string; start: string; end: string }[] = [
  { name: 'dns', label: 'DNS race (11:48 PM – 2:25 AM)', start: '2025-10-19T23:48:00-07:00', end: '2025-10-20T02:25:00-07:00' },
  { name: 'dwfm', label: 'DWFM collapse (2:25 – 5:28 AM)', start: '2025-10-20T02:25:00-07:00', end: '2025-10-20T05:28:00-07:00' },
  { name: 'network', label: 'Network Manager backlog (6:21 – 10:36 AM)', start: '2025-10-20T06:21:00-07:00', end: '2025-10-20T10:36:00-07:00' },
  { name: 'nlb', label: 'NLB flapping (5:30 AM – 2:09 PM)', start: '2025-10-20T05:30:00-07:00', end: '2025-10-20T14:09:00-07:00' },
];

/** t=0 assumed for the official lanes when a run of the incident scenario has no clock. */
export const INCIDENT_START = '2025-10-19T23:48:00-07:00';

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
