// Latency over time: the p50 and p99 of each sample interval of a histogram, read from the run's
// interval histograms (the kernel's, or a run folder's histograms/NAME.hlog).
import { decodeSlotCounts, slotPercentile, type SlotCounts } from '@cascade/kernel';
import type { PlotPoint } from './timeseries.js';

/** sample-interval index -> the counts of that interval */
export type IntervalHistograms = Readonly<Record<number, SlotCounts>>;

export interface LatencyOverTime {
  readonly p50: PlotPoint[];
  readonly p99: PlotPoint[];
  /** the highest p99 of any interval, µs */
  readonly peakUs: number;
}

/** Per interval with values: its p50 and p99 in µs; intervals without a value leave a gap. */
export function latencyOverTime(intervals: IntervalHistograms, intervalS: number, intervalCount: number): LatencyOverTime {
  const p50: PlotPoint[] = [];
  const p99: PlotPoint[] = [];
  let peakUs = 0;
  for (let i = 0; i < intervalCount; i++) {
    const pairs = intervals[i];
    const t = i * intervalS;
    if (pairs === undefined || pairs.length === 0) {
      if (p50.length > 0 && p50[p50.length - 1]?.value !== null) {
        p50.push({ series: 'p50', t, value: null });
        p99.push({ series: 'p99', t, value: null });
      }
      continue;
    }
    const high = slotPercentile(pairs, 99);
    peakUs = Math.max(peakUs, high);
    p50.push({ series: 'p50', t, value: slotPercentile(pairs, 50) });
    p99.push({ series: 'p99', t, value: high });
  }
  return { p50, p99, peakUs };
}

/** The intervals of an HdrHistogram interval log (what hlog.ts writes), by sample-interval index. */
export function parseHlogIntervals(text: string, intervalS: number): Record<number, SlotCounts> {
  const intervals: Record<number, SlotCounts> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('"')) continue;
    const fields = line.split(',');
    if (fields[0]?.startsWith('Tag=')) fields.shift();
    const start = Number(fields[0]);
    const length = Number(fields[1]);
    const payload = fields[3];
    // a log of the whole run as one interval says nothing about time
    if (fields.length !== 4 || !Number.isFinite(start) || Math.abs(length - intervalS) > intervalS / 100 || payload === undefined) continue;
    intervals[Math.round(start / intervalS)] = decodeSlotCounts(payload);
  }
  return intervals;
}
