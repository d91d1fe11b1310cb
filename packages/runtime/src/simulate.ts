// The coordinator of one run. With one thread it runs the model in this thread; with T threads
// it places the model's partitions on T piscina workers and drives conservative time windows:
// every partition runs the events before GVT + lookahead, the coordinator routes the batches they
// produced, and the next window starts at the global minimum next-event time.
import {
  Partition,
  assembleOutcome,
  formatUs,
  type OutBatch,
  type Model,
  type ModelModule,
  type PartitionResult,
  type Placement,
  type RunOutcome,
  type TimeUs,
} from '@cascade/kernel';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CHECKPOINT_FORMAT, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { decodeBatch } from './codec.js';
import type { StepResult } from './host.js';
import { localHosts, type HostGroupFactory } from './host-group.js';
import type { ModelRef } from './tasks.js';

export interface Progress {
  readonly nowUs: TimeUs;
  readonly endUs: TimeUs;
  readonly events: number;
  readonly windows: number;
  readonly wallSeconds: number;
}

export interface SimulateOptions extends ModelRef {
  /** Worker threads; 1 runs in the calling thread. */
  readonly threads: number;
  readonly placement?: Placement;
  readonly onProgress?: (progress: Progress) => void;
  /**
   * Aborting stops the run within a slice of events (well under a second); the result is then
   * marked incomplete and summarises the simulation as far as it got.
   */
  readonly signal?: AbortSignal;
  /** Take a checkpoint every `everyUs` of simulated time and hand its encoded bytes to `write`. */
  readonly checkpoint?: { readonly everyUs: TimeUs; readonly write: (bytes: Uint8Array, atUs: TimeUs) => void };
  /** Continue from an encoded checkpoint instead of starting at t = 0. */
  readonly resumeFrom?: Uint8Array;
  /** Where partition hosts live when there is more than one (default: local worker threads). */
  readonly hosts?: HostGroupFactory;
}

export interface SimulateResult extends RunOutcome {
  readonly model: Model;
  /** False when the run was interrupted before the model's end. */
  readonly complete: boolean;
  /** Simulated time reached. */
  readonly reachedUs: TimeUs;
  readonly threads: number;
  readonly partitions: number;
  readonly windows: number;
  readonly wallSeconds: number;
  readonly eventsPerSecond: number;
}

/** Events a partition handles between looks at the clock, the abort signal and progress. */
const SLICE_EVENTS = 250_000;
const PROGRESS_INTERVAL_MS = 200;

export async function loadModel(ref: ModelRef): Promise<Model> {
  const mod = (await import(ref.modelModule)) as ModelModule;
  return mod.buildModel(ref.scenario, ref.config);
}

export async function simulate(options: SimulateOptions): Promise<SimulateResult> {
  const model = await loadModel(options);
  const partitions = Math.max(1, Math.min(options.threads, model.groupCount));
  const started = performance.now();
  const run = partitions === 1 ? await runInline(model, options, started) : await runPartitioned(model, partitions, options, started);
  const wallSeconds = (performance.now() - started) / 1000;
  const reachedUs = run.complete ? model.endUs : run.reachedUs;
  const outcome = assembleOutcome(model, run.results, reachedUs);
  return {
    ...outcome,
    model,
    complete: run.complete,
    reachedUs,
    threads: options.threads,
    partitions,
    windows: run.windows,
    wallSeconds,
    eventsPerSecond: wallSeconds > 0 ? outcome.events / wallSeconds : 0,
  };
}

interface RawRun {
  readonly results: PartitionResult[];
  readonly windows: number;
  readonly complete: boolean;
  readonly reachedUs: TimeUs;
}

/** Calls onProgress at most every PROGRESS_INTERVAL_MS. */
function throttled(options: SimulateOptions, started: number) {
  let last = performance.now();
  return (make: () => Omit<Progress, 'wallSeconds'>) => {
    if (options.onProgress === undefined) return;
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    options.onProgress({ ...make(), wallSeconds: (now - started) / 1000 });
  };
}

/** When the next checkpoint is due: the first multiple of everyUs after `afterUs`. */
function nextCheckpointUs(options: SimulateOptions, afterUs: TimeUs): TimeUs {
  const every = options.checkpoint?.everyUs;
  return every === undefined ? Infinity : (Math.floor(afterUs / every) + 1) * every;
}

function writeCheckpoint(options: SimulateOptions, atUs: TimeUs, windows: number, partitions: Checkpoint['partitions'], inflight: OutBatch[]): void {
  const checkpoint: Checkpoint = { format: CHECKPOINT_FORMAT, scenario: options.scenario, config: options.config, atUs, windows, partitions, inflight };
  options.checkpoint?.write(encodeCheckpoint(checkpoint), atUs);
}

