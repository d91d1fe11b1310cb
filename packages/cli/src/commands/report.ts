// `cascade report DIR`: rebuild report.html and the plots from a run folder's files.
import { buildReport } from '@cascade/metrics';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

export async function reportCommand(dir: string, flags: { json?: boolean; quiet?: boolean }): Promise<number> {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${dir}: not a run folder (no such directory)`);
  let result;
  try {
    result = await buildReport(folder);
  } catch (error) {
    // A missing or malformed file of the folder is bad input, named by its path.
    throw new UsageError((error as Error).message);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ report: result.htmlPath, charts: Object.keys(result.charts).length })}\n`);
  else if (!flags.quiet) process.stdout.write(`report: ${result.htmlPath} (${Object.keys(result.charts).length} charts)\n`);
  return 0;
}
