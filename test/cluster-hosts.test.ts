// One partitioned run across worker processes over NATS: the same digest as a local run; a lost
// worker fails the run quickly, naming the worker and the window, and frees the others.
import { natsHosts } from '@cascade/cluster';
import { simulate } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startNats, startWorkers, type Nats, type WorkerProcess } from './cluster-fixture.js';

const SCENARIOS = import.meta.resolve('@cascade/scenarios');
const phold = (sets: string[]) => resolveConfig(scenarioDef('phold'), { sets: ['phold.lps=2000', 'phold.remote=0.3', ...sets] });

let nats: Nats;
let workers: WorkerProcess[] = [];
before(async () => {
  nats = await startNats();
  workers = await startWorkers(nats.url, 2);
});
after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await nats.stop();
});

test('a partitioned run over 2 worker processes gives the local digest', async () => {
  const config = phold(['duration=20']);
  const local = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 1 });
  const remote = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 2, hosts: natsHosts({ url: nats.url, workers: 2 }) });
  assert.equal(remote.partitions, 2);
  assert.ok(remote.windows > 100);
  assert.equal(remote.complete, true);
  assert.equal(remote.events, local.events);
  assert.equal(remote.digest, local.digest);
});

test('three partitions on two workers give the local digest', async () => {
  const config = phold(['duration=10']);
  const local = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 1 });
  const remote = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 3, placement: 'round-robin', hosts: natsHosts({ url: nats.url, workers: 2 }) });
  assert.equal(remote.partitions, 3);
  assert.equal(remote.digest, local.digest);
});

test('messages larger than the server max_payload travel in chunks and give the local digest', async () => {
  // 2 KB frames: window batches (about 5 KB here) are split across several NATS messages.
  const small = await startNats('max_payload: 2048');
  const pair = await startWorkers(small.url, 2);
  try {
    const config = phold(['duration=5', 'phold.remote=0.9', 'phold.lps=4000']);
    const local = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 1 });
    const remote = await simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 2, hosts: natsHosts({ url: small.url, workers: 2 }) });
    assert.equal(remote.digest, local.digest);
  } finally {
    await Promise.all(pair.map((w) => w.stop()));
    await small.stop();
  }
});

test('too few workers: the run fails saying how many answered', async () => {
  const config = phold(['duration=5']);
  await assert.rejects(
    simulate({ modelModule: SCENARIOS, scenario: 'phold', config, threads: 3, hosts: natsHosts({ url: nats.url, workers: 3, timeoutMs: 1_000 }) }),
    /only 2 of the 3 workers needed answered.*cascade worker --nats/,
  );
});

test('a worker lost mid-run fails the run within the timeout, naming the worker and the window, and frees the other', async () => {
  const timeoutMs = 2_000;
  const config = phold(['duration=2000']);
  const [survivor, victim] = workers as [WorkerProcess, WorkerProcess];
  const outputBefore = survivor.output().length;
  let killedAtMs: number | undefined;
  const run = simulate({
    modelModule: SCENARIOS,
    scenario: 'phold',
    config,
    threads: 2,
    hosts: natsHosts({ url: nats.url, workers: 2, timeoutMs }),
    onProgress: (p) => {
      if (killedAtMs === undefined && p.windows >= 20) {
        killedAtMs = Date.now();
        victim.child.kill('SIGKILL');
      }
    },
  });
  const error = await run.then(
    () => assert.fail('a run that lost a worker must not report a result'),
    (e: unknown) => e as Error,
  );
  assert.notEqual(killedAtMs, undefined, 'the worker was killed mid-run');
  const failedAfterMs = Date.now() - (killedAtMs as number);
  assert.ok(failedAfterMs < timeoutMs + 1_500, `failed ${failedAfterMs} ms after the kill`);
  assert.match(error.message, new RegExp(`worker [^ ]+:${victim.pid} \\(partitions? [0-9,]+\\) was lost: no heartbeat for [0-9.]+ s \\(in the window starting at t=`));
  // The surviving worker ends its session and still stops promptly when asked.
  await survivor.waitFor(/session \S+ (closed|ended)/, 5_000);
  assert.match(survivor.output().slice(outputBefore), /hosting partitions/);
  assert.equal(await survivor.stop(5_000), true, 'the surviving worker exits when stopped');
  workers = [];
});
