// The coordinator of one run. It places the model's partitions on piscina workers, one per
// thread, and drives conservative time windows: every partition runs the events before GVT +
// lookahead, the batches they produced are delivered, and the next window starts at the global
// minimum next-event time. A run on one thread is one partition on one worker too: every run's
// model lives in a heap with the pool's young generation, and the calling thread only watches.
import {
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
import { checkCheckpointFits, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { CodecError, decodeBatch } from './codec.js';
import type { StepResult, WindowsResult } from './host.js';
import { localHosts, type HostGroup, type HostGroupFactory, type SharedHosts } from './host-group.js';
import { SliceSizer } from './slices.js';
import type { ModelRef } from './tasks.js';

const PROGRESS_INTERVAL_MS = 200;

export interface Progress {
  readonly nowUs: TimeUs;
  readonly endUs: TimeUs;
  readonly events: number;
  readonly windows: number;
  readonly wallSeconds: number;
}

export interface SimulateOptions extends ModelRef {
  /** Worker threads, one partition on each (at most the model's groups). */
  readonly threads: number;
  readonly placement?: Placement;
  readonly onProgress?: (progress: Progress) => void;
  /**
   * Aborting stops the run within a slice of events (well under a second); the result is then
   * marked incomplete and summarises the simulation as far as it got.
   */
  readonly signal?: AbortSignal;
  /** Take a checkpoint every `everyUs` of simulated time and hand its encoded bytes to `write`. */
  readonly checkpoint?: {
    readonly everyUs: TimeUs;
    readonly write: (bytes: Uint8Array, atUs: TimeUs) => void;
    /** The build of the model code, recorded in each checkpoint (see CheckpointDescription.code). */
    readonly code?: string;
  };
  /** Continue from an encoded checkpoint instead of starting at t = 0. */
  readonly resumeFrom?: Uint8Array;
  /** Where partition hosts live (default: local worker threads). */
  readonly hosts?: HostGroupFactory;
  /** Bytes of a shared mailbox slot between local hosts (default 1 MiB; bigger batches use a port). */
  readonly mailboxBytes?: number;
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
  /**
   * Per partition, in order: seconds of the window loop spent working and waiting at the barrier
   * (local threads only: remote hosts are stepped by the coordinator).
   */
  readonly partitionSeconds?: readonly { readonly busy: number; readonly wait: number }[];
  /**
   * CPU seconds (user and system) this process spent over wallSeconds, on all its threads: the
   * workers, the coordinator and V8's compiler and collector threads (local threads only, like
   * partitionSeconds: remote hosts' CPU is theirs).
   */
  readonly cpuSeconds?: number;
}

export async function loadModel(ref: ModelRef): Promise<Model> {
  const mod = (await import(ref.modelModule)) as ModelModule;
  return mod.buildModel(ref.scenario, ref.config);
}

export async function simulate(options: SimulateOptions): Promise<SimulateResult> {
  const model = await loadModel(options);
  let resume: Checkpoint | undefined;
  if (options.resumeFrom !== undefined) {
    resume = decodeCheckpoint(options.resumeFrom);
    checkCheckpointFits(resume, options.config, model.actorCount);
  }
  const partitions = Math.max(1, Math.min(options.threads, model.groupCount));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const run = await runPartitioned(model, partitions, options, started, resume);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
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
    ...(run.partitionSeconds === undefined ? {} : { partitionSeconds: run.partitionSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 }),
  };
}

interface RawRun {
  readonly results: PartitionResult[];
  readonly windows: number;
  readonly complete: boolean;
  readonly reachedUs: TimeUs;
  readonly partitionSeconds?: SimulateResult['partitionSeconds'];
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
  const config = options.config as Record<string, unknown>;
  options.checkpoint?.write(encodeCheckpoint({ scenario: options.scenario, config, atUs, windows, partitions, inflight }, options.checkpoint.code), atUs);
}

/** A checkpoint that passed its checks but cannot be restored onto the model is bad input too. */
async function restoring<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new CodecError(`checkpoint does not fit the model: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function runPartitioned(model: Model, partitions: number, options: SimulateOptions, started: number, resume: Checkpoint | undefined): Promise<RawRun> {
  const group = await (options.hosts ?? localHosts)({
    partitions,
    placement: options.placement ?? 'balanced',
    ...(options.mailboxBytes === undefined ? {} : { mailboxBytes: options.mailboxBytes }),
    modelModule: options.modelModule,
    scenario: options.scenario,
    config: options.config,
  });
  if (group.shared !== undefined) return runShared(model, group, options, started, resume);
  const hosts = group.hosts;
  // A lost host fails the run, saying which window it was in.
  let windowStartUs = 0;
  const failed = group.failed.catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)} (in the window starting at t=${formatUs(windowStartUs)})`);
  });
  failed.catch(() => undefined);
  const call = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);
  const report = throttled(options, started);
  const slices = hosts.map(() => new SliceSizer());
  let windows = 0;
  try {
    const bytes = options.resumeFrom;
    let steps: StepResult[] =
      bytes === undefined ? await call(Promise.all(hosts.map((h) => h.init()))) : await restoring(() => call(Promise.all(hosts.map((h) => h.restore(bytes)))));
    let checkpointAt = nextCheckpointUs(options, resume?.atUs ?? 0);
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
            const slice = slices[i] as SliceSizer;
            const timedStep = async (incoming: Uint8Array[], before: number): Promise<StepResult> => {
              const sliceStarted = performance.now();
              const step = await host.step(incoming, windowEndUs, slice.events);
              slice.observe(step.events - before, performance.now() - sliceStarted);
              return step;
            };
            let step = await timedStep(inbox[i] as Uint8Array[], (latest[i] as StepResult).events);
            const outgoing = [...step.outgoing];
            latest[i] = step;
            while (!step.windowDone && !options.signal?.aborted) {
              report(() => ({
                nowUs: Math.min(...latest.map((s) => s.nowUs)),
                endUs: model.endUs,
                events: latest.reduce((n, s) => n + s.events, 0),
                windows,
              }));
              step = await timedStep([], step.events);
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

/**
 * The coordinator of hosts that run windows among themselves: it only starts them, watches their
 * progress, passes on an interrupt, and takes checkpoints at the stops it asks for.
 */
async function runShared(model: Model, group: HostGroup, options: SimulateOptions, started: number, resume: Checkpoint | undefined): Promise<RawRun> {
  const shared = group.shared as SharedHosts;
  const hosts = group.hosts;
  const failed = group.failed;
  const call = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);
  const report = throttled(options, started);
  const abort = () => shared.monitor.requestAbort();
  options.signal?.addEventListener('abort', abort, { once: true });
  if (options.signal?.aborted) abort();
  const progress = setInterval(() => {
    report(() => ({ ...shared.monitor.progress(), endUs: model.endUs }));
  }, PROGRESS_INTERVAL_MS);
  try {
    const bytes = options.resumeFrom;
    let state: WindowsResult = bytes === undefined ? await call(shared.init()) : await restoring(() => call(shared.restore(bytes)));
    let checkpointAt = nextCheckpointUs(options, resume?.atUs ?? 0);
    for (;;) {
      if (state.status === 'stopped' && state.nextUs >= checkpointAt && checkpointAt <= model.endUs) {
        // Every event before checkpointAt has run and every batch is delivered: nothing in flight.
        const states = await call(Promise.all(hosts.map((h) => h.save())));
        writeCheckpoint(options, checkpointAt, state.windows, states, []);
        checkpointAt = nextCheckpointUs(options, state.nextUs);
      }
      if (state.status !== 'stopped' || options.signal?.aborted) break;
      state = await call(shared.runWindows(checkpointAt));
    }
    const complete = state.status === 'done';
    const reachedUs = complete ? model.endUs : shared.monitor.progress().nowUs;
    const partitionSeconds = (await call(shared.stats())).map((s) => ({ busy: s.busySeconds, wait: s.waitSeconds }));
    const results = await call(Promise.all(hosts.map((h) => h.result(reachedUs))));
    await call(Promise.all(hosts.map((h) => h.close())));
    return { results, windows: state.windows, complete, reachedUs, partitionSeconds };
  } finally {
    clearInterval(progress);
    options.signal?.removeEventListener('abort', abort);
    await group.dispose();
  }
}
