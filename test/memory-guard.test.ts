// The memory guard's estimates against the peaks measured for benchmarks/README.md (re-measured
// in "The retry count in the droplet record, ...", lease-storm and us-east-1 again in "32-byte
// actor rows, ..."): within 25% at three sizes of each calibrated scenario, and one guard for
// pools of runs.
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** Peak RSS of `cascade run --threads 1` (bytes), as in the table of benchmarks/README.md. */
const MEASURED: { scenario: string; fleet: string; duration: string; peakBytes: number }[] = [
  { scenario: 'lease-storm', fleet: '1e5', duration: '80m', peakBytes: 140_058_624 },
  { scenario: 'lease-storm', fleet: '3e5', duration: '80m', peakBytes: 160_448_512 },
  { scenario: 'lease-storm', fleet: '1e6', duration: '80m', peakBytes: 259_997_696 },
  { scenario: 'phold', fleet: '1e5', duration: '1', peakBytes: 129_662_976 },
  { scenario: 'phold', fleet: '3e5', duration: '1', peakBytes: 169_680_896 },
  { scenario: 'phold', fleet: '1e6', duration: '1', peakBytes: 314_826_752 },
  { scenario: 'dns-race', fleet: '300', duration: '30m', peakBytes: 116_973_568 },
  { scenario: 'dns-race', fleet: '1e4', duration: '30m', peakBytes: 114_049_024 },
  { scenario: 'dns-race', fleet: '1e5', duration: '30m', peakBytes: 117_813_248 },
  { scenario: 'us-east-1-2025-10-20', fleet: '5e4', duration: '16h', peakBytes: 186_245_120 },
  { scenario: 'us-east-1-2025-10-20', fleet: '2e5', duration: '16h', peakBytes: 244_596_736 },
  { scenario: 'us-east-1-2025-10-20', fleet: '1e6', duration: '16h', peakBytes: 652_427_264 },
];

for (const m of MEASURED) {
  test(`${m.scenario} at ${m.fleet}: the memory estimate is within 25% of the measured peak`, () => {
    const def = scenarioDef(m.scenario);
    const estimate = def.estimateMemoryBytes?.(resolveConfig(def, { fleet: m.fleet, duration: m.duration })) as number;
    const error = (estimate - m.peakBytes) / m.peakBytes;
    assert.ok(Math.abs(error) <= 0.25, `estimate ${(estimate / 1e6).toFixed(0)} MB, measured ${(m.peakBytes / 1e6).toFixed(0)} MB (${(error * 100).toFixed(0)}%)`);
  });
}
