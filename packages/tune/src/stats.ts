// Sample statistics for sweep points and tuned configs: mean and the 95% confidence interval of
// the mean from Student's t distribution.
import jStat from 'jstat';

/** Decimals kept: those of printed t tables, so every interval is the one cascade gave before. */
const T_DECIMALS = 4;

/**
 * t(0.975, df), the two-sided 95% quantile of Student's t distribution: jStat's inverse (within
 * 1e-7 of the exact value for any df), rounded to T_DECIMALS.
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a whole number >= 1, got ${df}`);
  const scale = 10 ** T_DECIMALS;
  return Math.round(jStat.studentt.inv(0.975, df) * scale) / scale;
}

export interface SampleStats {
  /** values that were numbers */
  n: number;
  /** values that were null (e.g. "never recovered") */
  nulls: number;
  /** mean of the numbers; null when there are none */
  mean: number | null;
  /** sample standard deviation; null below 2 numbers */
  sd: number | null;
  /** 95% confidence interval of the mean (Student t); null below 2 numbers */
  ci95: [number, number] | null;
}

export function sampleStats(values: readonly (number | null)[]): SampleStats {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const nulls = values.length - xs.length;
  const n = xs.length;
  if (n === 0) return { n, nulls, mean: null, sd: null, ci95: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, nulls, mean, sd: null, ci95: null };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const sd = Math.sqrt(variance);
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, nulls, mean, sd, ci95: [mean - half, mean + half] };
}
