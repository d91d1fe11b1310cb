// Writing outputs so that no reader sees half a file: each file goes to a temporary name in its
// folder and is renamed into place, a folder of files is filled in a staging folder and moved in,
// and a failure (disk full included) removes the temporaries and names the path it could not write.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writing an output failed; the message names the path and the system's reason. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code === undefined ? String(e?.message ?? error) : `${e.code} (${e.message.replace(/^[A-Z]+: /, '').replace(/,.*$/, '')})`;
}

/** Writes `data` to `path` through `path.tmp-PID`, renamed into place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new OutputError(`cannot write ${path}: ${reason(error)}`);
  }
}

/** The staging folder's name prefix inside an output folder. */
export const STAGING_PREFIX = '.staging-';

/**
 * Lets `fill` write files into a staging folder inside `dir`, then renames each into `dir`,
 * replacing what was there, the names in `last` at the end (in that order). Returns the names moved.
 */
export async function writeStaged(dir: string, fill: (stage: string) => Promise<void>, last: readonly string[] = []): Promise<string[]> {
  const stage = join(dir, `${STAGING_PREFIX}${process.pid}`);
  try {
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    await fill(stage);
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    if (error instanceof OutputError) throw error;
    const path = (error as NodeJS.ErrnoException)?.path;
    throw new OutputError(`cannot write ${path === undefined ? `into ${dir}` : path.replace(stage, dir)}: ${reason(error)}`);
  }
  const names = readdirSync(stage);
  const ordered = [...names.filter((n) => !last.includes(n)), ...last.filter((n) => names.includes(n))];
  for (const name of ordered) {
    const target = join(dir, name);
    try {
      rmSync(target, { recursive: true, force: true });
      renameSync(join(stage, name), target);
    } catch (error) {
      throw new OutputError(`cannot write ${target}: ${reason(error)}`);
    }
  }
  rmSync(stage, { recursive: true, force: true });
  return ordered;
}
