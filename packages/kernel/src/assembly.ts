// Builds a Model out of components (DNS, fleet, ...): each component adds its actors in blocks
// and gets back their ids, so components can be combined into one scenario.
import type { Actor, ActorId } from './actor.js';
import { assert } from './assert.js';
import type { Model, SummaryInput } from './model.js';
import type { TimeUs } from './time.js';

export interface ActorBlock {
  /** Id of the first actor of the block; the block's actors are first .. first + count - 1. */
  readonly first: ActorId;
  readonly count: number;
}

interface BlockSpec extends ActorBlock {
  readonly name: (index: number) => string;
  readonly create: (index: number, id: ActorId) => Actor;
  /** Placement group of the block's index-th actor (a global group number from newGroup). */
  readonly group: (index: number) => number;
}

export interface AssemblyOptions {
  readonly scenario: string;
  readonly seed: number;
  readonly endUs: TimeUs;
  readonly sampleIntervalUs: TimeUs;
}

export class ModelAssembly {
  private readonly blocks: BlockSpec[] = [];
  private actorCount = 0;
  private groupCount = 0;
  private lookaheadUs = Infinity;
  private readonly weights: number[] = [];
  private readonly units: number[] = [];
  private readonly summarizers: ((input: SummaryInput) => Record<string, unknown>)[] = [];

  constructor(private readonly options: AssemblyOptions) {}

  /** Reserves `count` new placement groups and returns the first one's number. */
  newGroups(count: number): number {
    const first = this.groupCount;
    this.groupCount += count;
    return first;
  }

  /**
   * States the expected cost of groups first .. first + count - 1 in events per simulated second,
   * for placement to balance partitions (groups without a stated cost weigh 1).
   */
  weighGroups(first: number, count: number, eventsPerSecond: (index: number) => number): void {
    assert(first >= 0 && first + count <= this.groupCount, `groups ${first}..${first + count - 1} were not reserved`);
    for (let i = 0; i < count; i++) {
      const w = eventsPerSecond(i);
      assert(Number.isFinite(w) && w >= 0, `group ${first + i} weighs ${w}: weights are finite and >= 0`);
      this.weights[first + i] = w;
    }
  }

  /**
   * Asks placement to keep these groups on one partition where it can (e.g. a DWFM host and its
   * shards, which exchange a message every few milliseconds of simulated time).
   */
  keepTogether(groups: readonly number[]): void {
    const unit = groups[0];
    if (unit === undefined) return;
    for (const g of groups) {
      assert(g >= 0 && g < this.groupCount, `group ${g} was not reserved`);
      assert(this.units[g] === undefined, `group ${g} is already kept with group ${String(this.units[g])}`);
      this.units[g] = unit;
    }
  }

  /** Adds `count` actors; returns the block so the component knows their ids. */
  addActors(
    count: number,
    spec: { name: (index: number) => string; create: (index: number, id: ActorId) => Actor; group: (index: number) => number },
  ): ActorBlock {
    const block: BlockSpec = { first: this.actorCount, count, ...spec };
    this.blocks.push(block);
    this.actorCount += count;
    return { first: block.first, count };
  }

  /** Declares a link between groups with this minimum latency; the lookahead is the smallest. */
  link(minLatencyUs: TimeUs): void {
    assert(minLatencyUs > 0, `cross-group links need a latency > 0, got ${minLatencyUs}µs`);
    this.lookaheadUs = Math.min(this.lookaheadUs, minLatencyUs);
  }

  /** Adds a part of the summary; parts are merged key by key in the order they were added. */
  summarize(fn: (input: SummaryInput) => Record<string, unknown>): void {
    this.summarizers.push(fn);
  }

  build(): Model {
    const blocks = [...this.blocks];
    const summarizers = [...this.summarizers];
    const blockOf = (id: ActorId): BlockSpec => {
      let lo = 0;
      let hi = blocks.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((blocks[mid] as BlockSpec).first <= id) lo = mid;
        else hi = mid - 1;
      }
      const block = blocks[lo] as BlockSpec;
      assert(id >= block.first && id < block.first + block.count, `no actor ${id}`);
      return block;
    };
    const { scenario, seed, endUs, sampleIntervalUs } = this.options;
    const groupCount = Math.max(1, this.groupCount);
    const weights = Float64Array.from({ length: groupCount }, (_, g) => this.weights[g] ?? 1);
    const units = Int32Array.from({ length: groupCount }, (_, g) => this.units[g] ?? g);
    return {
      scenario,
      seed,
      endUs,
      sampleIntervalUs,
      actorCount: this.actorCount,
      groupCount,
      // With no cross-group link, groups never talk: one window covers the whole run.
      lookaheadUs: this.lookaheadUs === Infinity ? endUs + 1 : this.lookaheadUs,
      groupWeight: (group) => weights[group] ?? 1,
      groupUnit: (group) => units[group] ?? group,
      groupOf: (id) => {
        const b = blockOf(id);
        return b.group(id - b.first);
      },
      actorName: (id) => {
        const b = blockOf(id);
        return b.name(id - b.first);
      },
      createActor: (id) => {
        const b = blockOf(id);
        return b.create(id - b.first, id);
      },
      summarize: (input) => Object.assign({}, ...summarizers.map((fn) => fn(input))) as Record<string, unknown>,
    };
  }
}
