// metrics.om: a run's time series as OpenMetrics text, each sample stamped at the wall-clock time
// of its sample interval's start, so `promtool tsdb create-blocks-from openmetrics` backfills it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEpoch } from './epoch.js';
import { readRunFolder } from './report.js';
import { parseSeriesName, seriesMeaning, seriesSubsystem, type SeriesMeaning } from './series-catalog.js';
import type { SeriesTable } from './timeseries.js';

export const OPENMETRICS_FILE = 'metrics.om';

/** Characters of the run digest carried in the `run` label: tells runs of one scenario and seed apart. */
const RUN_LABEL_CHARS = 12;

interface Family {
  readonly meaning: SeriesMeaning;
  readonly base: string;
  /** [column index, labels of that column] */
  readonly columns: [number, string][];
}

/** The OpenMetrics text of a run: its summary (scenario, seed, digest, clock) and its series table. */
export function openMetricsText(summary: Record<string, unknown>, table: SeriesTable): string {
  const epoch = runEpoch(summary);
  const runLabels = [
    ['scenario', String(summary['scenario'])],
    ['seed', String(summary['seed'])],
    ['run', String(summary['digest']).slice(0, RUN_LABEL_CHARS)],
  ] as const;
  const timestamps = table.timeS.map((s) => formatTimestamp(epoch.startMs + Math.round(s * 1000)));
  const step = table.timeS.length >= 2 ? (table.timeS[1] as number) - (table.timeS[0] as number) : null;
  const stamped = `one sample per ${step === null ? '' : `${step} s `}sample interval, stamped at its start`;

  const lines: string[] = [];
  lines.push('# TYPE cascade_run info');
  const source = epoch.source === 'scenario' ? "the scenario's clock" : 'the scenario has no clock: a stated epoch';
  lines.push(`# HELP cascade_run ${escapeHelp(`The run these series come from; clock_start is the wall-clock time of t = 0 (${source}); ${stamped}.`)}`);
  const info = labelText([...runLabels, ['clock_start', epoch.start], ['clock_source', epoch.source]]);
  for (const ts of timestamps) lines.push(`cascade_run_info${info} 1 ${ts}`);

  for (const family of families(table.names, runLabels)) {
    const { metric, unit, help } = family.meaning;
    lines.push(`# TYPE ${metric} gauge`);
    if (unit !== null) lines.push(`# UNIT ${metric} ${unit}`);
    lines.push(`# HELP ${metric} ${escapeHelp(`${help}. timeseries.csv column ${family.base}; ${stamped}.`)}`);
    for (const [index, labels] of family.columns) {
      const column = table.columns[index] as readonly (number | null)[];
      for (let row = 0; row < column.length; row++) {
        const value = column[row];
        if (value === null || value === undefined) continue;
        lines.push(`${metric}${labels} ${value} ${timestamps[row] as string}`);
      }
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

export interface OpenMetricsExport {
  readonly path: string;
  /** metric families, the run's info family included */
  readonly families: number;
  readonly samples: number;
}

/** `cascade export DIR --format openmetrics`: rewrites DIR/metrics.om from the run folder's files. */
export function exportOpenMetrics(dir: string): OpenMetricsExport {
  const { summary, table } = readRunFolder(dir);
  const path = join(dir, OPENMETRICS_FILE);
  const text = openMetricsText(summary, table);
  writeFileSync(path, text);
  let families = 0;
  let samples = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) families++;
    else if (line !== '' && !line.startsWith('#')) samples++;
  }
  return { path, families, samples };
}

/** Columns grouped into metric families (a family per base name; labelled columns share it), sorted by metric name. */
function families(names: readonly string[], runLabels: readonly (readonly [string, string])[]): Family[] {
  const byBase = new Map<string, Family>();
  const usedMetrics = new Map<string, string>();
  names.forEach((name, index) => {
    const { base, labels } = parseSeriesName(name);
    let family = byBase.get(base);
    if (family === undefined) {
      let meaning = seriesMeaning(base);
      // two bases that spell the same metric name (`a.b`, `a_b`) must stay two families
      for (let n = 2; usedMetrics.has(meaning.metric); n++) meaning = { ...meaning, metric: `${seriesMeaning(base).metric}_${n}`, unit: null };
      usedMetrics.set(meaning.metric, base);
      family = { meaning, base, columns: [] };
      byBase.set(base, family);
    }
    family.columns.push([index, labelText([...runLabels, ['subsystem', seriesSubsystem(base)], ...labels])]);
  });
  return [...byBase.values()].sort((a, b) => (a.meaning.metric < b.meaning.metric ? -1 : a.meaning.metric > b.meaning.metric ? 1 : 0));
}

function labelText(labels: readonly (readonly [string, string])[]): string {
  return `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

/** Epoch seconds with exact milliseconds (`1760943600`, `1760943600.5`): never a rounded float. */
function formatTimestamp(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const rest = ms - seconds * 1000;
  return rest === 0 ? String(seconds) : `${seconds}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}
