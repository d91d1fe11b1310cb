// Sample statistics for sweep points and tuned configs: mean and the 95% confidence interval of
// the mean from Student's t distribution.

/** Two-sided 95% quantiles t(0.975, df) for df = 1..30 (standard tables, 4 decimals). */
const T975: readonly number[] = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281,
  2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086,
  2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

const Z975 = 1.959963984540054;

/** t(0.975, df): the table up to 30, then the Cornish-Fisher expansion (error < 1e-4 there). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a whole number >= 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1] as number;
  const z = Z975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
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
