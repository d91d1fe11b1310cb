// Simulated time is an integer count of microseconds held in a JS number (exact to 2^53 µs).

export type TimeUs = number;

/**
 * 0 µs as a double. A field that will hold times past 2^31 µs (about 36 minutes) starts at this,
 * not at 0: V8 keeps a field's representation from its first value, so a field that starts as a
 * small integer changes representation when it first holds a later time. That happens mid-run,
 * where every object of the class then gets a new hidden class and the optimised code that uses
 * them is thrown away (and was seen to bail out thousands of times before V8 compiled it again).
 * -0 equals 0 in every comparison and sum; it is not a small integer to V8.
 */
export const ZERO_US: TimeUs = -0;

export const US_PER_MS = 1_000;
export const US_PER_S = 1_000_000;

/** Converts seconds (possibly fractional) to whole microseconds, rounding to nearest. */
export function secondsToUs(seconds: number): TimeUs {
  return Math.round(seconds * US_PER_S);
}

export function usToSeconds(timeUs: TimeUs): number {
  return timeUs / US_PER_S;
}

/** Formats a simulated time for messages: `1234.567890s`. */
export function formatUs(timeUs: TimeUs): string {
  const sign = timeUs < 0 ? '-' : '';
  const abs = Math.abs(timeUs);
  const whole = Math.floor(abs / US_PER_S);
  const frac = String(abs % US_PER_S).padStart(6, '0');
  return `${sign}${whole}.${frac}s`;
}
