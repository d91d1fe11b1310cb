// Latency histograms on disk and on plots: HdrHistogram percentile output (.hgrm, milliseconds),
// the lossless compressed form (.hdr) the report is rebuilt from, and percentile curves.
import { decodeHistogram, hdrHistogram } from '@cascade/kernel';
import type * as Hdr from 'hdr-histogram-js';

export type Histogram = Hdr.Histogram;

/** Values are recorded in µs; .hgrm files print them in ms (HdrHistogram's usual unit). */
const HGRM_SCALE_US_PER_MS = 1000;

/** A histogram name made safe as a file name (letters, digits, `.`, `_`, `-`). */
export function histogramFileBase(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || safe.startsWith('.') ? `_${safe}` : safe;
}

/** HdrHistogram's percentile distribution, values in milliseconds, with a comment header. */
export function hgrmText(name: string, histogram: Histogram): string {
  const header = [
    `# cascade histogram ${name}`,
    '# values in milliseconds of simulated time (recorded in microseconds, scaled by 1000)',
    '',
  ].join('\n');
  return header + histogram.outputPercentileDistribution(5, HGRM_SCALE_US_PER_MS) + '\n';
}

export function encodeHistogram(histogram: Histogram): string {
  return hdrHistogram().encodeIntoCompressedBase64(histogram);
}

export function decodeHistogramText(text: string, file: string): Histogram {
  try {
    return decodeHistogram(text.trim());
  } catch (err) {
    throw new Error(`${file}: not a compressed base64 HdrHistogram (${(err as Error).message})`);
  }
}

export interface PercentilePoint {
  /** percentile in [0, 100) */
  readonly percentile: number;
  /** 1 / (1 - percentile/100): the log-scale x of HdrHistogram's plots */
  readonly inverse: number;
  readonly valueUs: number;
}

/**
 * The percentile curve at `perDecade` points per decade of 1/(1-p), up to the resolution the
 * sample count supports; the maximum is added at the end so the tail is visible.
 */
export function percentileCurve(histogram: Histogram, perDecade = 20): PercentilePoint[] {
  const count = histogram.totalCount;
  if (count === 0) return [];
  const decades = Math.max(1, Math.ceil(Math.log10(count)));
  const points: PercentilePoint[] = [];
  for (let i = 0; i <= decades * perDecade; i++) {
    const inverse = 10 ** (i / perDecade);
    const percentile = 100 * (1 - 1 / inverse);
    points.push({ percentile, inverse, valueUs: histogram.getValueAtPercentile(percentile) });
  }
  const lastInverse = 10 ** (decades + 0.25);
  points.push({ percentile: 100 * (1 - 1 / lastInverse), inverse: lastInverse, valueUs: maxRecordedUs(histogram) });
  return points;
}

export interface HistogramFigures {
  readonly count: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
}

export function histogramFigures(histogram: Histogram): HistogramFigures {
  return {
    count: histogram.totalCount,
    p50Us: histogram.getValueAtPercentile(50),
    p90Us: histogram.getValueAtPercentile(90),
    p99Us: histogram.getValueAtPercentile(99),
    p999Us: histogram.getValueAtPercentile(99.9),
    maxUs: maxRecordedUs(histogram),
  };
}

/**
 * The maximum as the highest equivalent value of its bucket: unlike `maxValue` (the raw value,
 * lost by encoding) it is the same before and after a round trip through the .hdr file, so a
 * rebuilt report equals the original.
 */
export function maxRecordedUs(histogram: Histogram): number {
  return histogram.getValueAtPercentile(100);
}
