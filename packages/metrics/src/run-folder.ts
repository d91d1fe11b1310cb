// Writes a finished run as the run folder of CONTRACT.md. summary.json comes last: a folder
// without it is visibly unfinished, whatever else a failed write left behind.
import type { SlotCounts } from '@cascade/kernel';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { epochNote, runEpoch } from './epoch.js';
import { encodeHistogram, hgrmText, histogramFileBase, type Histogram } from './histograms.js';
import { hlogText } from './hlog.js';
import { OPENMETRICS_FILE, openMetricsText } from './openmetrics.js';
import { REPLAY_DIR, SEQUENCE_FILE, renderReport, type ReportResult } from './report.js';
import type { SequenceInput } from './sequence-chart.js';
import type { RunData } from './story.js';
import { missingSummaryFields, type Summary } from './summary.js';
import { formatTimeseriesCsv, seriesTable, type SparseSeries } from './timeseries.js';
import { writeTrace } from './trace.js';

/** A finished run, as the runtime hands it over. */
export interface RunOutput {
  /** the full summary.json object (buildSummary) */
  readonly summary: Summary;
  /** the fully resolved scenario config */
  readonly config: unknown;
  /** width of a time-series bucket */
  readonly sampleIntervalUs: number;
  readonly endUs: number;
  readonly series: Record<string, SparseSeries>;
  /** hdr-histogram-js histograms, values in µs */
  readonly histograms: Record<string, Histogram>;
  /**
   * name -> sample-interval index -> the counts of that interval (the kernel's
   * `MergedMetrics.intervals`); without it each .hlog holds the whole run as one interval
   */
  readonly intervals?: Record<string, Record<number, SlotCounts>>;
  /** a what-if's replay: kept in the run folder's replay/ and drawn behind this run in the report */
  readonly replay?: { readonly summary: Summary; readonly series: Record<string, SparseSeries> };
  /** the events that led to the run's violation, kept as sequence.json and drawn as a swimlane chart */
  readonly sequence?: SequenceInput;
}

export interface WriteOptions {
  /** write report.html and plots/* (default true; `--no-report` sets false) */
  readonly report?: boolean;
  /** also write the run as Trace Event JSON to this file (`--trace FILE`) */
  readonly trace?: string;
}

export interface RunFolderResult {
  readonly dir: string;
  /** chart id -> data marks drawn; empty without a report */
  readonly charts: Record<string, number>;
  /** events in the trace file; null without one */
  readonly traceEvents: number | null;
}

export async function writeRunFolder(dir: string, output: RunOutput, options: WriteOptions = {}): Promise<RunFolderResult> {
  const missing = missingSummaryFields(output.summary);
  if (missing.length > 0) throw new Error(`summary lacks ${missing.join(', ')}: build it with buildSummary`);
  mkdirSync(dir, { recursive: true });
  // A stale summary.json from an earlier run in the same folder would make this one look finished.
  rmSync(join(dir, 'summary.json'), { force: true });

  writeFileSync(join(dir, 'config.json'), JSON.stringify(output.config, null, 2) + '\n');
  const table = seriesTable(output.series, output.sampleIntervalUs, output.endUs);
  writeFileSync(join(dir, 'timeseries.csv'), formatTimeseriesCsv(table));
  writeFileSync(join(dir, OPENMETRICS_FILE), openMetricsText(output.summary, table));
  const traceEvents = options.trace === undefined ? null : writeTrace(options.trace, output.summary, table);

  let replay: RunData | null = null;
  rmSync(join(dir, REPLAY_DIR), { recursive: true, force: true });
  if (output.replay !== undefined) {
    replay = { summary: output.replay.summary, table: seriesTable(output.replay.series, output.sampleIntervalUs, output.endUs) };
    mkdirSync(join(dir, REPLAY_DIR));
    writeFileSync(join(dir, REPLAY_DIR, 'timeseries.csv'), formatTimeseriesCsv(replay.table));
    writeFileSync(join(dir, REPLAY_DIR, 'summary.json'), JSON.stringify(output.replay.summary, null, 2) + '\n');
  }

  rmSync(join(dir, SEQUENCE_FILE), { force: true });
  if (output.sequence !== undefined) writeFileSync(join(dir, SEQUENCE_FILE), JSON.stringify(output.sequence) + '\n');

  const histDir = join(dir, 'histograms');
  mkdirSync(histDir, { recursive: true });
  for (const file of readdirSync(histDir)) if (/\.(hgrm|hdr|hlog)$/.test(file)) rmSync(join(histDir, file));
  const histograms: Record<string, Histogram> = {};
  const intervals: Record<string, Record<number, SlotCounts>> = {};
  const epoch = runEpoch(output.summary);
  for (const [name, histogram] of Object.entries(output.histograms)) {
    const base = histogramFileBase(name);
    if (base in histograms) throw new Error(`histograms '${name}' and another map to the same file name ${base}.hgrm`);
    histograms[base] = histogram;
    if (output.intervals?.[name] !== undefined) intervals[base] = output.intervals[name];
    writeFileSync(join(histDir, `${base}.hgrm`), hgrmText(name, histogram));
    writeFileSync(join(histDir, `${base}.hdr`), encodeHistogram(histogram) + '\n');
    const hlog = hlogText({
      name,
      startMs: epoch.startMs,
      clockNote: epochNote(epoch),
      sampleIntervalUs: output.sampleIntervalUs,
      intervalCount: table.timeS.length,
      intervals: output.intervals === undefined ? null : (output.intervals[name] ?? {}),
      total: histogram,
    });
    writeFileSync(join(histDir, `${base}.hlog`), hlog);
  }

  let report: ReportResult | null = null;
  if (options.report !== false) {
    report = await renderReport(dir, { summary: output.summary, config: output.config, table, histograms, intervals, replay, sequence: output.sequence ?? null });
  }
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(output.summary, null, 2) + '\n');
  return { dir, charts: report?.charts ?? {}, traceEvents };
}
