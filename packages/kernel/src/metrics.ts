// Per-partition metrics: counters, HDR latency histograms (whole run and per sample interval) and
// bucketed time series. Partitions export them as plain data; the coordinator merges the exports.
import type * as Hdr from 'hdr-histogram-js';
import { createRequire } from 'node:module';
import { assert } from './assert.js';
import type { TimeUs } from './time.js';

let hdrLibrary: typeof Hdr | undefined;

/**
 * hdr-histogram-js, loaded when the first histogram is made: importing it takes about 70 ms, which
 * a command or worker that records no latency (help, validation, PHOLD) need not pay.
 */
export function hdrHistogram(): typeof Hdr {
  hdrLibrary ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof Hdr;
  return hdrLibrary;
}

export type SeriesMode = 'sum' | 'max' | 'min';

export interface SeriesExport {
  readonly mode: SeriesMode;
  /** bucket index -> value, sparse */
  readonly buckets: Record<number, number>;
}

export interface MetricsExport {
  readonly counters: Record<string, number>;
  /** name -> compressed base64 HdrHistogram */
  readonly histograms: Record<string, string>;
  readonly series: Record<string, SeriesExport>;
  /**
   * name -> sample-interval index -> compressed base64 HdrHistogram of the values observed while
   * simulated time was in that interval (only intervals with values; absent in older checkpoints)
   */
  readonly intervals?: Record<string, Record<number, string>>;
}

/**
 * One interval's histogram as (slot, count) pairs in slot order, slots as in newHistogram()'s
 * counts. Partitions hand intervals over in this form, the coordinator adds them, and a file that
 * holds them encodes each once (encodeSlotCounts); percentiles are read from the counts.
 */
export type SlotCounts = Float64Array;

/** A partition's metrics at the end of a run: its interval histograms as slot counts. */
export interface ResultMetrics {
  readonly counters: Record<string, number>;
  /** name -> compressed base64 HdrHistogram of the whole run */
  readonly histograms: Record<string, string>;
  readonly series: Record<string, SeriesExport>;
  /** name -> sample-interval index -> the values observed while simulated time was in it */
  readonly intervals: Record<string, Record<number, SlotCounts>>;
}

export const HIGHEST_TRACKABLE_US = 2 ** 40; // about 12.7 simulated days

export function newHistogram(): Hdr.Histogram {
  return hdrHistogram().build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
    useWebAssembly: false,
  });
}

export function decodeHistogram(encoded: string): Hdr.Histogram {
  return hdrHistogram().decodeFromCompressedBase64(encoded, 64, false);
}

// newHistogram()'s layout: values below SUB_BUCKETS at unit resolution, then buckets of
// SUB_BUCKETS / 2 slots each twice as wide as the last, up to HIGHEST_TRACKABLE_US.
const SUB_BUCKETS = 2048;
const HALF_MAGNITUDE = 10;
const POW2 = Float64Array.from({ length: 64 }, (_, k) => 2 ** k);

/**
 * The slot of an integer value in 0 .. HIGHEST_TRACKABLE_US, as the HDR histogram computes it
 * (floor(log2 v) and two powers) but with integer bit counts.
 */
export function histogramSlot(valueUs: number): number {
  if (valueUs < SUB_BUCKETS) return valueUs;
  if (valueUs < 2 ** 31) {
    // int32 arithmetic: the bucket is floor(log2 v) - HALF_MAGNITUDE
    const bucket = 31 - Math.clz32(valueUs) - HALF_MAGNITUDE;
    return (bucket << HALF_MAGNITUDE) + (valueUs >>> bucket);
  }
  const bucket = 63 - Math.clz32(Math.floor(valueUs / 2 ** 32)) - HALF_MAGNITUDE;
  return bucket * (SUB_BUCKETS / 2) + Math.floor(valueUs / (POW2[bucket] as number));
}

