// Per-partition metrics: counters, HDR latency histograms and bucketed time series. Partitions
// export them as plain data; the coordinator merges the exports (sums, histogram adds, max).
import * as hdr from 'hdr-histogram-js';
import type { TimeUs } from './time.js';

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
}

const HIGHEST_TRACKABLE_US = 2 ** 40; // about 12.7 simulated days

export function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
    useWebAssembly: false,
  });
}

export function decodeHistogram(encoded: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 64, false);
}

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, hdr.Histogram>();
  private readonly series = new Map<string, { mode: SeriesMode; buckets: Map<number, number> }>();

  constructor(readonly sampleIntervalUs: TimeUs) {}

  count(name: string, n = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  /** Records a latency (or any non-negative integer) in the histogram `name`. */
  observe(name: string, valueUs: number): void {
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = newHistogram();
      this.histograms.set(name, h);
    }
    h.recordValue(Math.min(Math.max(0, Math.round(valueUs)), HIGHEST_TRACKABLE_US));
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
    for (const [name, encoded] of Object.entries(part.histograms)) {
      const h = decodeHistogram(encoded);
      const into = this.histograms.get(name);
      if (into === undefined) this.histograms.set(name, h);
      else into.add(h);
    }
    for (const [name, series] of Object.entries(part.series)) {
      for (const [bucket, value] of Object.entries(series.buckets)) {
        this.sample(name, Number(bucket) * this.sampleIntervalUs, value, series.mode);
      }
    }
  }

  export(): MetricsExport {
    const histograms: Record<string, string> = {};
    for (const [name, h] of this.histograms) histograms[name] = hdr.encodeIntoCompressedBase64(h);
    const series: Record<string, SeriesExport> = {};
    for (const [name, s] of this.series) series[name] = { mode: s.mode, buckets: Object.fromEntries(s.buckets) };
    return { counters: Object.fromEntries(this.counters), histograms, series };
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
  readonly histograms: Record<string, hdr.Histogram>;
  readonly series: Record<string, SeriesExport>;
}

export function mergeMetrics(parts: readonly MetricsExport[]): MergedMetrics {
  const counters: Record<string, number> = {};
  const histograms: Record<string, hdr.Histogram> = {};
  const series: Record<string, { mode: SeriesMode; buckets: Record<number, number> }> = {};
  for (const part of parts) {
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
  return { counters: sortKeys(counters), histograms: sortKeys(histograms), series: sortKeys(series) };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
  return out;
}
