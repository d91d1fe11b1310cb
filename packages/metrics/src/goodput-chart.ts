// DWFM throughput and goodput on one chart with one y scale: the picture of a metastable state is a
// throughput line at the servers' capacity over a goodput line at zero.
import type { ChartSpec } from './charts.js';
import { shiftedMs, type WallClock } from './clock.js';
import { downsample, type SeriesTable } from './timeseries.js';

const THROUGHPUT = 'dwfm.throughput';
const GOODPUT = 'dwfm.goodput';
const THROUGHPUT_LABEL = 'throughput (items served/s)';
const GOODPUT_LABEL = 'goodput (items on time/s)';

/** The chart and its point count, or null when the run has no DWFM throughput series. */
export function throughputGoodputSpec(table: SeriesTable, clock: WallClock | null, binsMax: number): { spec: ChartSpec; points: number } | null {
  const ti = table.names.indexOf(THROUGHPUT);
  if (ti < 0) return null;
  const gi = table.names.indexOf(GOODPUT);
  // both series are sparse: an interval without a point served nothing (on time): zero, not a gap
  const served = (table.columns[ti] as (number | null)[]).map((v) => v ?? 0);
  const useful = gi < 0 ? served.map(() => 0) : (table.columns[gi] as (number | null)[]).map((v) => v ?? 0);
  const points = [...downsample(table.timeS, served, THROUGHPUT_LABEL, binsMax), ...downsample(table.timeS, useful, GOODPUT_LABEL, binsMax)];
  const x =
    clock === null
      ? { field: 'x', type: 'quantitative', title: 'simulated time (s)', scale: { nice: false } }
      : { field: 'x', type: 'temporal', scale: { type: 'utc' }, title: `wall-clock time (${clock.offsetLabel})`, axis: { format: '%H:%M', labelOverlap: true } };
  const spec = {
    title: 'DWFM throughput and goodput',
    width: 900,
    height: 180,
    data: { values: points.map((p) => ({ series: p.series, x: clock === null ? p.t : shiftedMs(clock, p.t), value: p.value })) },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: 'items/s (all hosts)' },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: [THROUGHPUT_LABEL, GOODPUT_LABEL], range: ['#cf222e', '#1a7f37'] }, legend: { orient: 'top' } },
      // goodput dashed, so that it shows where it equals throughput
      strokeDash: { field: 'series', type: 'nominal', scale: { domain: [THROUGHPUT_LABEL, GOODPUT_LABEL], range: [[1, 0], [6, 3]] }, legend: null },
      strokeWidth: { field: 'series', type: 'nominal', scale: { domain: [THROUGHPUT_LABEL, GOODPUT_LABEL], range: [3, 1.6] }, legend: null },
    },
  } as unknown as ChartSpec;
  return { spec, points: points.length };
}
