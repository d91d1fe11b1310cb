// The window loop on shared memory: hosts exchange batches through mailboxes (or, for batches
// too big for one, a port) and meet at a barrier; none of it may change a digest.
import { simulate } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const SCENARIOS = import.meta.resolve('@cascade/scenarios');

const phold = (sets: string[]) => resolveConfig(scenarioDef('phold'), { sets });

test('batches too big for a mailbox go over the port and give the same digest', async () => {
  const config = phold(['phold.lps=2000', 'duration=5', 'phold.remote=0.5']);
  const base = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 1 });
  // 64 bytes holds no batch of this run: every one takes the port
  for (const mailboxBytes of [64, 4096]) {
    const run = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 2, mailboxBytes });
    assert.ok(run.windows > 40);
    assert.equal(run.digest, base.digest, `mailbox of ${mailboxBytes} bytes`);
  }
});

test('windows where one partition, or every partition but one, has nothing to do keep the digest', async () => {
  // Two LPs and two events, long gaps and a short lookahead: most windows hold one event, on one
  // partition, while the other only meets it at the barrier.
  const config = phold(['phold.lps=2', 'phold.remote=0.5', 'phold.lookahead=1ms', 'phold.mean=1s', 'duration=120']);
  const base = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 1 });
  assert.ok(base.events > 100);
  const run = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 2 });
  assert.equal(run.partitions, 2);
  assert.ok(run.windows >= base.events / 2, `${run.windows} windows for ${base.events} events`);
  assert.equal(run.digest, base.digest);
});

test('checkpoints every 100 ms of a run whose events are seconds apart stop between windows and resume to the same digest', async () => {
  const config = phold(['phold.lps=2', 'phold.remote=0.5', 'phold.lookahead=1ms', 'phold.mean=2s', 'duration=20']);
  const base = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 1 });
  const saved: { bytes: Uint8Array; atUs: number }[] = [];
  const run = await simulate({
    modelModule: SCENARIOS,
    scenario: 'phold',
    config,
    threads: 2,
    checkpoint: { everyUs: 100_000, write: (bytes, atUs) => saved.push({ bytes, atUs }) },
  });
  assert.equal(run.digest, base.digest);
  // a checkpoint is taken only where an event follows: at most one per gap between events
  assert.ok(saved.length > 5 && saved.length < 200, `${saved.length} checkpoints`);
  const middle = saved[Math.floor(saved.length / 2)] as { bytes: Uint8Array; atUs: number };
  for (const threads of [1, 2]) {
    const resumed = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads, resumeFrom: middle.bytes });
    assert.equal(resumed.digest, base.digest, `resumed at ${middle.atUs}µs on ${threads} thread(s)`);
  }
});

test('an interrupt reaches every host at the same barrier: the run stops early, incomplete, with the events so far', async () => {
  const config = phold(['phold.lps=20000', 'duration=1000']);
  const controller = new AbortController();
  const run = await simulate({
    modelModule: SCENARIOS,
    scenario: 'phold',
    config,
    threads: 2,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.events > 200_000) controller.abort();
    },
  });
  assert.equal(run.complete, false);
  assert.ok(run.reachedUs > 0 && run.reachedUs < 1000e6, `reached ${run.reachedUs}µs`);
  assert.ok(run.events > 200_000);
});
