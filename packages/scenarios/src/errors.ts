// Bad input: what was wrong and where. The CLI prints the message as one line and exits 2.
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The most of a value an error message echoes. */
export const ECHO_CHARS_MAX = 100;

/** A value as error messages echo it: at most ECHO_CHARS_MAX characters, with its length when cut. */
export function clip(value: string): string {
  if (value.length <= ECHO_CHARS_MAX) return value;
  return `${value.slice(0, ECHO_CHARS_MAX - 3)}... (${value.length} characters)`;
}
