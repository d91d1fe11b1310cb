// Jobs over NATS: a batch of runs through worker processes gives exactly the local results, once
// each, even when a worker is killed mid-batch; stops, failures and missing credentials behave.
import { runManyOverNats, runWorker } from '@cascade/cluster';
import { runMany, type ModelRef, type RunTaskResult } from '@cascade/runtime';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startNats, startWorkers, type Nats, type WorkerProcess } from './cluster-fixture.js';

const SCENARIOS = import.meta.resolve('@cascade/scenarios');
const FIXTURES = new URL('./fixtures/models.mjs', import.meta.url).href;

function pholdSpecs(count: number, sets: string[]): ModelRef[] {
  return Array.from({ length: count }, (_, i) => ({
    modelModule: SCENARIOS,
    scenario: 'phold',
    config: resolveConfig(scenarioDef('phold'), { sets: [...sets, `seed=${i + 1}`] }),
  }));
}

/** Everything but the wall time, which differs from run to run. */
const comparable = (r: RunTaskResult | undefined) => (r === undefined ? undefined : { events: r.events, digest: r.digest, summary: r.summary });

let nats: Nats;
let workers: WorkerProcess[] = [];
before(async () => {
  nats = await startNats();
  workers = await startWorkers(nats.url, 3);
});
after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await nats.stop();
});

test('a batch of runs through 3 worker processes gives exactly the local results, in spec order', async () => {
  const specs = pholdSpecs(9, ['phold.lps=400', 'duration=10']);
  const calls = new Array<number>(specs.length).fill(0);
  const remote = await runManyOverNats(specs, { url: nats.url, timeoutMs: 30_000, onResult: (i) => (calls[i] = (calls[i] as number) + 1) });
  const local = await runMany(specs, { threads: 2 });
  assert.equal(remote.stoppedAt, undefined);
  assert.deepEqual(remote.results.map(comparable), local.results.map(comparable));
  assert.deepEqual(calls, specs.map(() => 1));
  assert.equal(new Set(remote.results.map((r) => r?.digest)).size, specs.length, 'every seed gives its own run');
});

test('stopWhen stops at the first run in spec order; the runs after it are cancelled', async () => {
  const specs = pholdSpecs(8, ['phold.lps=300', 'duration=5']);
  const local = await runMany(specs, { threads: 2 });
  const target = new Set([local.results[2]?.digest, local.results[5]?.digest]);
  const remote = await runManyOverNats(specs, { url: nats.url, timeoutMs: 30_000, stopWhen: (r) => target.has(r.digest) });
  assert.equal(remote.stoppedAt, 2);
  assert.deepEqual(remote.results.slice(0, 3).map(comparable), local.results.slice(0, 3).map(comparable));
  assert.deepEqual(remote.results.slice(3), [undefined, undefined, undefined, undefined, undefined]);
});

test('a run that throws fails the batch, naming the run and the worker', async () => {
  const specs: ModelRef[] = [
    { modelModule: SCENARIOS, scenario: 'phold', config: resolveConfig(scenarioDef('phold'), { sets: ['phold.lps=100', 'duration=2'] }) },
    { modelModule: FIXTURES, scenario: 'crash', config: { seed: 1, endUs: 1_000_000, throwAtUs: 5_000 } },
  ];
  await assert.rejects(runManyOverNats(specs, { url: nats.url, timeoutMs: 30_000 }), /run 1 failed on worker [^:]+:\d+: .*injected fault/);
});

test('a worker or a sweep without the cluster token is refused', async () => {
  const controller = new AbortController();
  const refused = /authorization violation.*no token was given.*CASCADE_NATS_TOKEN/s;
  await assert.rejects(runWorker({ url: nats.bareUrl, threads: 1, signal: controller.signal }), refused);
  await assert.rejects(runWorker({ url: nats.bareUrl, token: 'wrong', threads: 1, signal: controller.signal }), /the token is wrong/);
  await assert.rejects(runManyOverNats(pholdSpecs(1, []), { url: nats.bareUrl }), refused);
});

