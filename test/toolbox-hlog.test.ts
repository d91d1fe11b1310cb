// HdrHistogram interval logs (histograms/NAME.hlog) read back with hdr-histogram-js's own log
// reader, and the kernel's per-interval histograms they are made from.
import { Metrics, decodeHistogram, decodeSlotCounts, encodeSlotCounts, mergeMetrics, newHistogram, slotPercentile, type SlotCounts } from '@cascade/kernel';
import { hlogText } from '@cascade/metrics';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-hlog-'));

after(() => rmSync(scratch, { recursive: true, force: true }));

test("each .hlog holds one tagged interval per sample interval, and its intervals add up to the run's histogram", () => {
  const run = join(scratch, 'run');
  const r = spawnSync(process.execPath, [CLI, 'run', '--fleet', '2000', '--no-report', '--out', run, '--quiet'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  const rows = readFileSync(join(run, 'timeseries.csv'), 'utf8').trimEnd().split('\n').length - 1;
  const startMs = Date.parse(summary.clock.start);
  const dir = join(run, 'histograms');
  const names = readdirSync(dir).filter((f) => f.endsWith('.hgrm')).map((f) => f.slice(0, -'.hgrm'.length));
  assert.ok(names.includes('dwfm.attemptLatency') && names.includes('leases.establishLatency'), names.join(', '));

  for (const name of names) {
    const text = readFileSync(join(dir, `${name}.hlog`), 'utf8');
    assert.match(text, /^#\[Histogram log format version 1\.3\]\n/);
    assert.match(text, /intended send time/);
    assert.match(text, /coordinated omission/);
    assert.deepEqual(hdr.listTags(text), [name]);

    const reader = new hdr.HistogramLogReader(text, 64);
    const sum = newHistogram();
    let intervals = 0;
    let busy = 0;
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
      assert.equal(h.tag, name);
      assert.equal(h.startTimeStampMsec, startMs + intervals * config.sampleInterval * 1000, `${name}: interval ${intervals} starts at its wall-clock time`);
      assert.equal(h.endTimeStampMsec - h.startTimeStampMsec, config.sampleInterval * 1000);
      if (h.totalCount > 0) busy++;
      sum.add(h);
      intervals++;
    }
    assert.equal(intervals, rows, `${name}: one interval per row of timeseries.csv`);
    const whole = decodeHistogram(readFileSync(join(dir, `${name}.hdr`), 'utf8').trim());
    assert.ok(whole.totalCount > 0);
    assert.equal(sum.totalCount, whole.totalCount, name);
    assert.equal(hdr.encodeIntoCompressedBase64(sum), hdr.encodeIntoCompressedBase64(whole), `${name}: the intervals add up to the .hdr`);
    if (name === 'dwfm.attemptLatency') assert.ok(busy > 10, 'attempts spread over many intervals');
  }
});

test('Metrics files each observation under the sample interval of the simulated time it is made at', () => {
  let nowUs = 0;
  const metrics = new Metrics(60_000_000, () => nowUs);
  const at = (seconds: number, valueUs: number) => {
    nowUs = seconds * 1e6;
    metrics.observe('lat', valueUs);
  };
  at(0, 10);
  at(59.999999, 20);
  at(60, 30);
  at(125, 40);
  at(125, 50);
  const exported = metrics.export();
  const counts = (intervals: Record<number, string> | undefined) =>
    Object.fromEntries(Object.entries(intervals ?? {}).map(([k, v]) => [k, decodeHistogram(v).totalCount]));
  assert.deepEqual(counts(exported.intervals?.['lat']), { 0: 2, 1: 1, 2: 2 });
  assert.equal(decodeHistogram(exported.histograms['lat'] as string).totalCount, 5);
  assert.equal(decodeHistogram(exported.intervals?.['lat']?.[2] as string).maxValue, 50);

  // exporting changes nothing: later values still land in their intervals and the total
  at(130, 60);
  const again = metrics.export();
  assert.deepEqual(counts(again.intervals?.['lat']), { 0: 2, 1: 1, 2: 3 });
  assert.equal(decodeHistogram(again.histograms['lat'] as string).totalCount, 6);
});

test('interval histograms add up across partitions and survive a checkpoint restore', () => {
  let aUs = 0;
  let bUs = 0;
  const a = new Metrics(1_000_000, () => aUs);
  const b = new Metrics(1_000_000, () => bUs);
  for (let i = 0; i < 30; i++) {
    aUs = i * 100_000;
    a.observe('lat', 1000 + i);
    // values of every magnitude, up to 2^39 µs
    for (let k = 0; k < 40; k += 3) a.observe('wide', 2 ** k + i * 7919);
    bUs = i * 200_000;
    b.observe('lat', 5000 + i);
  }
  const merged = mergeMetrics([a.result(), b.result()]);
  const encoded = encodeEach(merged.intervals['lat']);
  const counts = Object.fromEntries(Object.entries(encoded).map(([k, v]) => [k, decodeHistogram(v).totalCount]));
  assert.deepEqual(counts, { 0: 15, 1: 15, 2: 15, 3: 5, 4: 5, 5: 5 });
  assert.equal(merged.histograms['lat']?.totalCount, 60);

  // a restored partition keeps recording into the interval it was in
  let cUs = 2_500_000;
  const restored = new Metrics(1_000_000, () => cUs);
  restored.absorb(a.export());
  restored.observe('lat', 7);
  cUs = 3_000_000;
  restored.observe('lat', 8);
  const back = restored.export();
  const backCounts = Object.fromEntries(Object.entries(back.intervals?.['lat'] ?? {}).map(([k, v]) => [k, decodeHistogram(v).totalCount]));
  assert.deepEqual(backCounts, { 0: 10, 1: 10, 2: 11, 3: 1 });
  assert.equal(decodeHistogram(back.histograms['lat'] as string).totalCount, 32);
  // its result hands every interval over as slot counts, those restored from the checkpoint
  // included, and they encode to the same bytes as the checkpoint's
  const handed = restored.result().intervals;
  for (const name of ['lat', 'wide']) assert.deepEqual(encodeEach(handed[name]), back.intervals?.[name], name);
});

function encodeEach(intervals: Record<number, SlotCounts> | undefined): Record<number, string> {
  return Object.fromEntries(Object.entries(intervals ?? {}).map(([k, v]) => [k, encodeSlotCounts(v)]));
}

/** Values of every magnitude, some repeated, as a histogram and as its slot counts. */
const latencies = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 3 })), { maxLength: 60 });

