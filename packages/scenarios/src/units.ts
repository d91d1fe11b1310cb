// Human units at the edge: durations ("500ms", "30s", "15m", "16h" or seconds) and counts
// ("1e6", "250k", "1M"). Inside, durations are seconds in configs and integer µs in models.
import { z } from 'zod';

const DURATION_RE = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(us|µs|ms|s|m|h|d)?\s*$/i;
const DURATION_UNIT_S: Record<string, number> = { us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

export const DURATION_HELP = 'a duration such as 500ms, 30s, 15m, 16h, or a number of seconds';

/**
 * The longest duration a key may hold: simulated time is whole µs in a JS number, exact to 2^53 µs
 * (285 years); half of that leaves room for any time plus any delay. About 142 years.
 */
export const MAX_DURATION_S = Math.floor(Number.MAX_SAFE_INTEGER / 2 / 1e6);

/** Seconds in `text`, or undefined when it is not a finite duration. */
export function parseDurationSeconds(text: string): number | undefined {
  const m = DURATION_RE.exec(text);
  if (m === null) return undefined;
  const unit = (m[2] ?? 's').toLowerCase();
  const seconds = Number(m[1]) * (DURATION_UNIT_S[unit] as number);
  return Number.isFinite(seconds) ? seconds : undefined;
}

const COUNT_RE = /^\s*(\d+(?:\.\d+)?(?:e\+?\d+)?)\s*([kKmMgG])?\s*$/;
const COUNT_MULTIPLIER: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9 };

export const COUNT_HELP = 'a whole number such as 10000, 1e6, 250k or 1M';

/** The whole number in `text` ("1e6", "250k", "1M"), or undefined. */
export function parseCount(text: string): number | undefined {
  const m = COUNT_RE.exec(text);
  if (m === null) return undefined;
  const value = Number(m[1]) * (m[2] === undefined ? 1 : (COUNT_MULTIPLIER[m[2].toLowerCase()] as number));
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A duration in seconds: accepts a number of seconds or a string with a unit. */
export function duration() {
  return z.preprocess(
    (v) => (typeof v === 'string' ? (parseDurationSeconds(v) ?? Number.NaN) : v),
    z
      .number({ error: `expected ${DURATION_HELP}` })
      .nonnegative({ error: 'must be >= 0' })
      .max(MAX_DURATION_S, { error: `must be at most ${MAX_DURATION_S} s (about 142 years: simulated time is whole µs, exact to 2^53)` }),
  ).meta({ unit: 's' }); // read by `cascade keys` through z.toJSONSchema
}

/** A whole count: accepts a number or "250k", "1e6", "1M". */
export function count() {
  return z.preprocess(
    (v) => (typeof v === 'string' ? (parseCount(v) ?? Number.NaN) : v),
    z.number({ error: `expected ${COUNT_HELP}` }).int({ error: `expected ${COUNT_HELP}` }),
  );
}

/** A duration that must be above zero; `what` says what it is, in the error. */
export function positiveDuration(what: string) {
  return duration().pipe(z.number().positive({ error: `must be > 0 (${what})` }));
}
