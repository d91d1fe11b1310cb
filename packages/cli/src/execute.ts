// One run from resolved flags: simulate, assemble the summary. Shared by `run` and `bench`.
import { buildSummary, type Summary } from '@cascade/metrics';
import { simulate, type Progress, type SimulateOptions, type SimulateResult } from '@cascade/runtime';
import type { Placement } from '@cascade/kernel';
import { peakRssBytes } from './machine.js';
import type { ResolvedScenario } from './scenario-input.js';

export const MODEL_MODULE = import.meta.resolve('@cascade/scenarios/models');

export interface ExecuteOptions {
  readonly threads: number;
  readonly placement?: Placement;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
  readonly checkpoint?: SimulateOptions['checkpoint'];
  readonly resumeFrom?: Uint8Array;
  readonly hosts?: SimulateOptions['hosts'];
}

export interface Executed {
  readonly result: SimulateResult;
  readonly summary: Summary;
}

export async function execute(scenario: ResolvedScenario, options: ExecuteOptions): Promise<Executed> {
  const result = await simulate({
    modelModule: MODEL_MODULE,
    scenario: scenario.def.name,
    config: scenario.config,
    threads: options.threads,
    placement: options.placement,
    onProgress: options.onProgress,
    signal: options.signal,
    checkpoint: options.checkpoint,
    resumeFrom: options.resumeFrom,
    hosts: options.hosts,
  });
  const { clock, ...model } = result.summary as { clock?: { start?: string | null } } & Record<string, unknown>;
  const summary = buildSummary({
    engine: {
      scenario: scenario.def.name,
      seed: result.model.seed,
      complete: result.complete,
      clock: { start: clock?.start ?? null },
      engine: {
        threads: options.threads,
        partitions: result.partitions,
        events: result.events,
        windows: result.windows,
        wallSeconds: round(result.wallSeconds, 3),
        eventsPerSecond: Math.round(result.eventsPerSecond),
        peakRssBytes: peakRssBytes(),
        ...(result.partitionSeconds === undefined
          ? {}
          : { busySeconds: result.partitionSeconds.map((t) => round(t.busy, 3)), barrierWaitSeconds: result.partitionSeconds.map((t) => round(t.wait, 3)) }),
        ...(result.cpuSeconds === undefined ? {} : { cpuSeconds: round(result.cpuSeconds, 3) }),
      },
      digest: result.digest,
    },
    // the official times of an incident scenario ride along for the report, outside the digest
    model: scenario.def.official === undefined ? model : { ...model, official: scenario.def.official },
  });
  return { result, summary };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