function recorded(values: [number, number, number][]): { histogram: hdr.Histogram; pairs: SlotCounts } {
  const histogram = newHistogram();
  for (const [bits, f, n] of values) histogram.recordValueWithCount(Math.floor(f * 2 ** bits), n);
  return { histogram, pairs: decodeSlotCounts(hdr.encodeIntoCompressedBase64(histogram)) };
}

test('percentiles read from slot counts are the HDR histogram\'s own', () => {
  fc.assert(
    fc.property(latencies, (values) => {
      const { histogram, pairs } = recorded(values);
      for (const p of [0, 1, 50, 90, 99, 99.9, 100]) assert.equal(slotPercentile(pairs, p), histogram.getValueAtPercentile(p), `p${p}`);
    }),
  );
  // 7% of 100 values is 7.000000000000001 in floating point: the library still takes the 7th
  const hundred = recorded(Array.from({ length: 100 }, (_, i): [number, number, number] => [7, (i + 1) / 128, 1]));
  assert.equal(hundred.histogram.getValueAtPercentile(7), 7);
  assert.equal(slotPercentile(hundred.pairs, 7), 7);
});

test('an .hlog written from slot counts is the text HdrHistogram\'s log writer makes from the histograms', () => {
  const intervalS = 10;
  fc.assert(
    fc.property(fc.array(fc.option(latencies, { nil: undefined }), { minLength: 1, maxLength: 6 }), (perInterval) => {
      const intervals: Record<number, SlotCounts> = {};
      const histograms: (hdr.Histogram | undefined)[] = [];
      const total = newHistogram();
      perInterval.forEach((values, i) => {
        if (values === undefined) return;
        const { histogram, pairs } = recorded(values);
        intervals[i] = pairs;
        histograms[i] = histogram;
        total.add(histogram);
      });
      const input = { name: 'lat ms', startMs: Date.UTC(2025, 9, 20), clockNote: 'test', sampleIntervalUs: intervalS * 1e6, intervalCount: perInterval.length, total };
      const lines = hlogText({ ...input, intervals }).split('\n');
      const reference: string[] = [];
      const writer = new hdr.HistogramLogWriter((text) => reference.push(text));
      perInterval.forEach((_, i) => {
        const histogram = histograms[i] === undefined ? newHistogram() : decodeHistogram(hdr.encodeIntoCompressedBase64(histograms[i] as hdr.Histogram));
        histogram.tag = 'lat_ms';
        writer.outputIntervalHistogram(histogram, i * intervalS, (i + 1) * intervalS, 1000);
      });
      const intervalLines = lines.filter((line) => line.startsWith('Tag='));
      assert.deepEqual(intervalLines, reference.join('').trimEnd().split('\n'));
    }),
  );
});