/** The lowest value of a slot (recording it counts in the same slot). */
export function histogramSlotValue(slot: number): number {
  const bucket = (slot >> HALF_MAGNITUDE) - 1;
  const sub = (slot & (SUB_BUCKETS / 2 - 1)) + SUB_BUCKETS / 2;
  return bucket < 0 ? sub - SUB_BUCKETS / 2 : sub * (POW2[bucket] as number);
}

/** The highest value a slot counts (the HDR histogram's highestEquivalentValue of its values). */
export function slotHighestValue(slot: number): number {
  const bucket = (slot >> HALF_MAGNITUDE) - 1;
  return histogramSlotValue(slot) + (bucket > 0 ? (POW2[bucket] as number) - 1 : 0);
}

/**
 * The value at `percentile` of an interval's counts, as the HDR histogram reports it
 * (getValueAtPercentile: the highest value of the slot that holds that rank; 0 when empty).
 */
export function slotPercentile(pairs: SlotCounts, percentile: number): number {
  let total = 0;
  for (let i = 1; i < pairs.length; i += 2) total += pairs[i] as number;
  const exact = (Math.min(percentile, 100) / 100) * total;
  // the library rounds up, less one unit in the last place of the product (so 99% of 100 is 99)
  const rank = Math.max(Math.ceil(exact - 2 ** (Math.floor(Math.log2(exact)) - 52)), 1);
  let seen = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    seen += pairs[i + 1] as number;
    if (seen >= rank) return percentile === 0 ? histogramSlotValue(pairs[i] as number) : slotHighestValue(pairs[i] as number);
  }
  return 0;
}

/** Slots an interval histogram counts in (values are clamped to HIGHEST_TRACKABLE_US). */
const COUNTS_LENGTH = histogramSlot(HIGHEST_TRACKABLE_US) + 1;

/**
 * One histogram per name, kept to be built and encoded only when read: a model records a value per
 * item (millions), and adding to a slot found with bit counts is much cheaper than the histogram's
 * own recording. Values of the current sample interval are counted by slot; when time moves to
 * another interval they are sealed, as (slot, count) pairs, and added to the run's counts by slot.
 * The encodings keep counts per slot, so they are the same bytes as if each value had been
 * recorded in an HDR histogram. Sealing costs what the interval used, not a pass over every slot
 * of the histogram and an encoding (about 0.4 ms, and the us-east-1 scenario seals a thousand
 * intervals per partition inside its windows); the encodings are made once, on export.
 */
class IntervalHistograms {
  /** The run's counts by slot, of every sealed interval. */
  private readonly totalCounts = new Float64Array(COUNTS_LENGTH);
  /** Totals taken from a checkpoint. */
  private absorbed: Hdr.Histogram | undefined;
  private currentInterval = -1;
  /**
   * interval index -> its counts as (slot, count) pairs in slot order, or its encoded histogram once
   * exported (or taken from a checkpoint)
   */
  private readonly sealed = new Map<number, Float64Array | string>();
  /** Counts of the current interval by slot, and the slots in use. */
  private readonly counts = new Float64Array(COUNTS_LENGTH);
  private readonly used = new Int32Array(COUNTS_LENGTH);
  private usedCount = 0;

  record(interval: number, valueUs: number): void {
    if (interval !== this.currentInterval) {
      this.seal();
      this.currentInterval = interval;
    }
    const slot = histogramSlot(valueUs);
    const n = this.counts[slot] as number;
    if (n === 0) this.used[this.usedCount++] = slot;
    this.counts[slot] = n + 1;
  }

  /** Adds an exported histogram of one interval (restoring a checkpoint). */
  absorbInterval(interval: number, encoded: string): void {
    const old = this.sealed.get(interval);
    this.sealed.set(interval, old === undefined ? encoded : addEncoded(typeof old === 'string' ? old : encodePairs(old), encoded));
  }

  absorbTotal(encoded: string): void {
    (this.absorbed ??= newHistogram()).add(decodeHistogram(encoded));
  }

