// tune's t quantile, now from jStat: the printed table it replaced, exact reference values, and
// the confidence intervals built on it.
import { sampleStats, tQuantile975 } from '@cascade/tune';
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** t(0.975, df) as printed in standard tables (4 decimals): what cascade used for df <= 30 before. */
const TABLE: readonly number[] = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281,
  2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086,
  2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** t(0.975, df) as R's qt(0.975, df) gives it, to at least 8 decimals. */
const EXACT: readonly [number, number][] = [
  [1, 12.706204736174707], [2, 4.302652729749464], [3, 3.182446305284263], [5, 2.5705818356363146],
  [10, 2.2281388519649385], [20, 2.0859634472658644], [30, 2.0422724563012373], [31, 2.0395134464367],
  [60, 2.0002978220142613], [100, 1.9839715184496334], [120, 1.9799304050824413], [1000, 1.9623390808264078],
];

test('the t quantile reproduces the printed table for 1 to 30 degrees of freedom', () => {
  for (const [i, value] of TABLE.entries()) assert.equal(tQuantile975(i + 1), value, `df = ${i + 1}`);
});

test('the t quantile is the exact value rounded to 4 decimals, falling towards the normal quantile', () => {
  for (const [df, exact] of EXACT) assert.ok(Math.abs(tQuantile975(df) - exact) <= 0.5e-4 + 1e-12, `df = ${df}: ${tQuantile975(df)} vs ${exact}`);
  let previous = Infinity;
  for (let df = 1; df <= 2000; df++) {
    const t = tQuantile975(df);
    assert.ok(t <= previous && t >= 1.96, `df = ${df}: ${t}`);
    previous = t;
  }
  assert.equal(tQuantile975(1e6), 1.96);
});

test('a bad degree of freedom is refused, and a 95% interval of n values uses t(n - 1)', () => {
  assert.throws(() => tQuantile975(0), /whole number >= 1, got 0/);
  assert.throws(() => tQuantile975(2.5), /got 2\.5/);
  const s = sampleStats([3, 5, 7, 9, null]);
  assert.equal(s.n, 4);
  assert.equal(s.nulls, 1);
  const half = (3.1824 * Math.sqrt(20 / 3)) / 2;
  assert.deepEqual(s.ci95, [6 - half, 6 + half]);
});
