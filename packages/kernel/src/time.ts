// Simulated time is an integer count of microseconds held in a JS number (exact to 2^53 µs).

export type TimeUs = number;

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