  /** The whole run's histogram, encoded; leaves the recording state as it was. */
  exportTotal(): string {
    const h = scratchHistogram();
    const total = this.totalCounts;
    const counts = this.counts;
    for (let slot = 0; slot < COUNTS_LENGTH; slot++) {
      const n = (total[slot] as number) + (counts[slot] as number);
      if (n > 0) h.recordValueWithCount(histogramSlotValue(slot), n);
    }
    if (this.absorbed !== undefined) h.add(this.absorbed);
    return encodeScratch(h);
  }

  /** Every interval's counts (those taken from a checkpoint decoded); leaves the recording state as it was. */
  intervalCounts(): Record<number, SlotCounts> {
    const out: Record<number, SlotCounts> = {};
    for (const interval of [...this.sealed.keys()].sort((a, b) => a - b)) {
      const kept = this.sealed.get(interval) as Float64Array | string;
      out[interval] = typeof kept === 'string' ? slotCountsOf(decodeHistogram(kept)) : kept;
    }
    if (this.usedCount > 0) {
      const current = this.currentPairs(false);
      const old = out[this.currentInterval];
      out[this.currentInterval] = old === undefined ? current : mergePairs(old, current);
    }
    return out;
  }

  exportIntervals(): Record<number, string> {
    const out: Record<number, string> = {};
    for (const interval of [...this.sealed.keys()].sort((a, b) => a - b)) {
      const kept = this.sealed.get(interval) as Float64Array | string;
      const encoded = typeof kept === 'string' ? kept : encodePairs(kept);
      this.sealed.set(interval, encoded);
      out[interval] = encoded;
    }
    if (this.usedCount > 0) {
      const encoded = encodePairs(this.currentPairs(false));
      const old = out[this.currentInterval];
      out[this.currentInterval] = old === undefined ? encoded : addEncoded(old, encoded);
    }
    return out;
  }

  /** The current interval's (slot, count) pairs in slot order; `take` also clears them. */
  private currentPairs(take: boolean): Float64Array {
    const used = this.used.subarray(0, this.usedCount).sort();
    const counts = this.counts;
    const pairs = new Float64Array(2 * used.length);
    for (let i = 0; i < used.length; i++) {
      const slot = used[i] as number;
      pairs[2 * i] = slot;
      pairs[2 * i + 1] = counts[slot] as number;
      if (take) counts[slot] = 0;
    }
    if (take) this.usedCount = 0;
    return pairs;
  }

  private seal(): void {
    if (this.usedCount === 0) return;
    const pairs = this.currentPairs(true);
    const total = this.totalCounts;
    for (let i = 0; i < pairs.length; i += 2) total[pairs[i] as number] = (total[pairs[i] as number] as number) + (pairs[i + 1] as number);
    const old = this.sealed.get(this.currentInterval);
    if (old === undefined) this.sealed.set(this.currentInterval, pairs);
    else this.sealed.set(this.currentInterval, typeof old === 'string' ? addEncoded(old, encodePairs(pairs)) : mergePairs(old, pairs));
  }
}

/** Two lists of (slot, count) pairs in slot order, as one. */
function mergePairs(a: Float64Array, b: Float64Array): Float64Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const sa = i < a.length ? (a[i] as number) : Infinity;
    const sb = j < b.length ? (b[j] as number) : Infinity;
    if (sa === sb) {
      out.push(sa, (a[i + 1] as number) + (b[j + 1] as number));
      i += 2;
      j += 2;
    } else if (sa < sb) {
      out.push(sa, a[i + 1] as number);
      i += 2;
    } else {
      out.push(sb, b[j + 1] as number);
      j += 2;
    }
  }
  return Float64Array.from(out);
}

/** An encoded histogram's counts by slot (reading a checkpoint's or a run folder's intervals). */
export function decodeSlotCounts(encoded: string): SlotCounts {
  return slotCountsOf(decodeHistogram(encoded));
}

