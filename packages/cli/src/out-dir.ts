// Default output folders: runs/<name>-<UTC timestamp>.
import { join, resolve } from 'node:path';

export function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The folder to write into: the one given, else runs/<name>-<timestamp>. */
export function outDir(given: string | undefined, name: string): string {
  return resolve(given ?? join('runs', `${name}-${timestamp()}`));
}
