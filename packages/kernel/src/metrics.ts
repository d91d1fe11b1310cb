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

/** Slots an interval histogram counts in (values are clamped to HIGHEST_TRACKABLE_US). */
const COUNTS_LENGTH = histogramSlot(HIGHEST_TRACKABLE_US) + 1;

/**
 * One histogram name: values go into the histogram of the current sample interval, which is sealed
 * (added to the run's total and kept encoded) when time moves to another interval. Only the current
 * interval's histogram is held decoded.
 */
class IntervalHistograms {
  private readonly total = newHistogram();
  private readonly current = newHistogram();
  private currentInterval = -1;
  /** interval index -> encoded histogram */
  private readonly sealed = new Map<number, string>();
  /**
   * Counts of the current interval not yet in `current`, by slot, and the slots in use: a model
   * records a value per item (millions), and adding to a slot found with bit counts is much
   * cheaper than the histogram's own recording. Settled into `current` before it is read; the
   * encodings keep counts per slot, so they are the same as if each value had been recorded.
   */
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

  private settle(): void {
    for (let i = 0; i < this.usedCount; i++) {
      const slot = this.used[i] as number;
      this.current.recordValueWithCount(histogramSlotValue(slot), this.counts[slot] as number);
      this.counts[slot] = 0;
    }
    this.usedCount = 0;
  }

  /** Adds an exported histogram of one interval (restoring a checkpoint). */
  absorbInterval(interval: number, encoded: string): void {
    const old = this.sealed.get(interval);
    this.sealed.set(interval, old === undefined ? encoded : addEncoded(old, encoded));
  }

  absorbTotal(encoded: string): void {
    this.total.add(decodeHistogram(encoded));
  }

  /** The whole run's histogram, encoded; leaves the recording state as it was. */
  exportTotal(): string {
    this.settle();
    if (this.current.totalCount === 0) return hdrHistogram().encodeIntoCompressedBase64(this.total);
    const sum = newHistogram();
    sum.add(this.total);
    sum.add(this.current);
    return hdrHistogram().encodeIntoCompressedBase64(sum);
  }

  exportIntervals(): Record<number, string> {
    this.settle();
    const out: Record<number, string> = {};
    for (const interval of [...this.sealed.keys()].sort((a, b) => a - b)) out[interval] = this.sealed.get(interval) as string;
    if (this.current.totalCount > 0) {
      const encoded = hdrHistogram().encodeIntoCompressedBase64(this.current);
      const old = out[this.currentInterval];
      out[this.currentInterval] = old === undefined ? encoded : addEncoded(old, encoded);
    }
    return out;
  }

  private seal(): void {
    this.settle();
    if (this.current.totalCount === 0) return;
    this.total.add(this.current);
    this.absorbInterval(this.currentInterval, hdrHistogram().encodeIntoCompressedBase64(this.current));
    this.current.reset();
  }
}

function addEncoded(a: string, b: string): string {
  const sum = decodeHistogram(a);
  sum.add(decodeHistogram(b));
  return hdrHistogram().encodeIntoCompressedBase64(sum);
}

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, IntervalHistograms>();
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

  export(): MetricsExport {
    const histograms: Record<string, string> = {};
    const intervals: Record<string, Record<number, string>> = {};
    for (const [name, h] of this.histograms) {
      histograms[name] = h.exportTotal();
      intervals[name] = h.exportIntervals();
    }
    const series: Record<string, SeriesExport> = {};
    for (const [name, s] of this.series) series[name] = { mode: s.mode, buckets: Object.fromEntries(s.buckets) };
    return { counters: Object.fromEntries(this.counters), histograms, series, intervals };
  }

  private track(name: string): IntervalHistograms {
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = new IntervalHistograms();
      this.histograms.set(name, h);
    }
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
  /** name -> sample-interval index -> encoded histogram of that interval (only intervals with values) */
  readonly intervals: Record<string, Record<number, string>>;
}

export function mergeMetrics(parts: readonly MetricsExport[]): MergedMetrics {
  const counters: Record<string, number> = {};
  const histograms: Record<string, Hdr.Histogram> = {};
  const series: Record<string, { mode: SeriesMode; buckets: Record<number, number> }> = {};
  const intervals: Record<string, Record<number, string>> = {};
  for (const part of parts) {
    for (const [name, byInterval] of Object.entries(part.intervals ?? {})) {
      const into = (intervals[name] ??= {});
      for (const [interval, encoded] of Object.entries(byInterval)) {
        const old = into[Number(interval)];
        into[Number(interval)] = old === undefined ? encoded : addEncoded(old, encoded);
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