/**
 * A decoded histogram's counts by slot (a pass over the slots up to its highest value).
 * decodeHistogram makes JS histograms, whose counts index is the slot.
 */
function slotCountsOf(h: Hdr.Histogram): SlotCounts {
  const counts = h as Hdr.JsHistogram;
  const pairs: number[] = [];
  if (h.totalCount > 0) {
    const last = histogramSlot(Math.min(h.maxValue, HIGHEST_TRACKABLE_US));
    for (let slot = 0; slot <= last; slot++) {
      const n = counts.getCountAtIndex(slot);
      if (n > 0) pairs.push(slot, n);
    }
  }
  return Float64Array.from(pairs);
}

/** One histogram to build encodings in, kept empty between uses (making one clears 256 KiB). */
let scratch: Hdr.Histogram | undefined;

function scratchHistogram(): Hdr.Histogram {
  return (scratch ??= newHistogram());
}

function encodeScratch(h: Hdr.Histogram): string {
  const encoded = hdrHistogram().encodeIntoCompressedBase64(h);
  h.reset();
  return encoded;
}

/** One interval's counts as a compressed base64 HdrHistogram: the same bytes as newHistogram() with each value recorded. */
export function encodeSlotCounts(pairs: SlotCounts): string {
  return encodePairs(pairs);
}

function encodePairs(pairs: Float64Array): string {
  const h = scratchHistogram();
  for (let i = 0; i < pairs.length; i += 2) h.recordValueWithCount(histogramSlotValue(pairs[i] as number), pairs[i + 1] as number);
  return encodeScratch(h);
}

function addEncoded(a: string, b: string): string {
  const sum = decodeHistogram(a);
  sum.add(decodeHistogram(b));
  return hdrHistogram().encodeIntoCompressedBase64(sum);
}

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, IntervalHistograms>();
  private lastName: string | undefined;
  private lastHistogram: IntervalHistograms | undefined;
  private readonly series = new Map<string, { mode: SeriesMode; buckets: Map<number, number> }>();

  /** `clockUs` tells the simulated time of an observation (the partition's current event). */
  constructor(
    readonly sampleIntervalUs: TimeUs,
    private readonly clockUs: () => TimeUs,
  ) {}

  count(name: string, n = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  /** Records a latency in the histogram `name`, in the sample interval of `timeUs` rather than the current one. */
  observeAt(name: string, valueUs: number, timeUs: TimeUs): void {
    // a NaN would fall in no slot and be lost without a word
    if (Number.isNaN(valueUs)) assert(false, `histogram ${name}: observed NaN, not a latency`);
    this.track(name).record(Math.floor(timeUs / this.sampleIntervalUs), Math.min(Math.max(0, Math.round(valueUs)), HIGHEST_TRACKABLE_US));
  }

  /** Records a latency (or any non-negative integer) in the histogram `name`, in the current sample interval. */
  observe(name: string, valueUs: number): void {
    this.observeAt(name, valueUs, this.clockUs());
  }

  /** Adds a point to the series `name` in the bucket of `timeUs`, combined by `mode`. */
  sample(name: string, timeUs: TimeUs, value: number, mode: SeriesMode = 'sum'): void {
    let s = this.series.get(name);
    if (s === undefined) {
      s = { mode, buckets: new Map() };
      this.series.set(name, s);
    }
    const bucket = Math.floor(timeUs / this.sampleIntervalUs);
    const old = s.buckets.get(bucket);
    s.buckets.set(bucket, old === undefined ? value : combine(s.mode, old, value));
  }

  /** Adds an exported set of metrics into this one (restoring a checkpoint). */
  absorb(part: MetricsExport): void {
    for (const [name, n] of Object.entries(part.counters)) this.count(name, n);
    for (const [name, encoded] of Object.entries(part.histograms)) this.track(name).absorbTotal(encoded);
    for (const [name, intervals] of Object.entries(part.intervals ?? {})) {
      const h = this.track(name);
      for (const [interval, encoded] of Object.entries(intervals)) h.absorbInterval(Number(interval), encoded);
    }
    for (const [name, series] of Object.entries(part.series)) {
      for (const [bucket, value] of Object.entries(series.buckets)) {
        this.sample(name, Number(bucket) * this.sampleIntervalUs, value, series.mode);
      }
    }
  }

  /** The partition's metrics at the end of a run (what a checkpoint holds, but intervals as slot counts). */
  result(): ResultMetrics {
    return this.exported((h) => h.intervalCounts());
  }

  /** The partition's metrics for a checkpoint (every interval encoded). */
  export(): MetricsExport {
    return this.exported((h) => h.exportIntervals());
  }

  private exported<T>(intervalsOf: (h: IntervalHistograms) => Record<number, T>) {
    const histograms: Record<string, string> = {};
    const intervals: Record<string, Record<number, T>> = {};
    for (const [name, h] of this.histograms) {
      histograms[name] = h.exportTotal();
      intervals[name] = intervalsOf(h);
    }
    const series: Record<string, SeriesExport> = {};
    for (const [name, s] of this.series) series[name] = { mode: s.mode, buckets: Object.fromEntries(s.buckets) };
    return { counters: Object.fromEntries(this.counters), histograms, series, intervals };
  }

  private track(name: string): IntervalHistograms {
    // an event records many values of one name: the last one found saves a lookup per value (the
    // names are literals, so comparing them is comparing pointers)
    if (name === this.lastName) return this.lastHistogram as IntervalHistograms;
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = new IntervalHistograms();
      this.histograms.set(name, h);
    }
    this.lastName = name;
    this.lastHistogram = h;
    return h;
  }
}

