// histograms/NAME.hlog: a latency histogram as an HdrHistogram interval log (format v1.3), one
// tagged interval per sample interval, for HdrHistogram's own tools (HistogramLogProcessor, ...).
import { encodeSlotCounts, hdrHistogram, newHistogram, slotHighestValue, type SlotCounts } from '@cascade/kernel';
import type * as Hdr from 'hdr-histogram-js';

/** Values are µs; Interval_Max is printed in ms, as HdrHistogram's tools expect by default. */
const MAX_VALUE_UNIT_RATIO = 1000;

export interface HlogInput {
  /** the histogram's name, used as each interval's tag (made safe: no commas or spaces) */
  readonly name: string;
  /** epoch milliseconds of simulated t = 0 */
  readonly startMs: number;
  /** where that start comes from, for the header */
  readonly clockNote: string;
  readonly sampleIntervalUs: number;
  /** number of sample intervals of the run (the rows of timeseries.csv) */
  readonly intervalCount: number;
  /**
   * interval index -> the counts of that interval (intervals without values may be absent); null
   * when only the whole run's histogram is known, which then forms a single interval
   */
  readonly intervals: Readonly<Record<number, SlotCounts>> | null;
  /** the whole run's histogram */
  readonly total: Hdr.Histogram;
}

export function hlogText(input: HlogInput): string {
  const tag = input.name.replace(/[\s,]/g, '_');
  const intervalS = input.sampleIntervalUs / 1e6;
  const startS = input.startMs / 1000;
  const startIso = new Date(input.startMs).toISOString();
  const out: string[] = [];
  const writer = new (hdrHistogram().HistogramLogWriter)((text) => out.push(text));
  writer.outputLogFormatVersion();
  writer.outputComment(` cascade latency histogram ${input.name}: values in microseconds of simulated time, Interval_Max in milliseconds.`);
  writer.outputComment(' Latencies run from the intended send time of each request (when it was enqueued or first attempted), so time');
  writer.outputComment(' spent waiting in queues and retrying is counted: no coordinated omission. Each interval holds the latencies the');
  writer.outputComment(
    input.intervals === null
      ? ' model recorded during the run: only the whole run is known here, as one interval.'
      : ` model recorded while simulated time was in it: one interval per ${intervalS} s sample interval.`,
  );
  writer.outputComment(` t = 0 is ${startIso} (${input.clockNote}); interval timestamps are seconds since BaseTime.`);
  writer.outputComment(`[StartTime: ${startS.toFixed(3)} (seconds since epoch), ${startIso}]`);
  writer.outputComment(`[BaseTime: ${startS.toFixed(3)} (seconds since epoch)]`);
  writer.outputLegend();
  if (input.intervals === null) {
    const whole = newHistogram();
    whole.add(input.total);
    whole.tag = tag;
    writer.outputIntervalHistogram(whole, 0, input.intervalCount * intervalS, MAX_VALUE_UNIT_RATIO);
    return out.join('');
  }
  let count = input.intervalCount;
  for (const key of Object.keys(input.intervals)) count = Math.max(count, Number(key) + 1);
  // The writer's interval line, from the counts: it would decode each interval and encode it again.
  const empty = encodeSlotCounts(new Float64Array(0));
  for (let i = 0; i < count; i++) {
    const pairs = input.intervals[i];
    const last = pairs === undefined || pairs.length === 0 ? -1 : (pairs[pairs.length - 2] as number);
    const maxUs = last < 0 ? 0 : slotHighestValue(last);
    const encoded = last < 0 ? empty : encodeSlotCounts(pairs as SlotCounts);
    const startS = i * intervalS;
    out.push(`Tag=${tag},${timeText(startS)},${timeText((i + 1) * intervalS - startS)},${timeText(maxUs / MAX_VALUE_UNIT_RATIO)},${encoded}\n`);
  }
  return out.join('');
}

/** Seconds as HistogramLogWriter prints them: three decimals, padded to five characters. */
const TIME_FORMAT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3, useGrouping: false });

function timeText(seconds: number): string {
  return TIME_FORMAT.format(seconds).padStart(5);
}