async function runInline(model: Model, options: SimulateOptions, started: number): Promise<RawRun> {
  const partition = new Partition(model, 0, new Int32Array(model.actorCount), 1);
  let fromUs = 0;
  if (options.resumeFrom === undefined) {
    partition.init();
  } else {
    const c = decodeCheckpoint(options.resumeFrom);
    partition.restoreState(c.partitions, c.inflight, c.atUs);
    fromUs = c.atUs;
  }
  const report = throttled(options, started);
  const watched = options.onProgress !== undefined || options.signal !== undefined;
  let checkpointAt = nextCheckpointUs(options, fromUs);
  while (partition.nextTimeUs() <= model.endUs) {
    // Every event before checkpointAt runs before the checkpoint is taken.
    partition.run(checkpointAt, model.endUs, SLICE_EVENTS);
    if (partition.nextTimeUs() >= checkpointAt && checkpointAt <= model.endUs) {
      writeCheckpoint(options, checkpointAt, 1, [partition.saveState()], []);
      // An empty stretch may skip several checkpoint times: the next one is after the next event.
      checkpointAt = nextCheckpointUs(options, Math.max(checkpointAt, partition.nextTimeUs()));
    }
    if (!watched) continue;
    await yieldToLoop(); // lets signals and timers in
    if (options.signal?.aborted) {
      return { results: [partition.result(partition.nowUs)], windows: 1, complete: false, reachedUs: partition.nowUs };
    }
    report(() => ({ nowUs: partition.nowUs, endUs: model.endUs, events: partition.events, windows: 1 }));
  }
  return { results: [partition.result()], windows: 1, complete: true, reachedUs: model.endUs };
}

async function runPartitioned(model: Model, partitions: number, options: SimulateOptions, started: number): Promise<RawRun> {
  const group = await (options.hosts ?? localHosts)({
    partitions,
    placement: options.placement ?? 'block',
    modelModule: options.modelModule,
    scenario: options.scenario,
    config: options.config,
  });
  const hosts = group.hosts;
  // A lost host fails the run, saying which window it was in.
  let windowStartUs = 0;
  const failed = group.failed.catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)} (in the window starting at t=${formatUs(windowStartUs)})`);
  });
  failed.catch(() => undefined);
  const call = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);
  const report = throttled(options, started);
  let windows = 0;
  try {
    const resume = options.resumeFrom;
    let steps: StepResult[] = await call(Promise.all(hosts.map((h) => (resume === undefined ? h.init() : h.restore(resume)))));
    let checkpointAt = nextCheckpointUs(options, resume === undefined ? 0 : decodeCheckpoint(resume).atUs);
    let complete = true;
    for (;;) {
      const inbox: Uint8Array[][] = hosts.map(() => []);
      let gvt = Infinity;
      for (const step of steps) {
        gvt = Math.min(gvt, step.nextTimeUs);
        for (const batch of step.outgoing) {
          (inbox[batch.to] as Uint8Array[]).push(batch.bytes);
          gvt = Math.min(gvt, batch.minTimeUs);
        }
      }
      if (gvt >= checkpointAt && checkpointAt <= model.endUs) {
        // Between windows every event before checkpointAt has run: save the run there.
        const states = await call(Promise.all(hosts.map((h) => h.save())));
        writeCheckpoint(options, checkpointAt, windows, states, inbox.flat().map((bytes) => decodeBatch(bytes)));
        checkpointAt = nextCheckpointUs(options, gvt);
      }
      if (gvt > model.endUs) break;
      if (options.signal?.aborted) {
        complete = false;
        break;
      }
      windowStartUs = gvt;
      // Windows never straddle a checkpoint time.
      const windowEndUs = Math.min(gvt + model.lookaheadUs, checkpointAt);
      // Every host runs the window on its own, in slices so that progress and interrupts are
      // seen; hosts never wait for each other inside a window.
      const latest = [...steps];
      await call(
        Promise.all(
          hosts.map(async (host, i) => {
            let step = await host.step(inbox[i] as Uint8Array[], windowEndUs, SLICE_EVENTS);
            const outgoing = [...step.outgoing];
            latest[i] = step;
            while (!step.windowDone && !options.signal?.aborted) {
              report(() => ({
                nowUs: Math.min(...latest.map((s) => s.nowUs)),
                endUs: model.endUs,
                events: latest.reduce((n, s) => n + s.events, 0),
                windows,
              }));
              step = await host.step([], windowEndUs, SLICE_EVENTS);
              outgoing.push(...step.outgoing);
              latest[i] = step;
            }
            latest[i] = { ...step, outgoing };
          }),
        ),
      );
      steps = latest;
      windows++;
      report(() => ({ nowUs: Math.min(...steps.map((s) => s.nowUs)), endUs: model.endUs, events: steps.reduce((n, s) => n + s.events, 0), windows }));
      if (options.signal?.aborted) {
        complete = false;
        break;
      }
    }
    const reachedUs = complete ? model.endUs : Math.min(...steps.map((s) => s.nowUs));
    const results = await call(Promise.all(hosts.map((h) => h.result(reachedUs))));
    await call(Promise.all(hosts.map((h) => h.close())));
    return { results, windows, complete, reachedUs };
  } finally {
    await group.dispose();
  }
}
