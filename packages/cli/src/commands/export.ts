// `cascade export DIR --format openmetrics`: rewrite a run folder's data in another tool's format
// (today OpenMetrics: DIR/metrics.om, for `promtool tsdb create-blocks-from openmetrics`).
import { exportOpenMetrics } from '@cascade/metrics';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

export const EXPORT_FORMATS = ['openmetrics'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function exportCommand(dir: string, flags: { format: ExportFormat; json?: boolean; quiet?: boolean }): number {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${dir}: not a run folder (no such directory)`);
  let result;
  try {
    result = exportOpenMetrics(folder);
  } catch (error) {
    // A missing or malformed file of the folder is bad input, named by its path.
    throw new UsageError((error as Error).message);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ format: flags.format, ...result })}\n`);
  else if (!flags.quiet) process.stdout.write(`${flags.format}: ${result.path} (${result.families} metric families, ${result.samples.toLocaleString('en-US')} samples)\n`);
  return 0;
}
