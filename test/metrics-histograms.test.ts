// The metrics' interval histograms hold repeated values back as counts, and record directly once an
// interval's values hardly repeat: either way every export must equal a histogram that recorded
// each value as it came, per interval and in total, also when exported in the middle of a run.
import { Metrics, decodeHistogram, newHistogram } from '@cascade/kernel';
import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const DT = 1_000_000;

type Histogram = ReturnType<typeof newHistogram>;
/** What an encoded histogram reads back as (the encoding keeps counts per bucket, not exact extremes). */
const asRead = (encoded: string) => decodeHistogram(encoded).outputPercentileDistribution();
const plainRead = (h: Histogram) => asRead(hdr.encodeIntoCompressedBase64(h));

test('interval histograms export exactly what was recorded, whether values repeat or not', () => {
  // per interval: a pool of distinct values (1: all repeat, 5000: hardly any) and how many draws
  const interval = fc.record({ pool: fc.integer({ min: 1, max: 5000 }), draws: fc.integer({ min: 0, max: 6000 }), seed: fc.integer() });
  fc.assert(
    fc.property(fc.array(interval, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 3 }), (intervals, exportAfter) => {
      let now = 0;
      const metrics = new Metrics(DT, () => now);
      const plainTotal = newHistogram();
      const plainIntervals = intervals.map(() => newHistogram());
      let midway: string | undefined;
      intervals.forEach((spec, i) => {
        now = i * DT;
        let x = spec.seed >>> 0;
        for (let k = 0; k < spec.draws; k++) {
          x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
          const value = 1 + (x % spec.pool) * 37;
          metrics.observe('latency', value);
          plainTotal.recordValue(value);
          (plainIntervals[i] as Histogram).recordValue(value);
        }
        // an export in the middle of the run leaves the recording state as it was
        if (i === exportAfter) midway = metrics.export().histograms['latency'];
      });
      const out = metrics.export();
      if (plainTotal.totalCount === 0) return;
      const total = out.histograms['latency'];
      assert.ok(total !== undefined);
      assert.equal(asRead(total), plainRead(plainTotal));
      intervals.forEach((_, i) => {
        const plain = plainIntervals[i] as Histogram;
        const encoded = out.intervals?.['latency']?.[i];
        if (plain.totalCount === 0) assert.equal(encoded, undefined);
        else assert.equal(asRead(encoded as string), plainRead(plain));
      });
      if (midway !== undefined) assert.ok(decodeHistogram(midway).totalCount <= plainTotal.totalCount);
    }),
    { numRuns: 40 },
  );
});
