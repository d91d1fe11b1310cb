// Errors the CLI maps to exit codes (bad usage or input exits 2, a failed run exits 1), and the
// "did you mean" hint of a misspelled command, flag, scenario or key.
import { closest } from '@cascade/tune';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERRUPTED = 130;

/** Longest piece of a user's value quoted back in a message. */
const ECHO_CHARS_MAX = 100;

/** A user's value for a message, cut to a readable length. */
export function echo(text: string): string {
  return text.length <= ECHO_CHARS_MAX ? text : `${text.slice(0, ECHO_CHARS_MAX)}...`;
}

/** " (did you mean X?)" for the candidate nearest to a typo, else `otherwise` (what is allowed). */
export function didYouMean(name: string, candidates: readonly string[], otherwise: string): string {
  const near = closest(name, candidates);
  return near === undefined ? otherwise : ` (did you mean ${near}?)`;
}
