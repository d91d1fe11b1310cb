// The memory guard's estimates against the peaks measured for benchmarks/README.md ("Memory
// guard"): within 25% at three sizes of each calibrated scenario, and one guard for pools of runs.
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** Peak RSS of `cascade run --threads 1` (bytes), as in the table of benchmarks/README.md. */
const MEASURED: { scenario: string; fleet: string; duration: string; peakBytes: number }[] = [
  { scenario: 'lease-storm', fleet: '1e5', duration: '80m', peakBytes: 148_328_448 },
  { scenario: 'lease-storm', fleet: '3e5', duration: '80m', peakBytes: 172_720_128 },
  { scenario: 'lease-storm', fleet: '1e6', duration: '80m', peakBytes: 259_174_400 },
  { scenario: 'phold', fleet: '1e5', duration: '1', peakBytes: 139_915_264 },
  { scenario: 'phold', fleet: '3e5', duration: '1', peakBytes: 213_078_016 },
  { scenario: 'phold', fleet: '1e6', duration: '1', peakBytes: 323_928_064 },
  { scenario: 'dns-race', fleet: '300', duration: '30m', peakBytes: 127_447_040 },
  { scenario: 'dns-race', fleet: '1e4', duration: '30m', peakBytes: 130_994_176 },
  { scenario: 'dns-race', fleet: '1e5', duration: '30m', peakBytes: 140_357_632 },
  { scenario: 'us-east-1-2025-10-20', fleet: '5e4', duration: '16h', peakBytes: 234_221_568 },
  { scenario: 'us-east-1-2025-10-20', fleet: '2e5', duration: '16h', peakBytes: 339_714_048 },
  { scenario: 'us-east-1-2025-10-20', fleet: '1e6', duration: '16h', peakBytes: 581_959_680 },
];

for (const m of MEASURED) {
  test(`${m.scenario} at ${m.fleet}: the memory estimate is within 25% of the measured peak`, () => {
    const def = scenarioDef(m.scenario);
    const estimate = def.estimateMemoryBytes?.(resolveConfig(def, { fleet: m.fleet, duration: m.duration })) as number;
    const error = (estimate - m.peakBytes) / m.peakBytes;
    assert.ok(Math.abs(error) <= 0.25, `estimate ${(estimate / 1e6).toFixed(0)} MB, measured ${(m.peakBytes / 1e6).toFixed(0)} MB (${(error * 100).toFixed(0)}%)`);
  });
}