test('a worker given the token in CASCADE_NATS_TOKEN joins', async () => {
  const controller = new AbortController();
  process.env['CASCADE_NATS_TOKEN'] = nats.token;
  try {
    let joined = false;
    const worker = runWorker({ url: nats.bareUrl, threads: 1, signal: controller.signal, log: (line) => (joined ||= / joined /.test(line)) });
    while (!joined) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await worker;
  } finally {
    delete process.env['CASCADE_NATS_TOKEN'];
  }
});

test('with no worker to take them, a batch fails after timeoutMs', async () => {
  const lonely = await startNats();
  try {
    const started = Date.now();
    await assert.rejects(runManyOverNats(pholdSpecs(2, []), { url: lonely.url, timeoutMs: 1_000 }), /no run finished for 1 s.*cascade worker/);
    assert.ok(Date.now() - started < 5_000);
  } finally {
    await lonely.stop();
  }
});

test('a worker stops within a few seconds when asked, even after the NATS server is gone', async () => {
  const doomed = await startNats();
  const [worker] = await startWorkers(doomed.url, 1);
  await doomed.stop();
  const started = Date.now();
  assert.equal(await (worker as WorkerProcess).stop(10_000), true, 'the worker exited after SIGTERM');
  assert.ok(Date.now() - started < 8_000, `stopping took ${Date.now() - started} ms`);
});

test('an interrupted batch rejects and leaves no job queued or running', async () => {
  const controller = new AbortController();
  const specs = pholdSpecs(10, ['phold.lps=1000', 'duration=20']);
  await assert.rejects(
    runManyOverNats(specs, { url: nats.url, signal: controller.signal, onResult: () => controller.abort() }),
    /interrupted/,
  );
  const nc = await connect({ servers: nats.bareUrl.replace('nats://', ''), token: nats.token });
  try {
    const jsm = await jetstreamManager(nc);
    let queued = Infinity;
    for (let i = 0; i < 40 && queued > 0; i++) {
      queued = (await jsm.streams.info('CASCADE_JOBS')).state.messages;
      if (queued > 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(queued, 0);
  } finally {
    await nc.close();
  }
});

test('a worker killed mid-batch: its runs go to the others and each run is recorded exactly once', async () => {
  // Enough runs that every worker is busy when one of them is killed.
  const specs = pholdSpecs(12, ['phold.lps=2000', 'duration=30']);
  const calls = new Array<number>(specs.length).fill(0);
  const victim = workers[0] as WorkerProcess;
  const before = victim.output().length;
  /** Runs the victim started in this batch and has not finished. */
  const unfinished = (): string[] => {
    const output = victim.output().slice(before);
    const done = new Set([...output.matchAll(/run (\d+) of batch \S+ done/g)].map((m) => m[1] as string));
    return [...output.matchAll(/run (\d+) of batch \S+ started/g)].map((m) => m[1] as string).filter((i) => !done.has(i));
  };
  let killedWhileRunning: string[] | undefined;
  const remote = await runManyOverNats(specs, {
    url: nats.url,
    timeoutMs: 30_000,
    onResult: (i) => {
      calls[i] = (calls[i] as number) + 1;
      // Kill it while it is running a job, so that the job must go to another worker.
      if (killedWhileRunning === undefined && unfinished().length > 0) {
        killedWhileRunning = unfinished();
        victim.child.kill('SIGKILL');
      }
    },
  });
  assert.notEqual(killedWhileRunning, undefined, `the worker was killed while running a job:\n${victim.output().slice(before)}`);
  const local = await runMany(specs, { threads: 2 });
  assert.deepEqual(remote.results.map(comparable), local.results.map(comparable));
  assert.deepEqual(calls, specs.map(() => 1));
  workers = workers.slice(1);
});
