// Binomial draws for aggregate workloads (launches placed on a shard, flapping targets): exact
// Bernoulli trials for small n, a rounded normal approximation beyond, clamped to [0, n].
import type { Rng } from '@cascade/kernel';

/** Trials up to which the draw is exact. */
const EXACT_MAX = 64;

export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n <= EXACT_MAX) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng.random() < p) k++;
    return k;
  }
  const mean = n * p;
  const sd = Math.sqrt(mean * (1 - p));
  // Box-Muller with one uniform pair; the sine half is discarded to keep draws per call fixed.
  const u1 = 1 - rng.random();
  const u2 = rng.random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const k = Math.round(mean + sd * z);
  return k < 0 ? 0 : k > n ? n : k;
}

/** Poisson draw with the given mean (Knuth for small means, rounded normal beyond). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    let prod = rng.random();
    while (prod > limit) {
      k++;
      prod *= rng.random();
    }
    return k;
  }
  const u1 = 1 - rng.random();
  const u2 = rng.random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const k = Math.round(mean + Math.sqrt(mean) * z);
  return k < 0 ? 0 : k;
}