function combine(mode: SeriesMode, a: number, b: number): number {
  switch (mode) {
    case 'sum':
      return a + b;
    case 'max':
      return Math.max(a, b);
    case 'min':
      return Math.min(a, b);
    default: {
      const never: never = mode;
      throw new Error(`unknown series mode ${String(never)}`);
    }
  }
}

/** Merged metrics of a whole run, with histograms decoded. Merge order never changes the result. */
export interface MergedMetrics {
  readonly counters: Record<string, number>;
  readonly histograms: Record<string, Hdr.Histogram>;
  readonly series: Record<string, SeriesExport>;
  /** name -> sample-interval index -> the counts of that interval (only intervals with values) */
  readonly intervals: Record<string, Record<number, SlotCounts>>;
}

export function mergeMetrics(parts: readonly ResultMetrics[]): MergedMetrics {
  const counters: Record<string, number> = {};
  const histograms: Record<string, Hdr.Histogram> = {};
  const series: Record<string, { mode: SeriesMode; buckets: Record<number, number> }> = {};
  const intervals: Record<string, Record<number, SlotCounts>> = {};
  for (const part of parts) {
    for (const [name, byInterval] of Object.entries(part.intervals)) {
      const into = (intervals[name] ??= {});
      for (const [interval, pairs] of Object.entries(byInterval)) {
        const old = into[Number(interval)];
        into[Number(interval)] = old === undefined ? pairs : mergePairs(old, pairs);
      }
    }
    for (const [name, n] of Object.entries(part.counters)) counters[name] = (counters[name] ?? 0) + n;
    for (const [name, encoded] of Object.entries(part.histograms)) {
      const h = decodeHistogram(encoded);
      const into = histograms[name];
      if (into === undefined) histograms[name] = h;
      else into.add(h);
    }
    for (const [name, s] of Object.entries(part.series)) {
      const into = (series[name] ??= { mode: s.mode, buckets: {} });
      for (const [bucket, value] of Object.entries(s.buckets)) {
        const old = into.buckets[Number(bucket)];
        into.buckets[Number(bucket)] = old === undefined ? value : combine(s.mode, old, value);
      }
    }
  }
  return { counters: sortKeys(counters), histograms: sortKeys(histograms), series: sortKeys(series), intervals: sortKeys(intervals) };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
  return out;
}
