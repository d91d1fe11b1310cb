// @cascade/metrics: the summary.json object, the run folder (time series CSV, HdrHistogram files,
// OpenMetrics, interval logs), the report (Vega-Lite charts rendered to SVG/PNG in Node, a
// self-contained report.html) and the Trace Event file.
export {
  SUMMARY_FIELDS,
  SUMMARY_SCHEMA,
  buildSummary,
  missingSummaryFields,
  summaryMetrics,
  type EngineFigures,
  type EngineSummaryPart,
  type InvariantViolation,
  type LatencySummary,
  type Phase,
  type Summary,
  type SummaryParts,
} from './summary.js';
export { writeRunFolder, type RunFolderResult, type RunOutput, type WriteOptions } from './run-folder.js';
export { REPLAY_DIR, buildReport, readRunFolder, renderReport, type ReportInputs, type ReportResult } from './report.js';
export { formatTimeseriesCsv, parseTimeseriesCsv, seriesTable, type SeriesTable, type SparseSeries } from './timeseries.js';
export { encodeHistogram, hgrmText, histogramFileBase, type Histogram } from './histograms.js';
export { renderSvg, svgToPng, type ChartSpec, type RenderedChart } from './charts.js';
export { formatSimTime, parseClock, type WallClock } from './clock.js';
export { OPENMETRICS_FILE, exportOpenMetrics, openMetricsText, type OpenMetricsExport } from './openmetrics.js';
export { STATED_EPOCH, runEpoch, type RunEpoch } from './epoch.js';
export { hlogText, type HlogInput } from './hlog.js';
export { parseSeriesName, seriesMeaning, type SeriesMeaning, type SeriesName } from './series-catalog.js';
export { TRACE_EVENTS_MAX, TRACE_INSTANTS_MAX, traceOf, writeTrace, type Trace, type TraceEvent } from './trace.js';
export { phaseMapSpec, type PhaseMapInput } from './phase-map.js';
export { phaseMapPage, type PhaseMapPage } from './phase-map-page.js';
export { sequenceSpec, type SequenceEvent, type SequenceInput } from './sequence-chart.js';
export { writeSequencePage, type SequencePage } from './sequence-page.js';
