// Checkpoints: a run resumed from any of its checkpoints, on any thread count, ends with the
// digest of the uninterrupted run; corrupted checkpoints are rejected.
import { CodecError, decodeCheckpoint, simulate } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const SCENARIOS = import.meta.resolve('@cascade/scenarios');
const FIXTURES = new URL('./fixtures/models.mjs', import.meta.url).href;

interface Case {
  readonly name: string;
  readonly modelModule: string;
  readonly scenario: string;
  readonly config: unknown;
  readonly everyUs: number;
}

const cases: Case[] = [
  { name: 'PHOLD', modelModule: SCENARIOS, scenario: 'phold', config: resolveConfig(scenarioDef('phold'), { sets: ['phold.lps=800', 'duration=12', 'phold.remote=0.3'] }), everyUs: 3_000_000 },
  { name: 'data-oriented shards', modelModule: FIXTURES, scenario: 'shards', config: { seed: 9, endUs: 2_000_000, shards: 4, servers: 3, entities: 200, thinkUs: 40_000, serviceUs: 30 }, everyUs: 500_000 },
  { name: 'lease-storm', modelModule: SCENARIOS, scenario: 'lease-storm', config: resolveConfig(scenarioDef('lease-storm'), { fleet: '3000', sets: ['fleet.dwfmHosts=3', 'duration=2h'] }), everyUs: 1_800_000_000 },
  { name: 'us-east-1-2025-10-20 (small fleet)', modelModule: SCENARIOS, scenario: 'us-east-1-2025-10-20', config: resolveConfig(scenarioDef('us-east-1-2025-10-20'), { fleet: '3000', sets: ['duration=8h'] }), everyUs: 7_200_000_000 },
  { name: 'dns-race', modelModule: SCENARIOS, scenario: 'dns-race', config: resolveConfig(scenarioDef('dns-race'), { sets: ['duration=2h', 'dns.endpoints=50'] }), everyUs: 1_200_000_000 },
];

for (const c of cases) {
  test(`${c.name}: resuming from a checkpoint on 1 or 2 threads gives the uninterrupted digest`, async () => {
    const saved: { bytes: Uint8Array; atUs: number }[] = [];
    const full = await simulate({ ...c, threads: 2, checkpoint: { everyUs: c.everyUs, write: (bytes, atUs) => saved.push({ bytes, atUs }) } });
    assert.ok(saved.length >= 2, `${saved.length} checkpoints`);
    const plain = await simulate({ ...c, threads: 1 });
    assert.equal(plain.digest, full.digest, 'checkpointing does not change the run');
    const middle = saved[Math.floor(saved.length / 2)] as { bytes: Uint8Array; atUs: number };
    assert.equal(decodeCheckpoint(middle.bytes).atUs, middle.atUs);
    for (const threads of [1, 2]) {
      const resumed = await simulate({ ...c, threads, resumeFrom: middle.bytes });
      assert.equal(resumed.digest, full.digest, `resumed at ${middle.atUs}µs on ${threads} thread(s)`);
      assert.deepEqual(resumed.summary, full.summary);
    }
  });
}

test('a checkpoint with any single byte changed is rejected with a CodecError', async () => {
  const c = cases[0] as Case;
  let bytes: Uint8Array | undefined;
  await simulate({ ...c, threads: 1, checkpoint: { everyUs: c.everyUs, write: (b) => (bytes ??= b) } });
  const original = bytes as Uint8Array;
  fc.assert(
    fc.property(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
      const copy = Uint8Array.from(original);
      copy[at] = ((copy[at] as number) + delta) & 0xff;
      assert.throws(() => decodeCheckpoint(copy), CodecError);
    }),
    { numRuns: 200 },
  );
});
