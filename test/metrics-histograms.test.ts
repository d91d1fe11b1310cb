// The metrics' interval histograms count values by slot (found with integer bit counts) and settle
// the counts into the HDR histogram when it is read: every export must equal a histogram that
// recorded each value as it came, per interval and in total, also when exported in the middle of a
// run, and the slots must be the HDR histogram's own over the whole trackable range.
import { AssertionError, HIGHEST_TRACKABLE_US, Metrics, decodeHistogram, histogramSlot, histogramSlotValue, newHistogram } from '@cascade/kernel';
import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const DT = 1_000_000;

type Histogram = ReturnType<typeof newHistogram>;
/** What an encoded histogram reads back as (the encoding keeps counts per bucket, not exact extremes). */
const asRead = (encoded: string) => decodeHistogram(encoded).outputPercentileDistribution();
const plainRead = (h: Histogram) => asRead(hdr.encodeIntoCompressedBase64(h));

/** The HDR histogram's own slot of a value (an internal of hdr-histogram-js, read only here). */
const hdrSlot = (h: Histogram, value: number): number => (h as unknown as { countsArrayIndex(v: number): number }).countsArrayIndex(value);

test("a value's slot is the HDR histogram's, and a slot's value falls in it, from 0 to the highest trackable value", () => {
  const h = newHistogram();
  const edges: number[] = [0, 1, 2047, 2048, 2049, 4095, 4096, HIGHEST_TRACKABLE_US];
  for (let k = 11; k <= 40; k++) edges.push(2 ** k - 1, 2 ** k, 2 ** k + 1);
  const check = (value: number) => {
    const slot = histogramSlot(value);
    assert.equal(slot, hdrSlot(h, value), `slot of ${value}`);
    assert.equal(histogramSlot(histogramSlotValue(slot)), slot, `value of slot ${slot}`);
    assert.equal(hdrSlot(h, histogramSlotValue(slot)), slot);
  };
  edges.filter((v) => v <= HIGHEST_TRACKABLE_US).forEach(check);
  // every value below 2^20; above it, every slot's lowest value, the value below it and its middle
  for (let value = 0; value < 2 ** 20; value++) assert.equal(histogramSlot(value), hdrSlot(h, value), `slot of ${value}`);
  const last = histogramSlot(HIGHEST_TRACKABLE_US);
  for (let slot = 1; slot <= last; slot++) {
    const low = histogramSlotValue(slot);
    const middle = Math.floor((low + (slot < last ? histogramSlotValue(slot + 1) : low + 1)) / 2);
    assert.equal(histogramSlot(low), slot, `lowest value of slot ${slot}`);
    assert.equal(histogramSlot(low - 1), slot - 1, `below slot ${slot}`);
    assert.equal(histogramSlot(middle), hdrSlot(h, middle), `slot of ${middle}`);
    assert.equal(hdrSlot(h, low), slot);
  }
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (bits, f) => check(Math.min(HIGHEST_TRACKABLE_US, Math.floor(f * 2 ** bits)))),
    { numRuns: 20_000 },
  );
});

test('interval histograms export exactly what was recorded, whether values repeat or not, and intervals come back or not', () => {
  // chunks of values, each in one of four sample intervals (the same one may come back, as for
  // items sent ahead, observed in their arrival's interval): a pool of distinct values (1: all
  // repeat, 5000: hardly any), their spacing (the widest reaches past 2^32 µs, up to 2^40) and how
  // many draws
  const chunk = fc.record({
    interval: fc.integer({ min: 0, max: 3 }),
    pool: fc.integer({ min: 1, max: 5000 }),
    step: fc.constantFrom(37, 1_000_003, 200_000_033),
    draws: fc.integer({ min: 0, max: 6000 }),
    seed: fc.integer(),
  });
  fc.assert(
    fc.property(fc.array(chunk, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 5 }), (chunks, exportAfter) => {
      const metrics = new Metrics(DT, () => 0);
      const plainTotal = newHistogram();
      const plainIntervals = [0, 1, 2, 3].map(() => newHistogram());
      let midway: string | undefined;
      chunks.forEach((spec, i) => {
        let x = spec.seed >>> 0;
        for (let k = 0; k < spec.draws; k++) {
          x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
          const value = 1 + (x % spec.pool) * spec.step;
          metrics.observeAt('latency', value, spec.interval * DT + k);
          plainTotal.recordValue(value);
          (plainIntervals[spec.interval] as Histogram).recordValue(value);
        }
        // an export in the middle of the run leaves the recording state as it was
        if (i === exportAfter) midway = metrics.export().histograms['latency'];
      });
      const out = metrics.export();
      if (plainTotal.totalCount === 0) return;
      const total = out.histograms['latency'];
      assert.ok(total !== undefined);
      assert.equal(asRead(total), plainRead(plainTotal));
      // the encodings keep counts per slot only: they are the same bytes
      assert.equal(total, hdr.encodeIntoCompressedBase64(plainTotal));
      plainIntervals.forEach((plain, i) => {
        const encoded = out.intervals?.['latency']?.[i];
        if (plain.totalCount === 0) assert.equal(encoded, undefined);
        else assert.equal(encoded, hdr.encodeIntoCompressedBase64(plain));
      });
      if (midway !== undefined) assert.ok(decodeHistogram(midway).totalCount <= plainTotal.totalCount);
      // a second export gives the same
      assert.deepEqual(metrics.export(), out);
    }),
    { numRuns: 60 },
  );
});

test('observing NaN is a kernel assertion naming the histogram, not a value lost in no slot', () => {
  const metrics = new Metrics(DT, () => 0);
  metrics.observe('latency', 5);
  assert.throws(() => metrics.observe('latency', Number.NaN), (e: Error) => e instanceof AssertionError && /histogram latency: observed NaN/.test(e.message));
  assert.equal(decodeHistogram(metrics.export().histograms['latency'] as string).totalCount, 1);
});
