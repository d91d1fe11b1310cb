// What a scenario gives the kernel: how many actors, how to build each one, how they may be
// grouped onto partitions, and how to turn their end-of-run reports into a summary.
import type { Actor, ActorId } from './actor.js';
import type { MergedMetrics } from './metrics.js';
import type { TimeUs } from './time.js';

export interface Model {
  readonly scenario: string;
  readonly seed: number;
  /** The run processes every event at time <= endUs. */
  readonly endUs: TimeUs;
  readonly actorCount: number;
  /**
   * Placement groups: actors of one group always share a partition. Messages between groups must
   * be sent with a delay of at least `lookaheadUs`; inside a group any delay >= 0 is allowed.
   */
  readonly groupCount: number;
  groupOf(actor: ActorId): number;
  /**
   * The expected cost of a group, in events per simulated second (an estimate the components
   * give; 1 when they give none). Only placement reads it: it never changes a result.
   */
  readonly groupWeight?: (group: number) => number;
  /**
   * Groups that talk so much that they are best placed together share a unit (the unit's number
   * is one of its groups); a group alone is its own unit. Only placement reads it.
   */
  readonly groupUnit?: (group: number) => number;
  /** The smallest latency of any link between groups; > 0 when groupCount > 1. */
  readonly lookaheadUs: TimeUs;
  /** Actor kinds (e.g. 'route53', 'dwfm-host'): the platform's links join kinds. */
  readonly kinds: readonly string[];
  kindOf(actor: ActorId): number;
  /**
   * Latency of the link from kind f to kind t at [f * kinds.length + t], integer µs; -1 where no
   * link is declared (a send there is a model error). Every `ctx.send` takes its delay from here.
   */
  readonly linksUs: Float64Array;
  /** Width of one time-series bucket. */
  readonly sampleIntervalUs: TimeUs;
  actorName(actor: ActorId): string;
  createActor(actor: ActorId): Actor;
  /**
   * Builds the model's part of the summary from every actor's report (indexed by actor id) and
   * the merged metrics. Must depend only on its inputs: it is part of the digest.
   */
  summarize(input: SummaryInput): Record<string, unknown>;
}

export interface SummaryInput {
  readonly reports: readonly unknown[];
  readonly metrics: MergedMetrics;
  readonly endUs: TimeUs;
}

/** A module that builds models by scenario name: what worker threads load to rebuild a model. */
export interface ModelModule {
  buildModel(scenario: string, config: unknown): Model;
}
