// A synthetic finished run for the metrics and report tests: the shape of the incident scenario
// (16 h at 60 s samples, series in every group, two histograms), no simulation needed.
import { newHistogram } from '@cascade/kernel';
import { buildSummary, type RunOutput } from '@cascade/metrics';

export const SAMPLE_INTERVAL_US = 60_000_000;
export const END_US = 16 * 3600 * 1_000_000;

/** Small deterministic generator (mulberry32): fixtures must not depend on Math.random. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticRun(options: { complete?: boolean; scenario?: string; clockStart?: string | null } = {}): RunOutput {
  const rnd = prng(7);
  const buckets = Math.floor(END_US / SAMPLE_INTERVAL_US) + 1;
  const series: RunOutput['series'] = {};
  const put = (name: string, mode: 'sum' | 'max' | 'min', f: (t: number) => number | null): void => {
    const b: Record<number, number> = {};
    for (let i = 0; i < buckets; i++) {
      const v = f(i * 60);
      if (v !== null) b[i] = v;
    }
    series[name] = { mode, buckets: b };
  };
  const droplets = 10_000;
  put('dns.recordEmpty', 'max', (t) => (t >= 60 && t < 9420 ? 1 : 0));
  put('dynamodb.available', 'min', (t) => (t >= 60 && t < 9420 ? 0 : 1));
  put('leases.valid', 'min', (t) => (t < 3000 ? droplets : t < 20_000 ? Math.round(droplets * 0.2) : droplets));
  put('leases.establishAttempts', 'sum', (t) => (t >= 9420 && t < 20_000 ? Math.round(500 + 300 * rnd()) : null));
  put('dwfm.queueLength', 'max', (t) => (t >= 9420 && t < 20_000 ? Math.round((t - 9420) * 2 * rnd()) : 0));
  put('network.backlog', 'max', (t) => (t >= 23_000 && t < 38_000 ? Math.round(1e4 * Math.sin(((t - 23_000) / 15_000) * Math.PI)) : 0));
  put('nlb.flaps', 'sum', (t) => (t >= 20_000 && t < 51_000 ? Math.round(20 * rnd()) : 0));
  put('launches.succeeded', 'sum', (t) => (t < 3000 || t > 20_000 ? 100 + Math.round(10 * rnd()) : 0));
  put('launches.insufficientCapacity', 'sum', (t) => (t >= 3000 && t <= 20_000 ? 80 + Math.round(10 * rnd()) : 0));
  put('backlogTotal', 'max', (t) => Math.round(t / 100));

  const establish = newHistogram();
  for (let i = 0; i < 8000; i++) establish.recordValue(Math.round(30e6 + 7200e6 * rnd() ** 3));
  const attempt = newHistogram();
  for (let i = 0; i < 50_000; i++) attempt.recordValue(Math.round(20_000 + 30e6 * rnd() ** 6));

  const summary = buildSummary({
    engine: {
      scenario: options.scenario ?? 'us-east-1-2025-10-20',
      seed: 42,
      complete: options.complete ?? true,
      clock: { start: options.clockStart === undefined ? '2025-10-19T23:48:00-07:00' : options.clockStart },
      engine: { threads: 2, partitions: 4, events: 12_345_678, windows: 9876, wallSeconds: 12.5, eventsPerSecond: 987_654, peakRssBytes: 512 * 2 ** 20 },
      digest: 'ab'.repeat(32),
    },
    model: {
      fleet: { droplets, dwfmHosts: 10 },
      dns: { emptyRecordAt: 60, restoredAt: 9420, automationStuck: true, violations: [{ invariant: 'endpoint-never-empty', at: 60, detail: 'dynamodb.us-east-1.amazonaws.com has no records' }] },
      dynamodb: { unavailableFrom: 60, availableAt: 9420 },
      leases: { validFractionMin: 0.2, recoveredAt: 20_040, establishedTotal: 8000, establishLatency: { count: 8000, p50: 600, p90: 4000, p99: 7000, p999: 7200, max: 7230 } },
      launches: { attempted: 60_000, succeeded: 40_000, insufficientCapacity: 19_000, throttled: 1000 },
      phases: [
        { name: 'dns', start: 60, end: 9420 },
        { name: 'dwfm', start: 9420, end: 20_040 },
        { name: 'network', start: 23_000, end: 38_000 },
        { name: 'nlb', start: 20_000, end: null },
      ],
      timeToRecovery: 50_000,
      // the official times a scenario hands over with its run (us-east-1's, here)
      ...(options.scenario === undefined
        ? { official: { source: 'the official timeline', phases: [{ name: 'dns', title: 'DNS record empty', start: 0, end: 9420 }, { name: 'dwfm', title: 'DWFM lease collapse', start: 9420, end: 20_400 }] } }
        : {}),
    },
  });
  return {
    summary,
    config: {
      seed: 42,
      duration: 57_600,
      fleet: { droplets, dwfmHosts: 10 },
      policy: { backoff: { kind: 'none', base: 1, cap: 300 }, queue: 'fifo' },
      safety: { versionCheck: 'once', rejectEmpty: false },
      operator: { restartAt: [15_840, 16_000] },
    },
    sampleIntervalUs: SAMPLE_INTERVAL_US,
    endUs: END_US,
    series,
    histograms: { 'leases.establishLatency': establish, 'dwfm.attemptLatency': attempt },
  };
}
