// The memory guard's estimates against the peaks measured for benchmarks/README.md (re-measured
// in "Memory guard" when one-thread runs moved onto a worker): within 25% at three sizes of each
// calibrated scenario, and one guard for pools of runs.
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** Peak RSS of `cascade run --threads 1` (bytes), as in the table of benchmarks/README.md. */
const MEASURED: { scenario: string; fleet: string; duration: string; peakBytes: number }[] = [
  { scenario: 'lease-storm', fleet: '1e5', duration: '80m', peakBytes: 155_140_096 },
  { scenario: 'lease-storm', fleet: '3e5', duration: '80m', peakBytes: 218_152_960 },
  { scenario: 'lease-storm', fleet: '1e6', duration: '80m', peakBytes: 316_100_608 },
  { scenario: 'phold', fleet: '1e5', duration: '1', peakBytes: 132_112_384 },
  { scenario: 'phold', fleet: '3e5', duration: '1', peakBytes: 169_480_192 },
  { scenario: 'phold', fleet: '1e6', duration: '1', peakBytes: 354_361_344 },
  { scenario: 'dns-race', fleet: '300', duration: '30m', peakBytes: 119_586_816 },
  { scenario: 'dns-race', fleet: '1e4', duration: '30m', peakBytes: 118_714_368 },
  { scenario: 'dns-race', fleet: '1e5', duration: '30m', peakBytes: 118_247_424 },
  { scenario: 'us-east-1-2025-10-20', fleet: '5e4', duration: '16h', peakBytes: 247_758_848 },
  { scenario: 'us-east-1-2025-10-20', fleet: '2e5', duration: '16h', peakBytes: 291_221_504 },
  { scenario: 'us-east-1-2025-10-20', fleet: '1e6', duration: '16h', peakBytes: 566_702_080 },
];

for (const m of MEASURED) {
  test(`${m.scenario} at ${m.fleet}: the memory estimate is within 25% of the measured peak`, () => {
    const def = scenarioDef(m.scenario);
    const estimate = def.estimateMemoryBytes?.(resolveConfig(def, { fleet: m.fleet, duration: m.duration })) as number;
    const error = (estimate - m.peakBytes) / m.peakBytes;
    assert.ok(Math.abs(error) <= 0.25, `estimate ${(estimate / 1e6).toFixed(0)} MB, measured ${(m.peakBytes / 1e6).toFixed(0)} MB (${(error * 100).toFixed(0)}%)`);
  });
}
