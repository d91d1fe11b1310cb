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

/** The longest error line printed: a value with spaces in it is cut here. */
const LINE_CHARS_MAX = 1000;

/** An error line with every long word (a value without spaces) clipped, and the line itself bounded. */
export function clipLine(line: string): string {
  const clipped = line.replace(/\S{101,}/g, (word) => {
    const quote = /^['"]/.test(word) && word.endsWith(word[0] as string) ? (word[0] as string) : '';
    return quote === '' ? clip(word) : `${quote}${clip(word.slice(1, -1))}${quote}`;
  });
  return clipped.length <= LINE_CHARS_MAX ? clipped : `${clipped.slice(0, LINE_CHARS_MAX - 3)}...`;
}
