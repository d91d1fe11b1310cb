// Builds a Model out of components (DNS, fleet, ...): each component adds its actors in blocks
// and gets back their ids, so components can be combined into one scenario. The assembly owns the
// network: it declares the links between actor kinds, with their latency.
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
  /** The block's actor kind: links join kinds. */
  readonly kind: string;
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
  private readonly weights: number[] = [];
  private readonly units: number[] = [];
  /** Declared links: 'from\u0000to' -> latency (µs); both directions of each. */
  private readonly links = new Map<string, { readonly from: string; readonly to: string; readonly latencyUs: TimeUs }>();
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
    spec: { kind: string; name: (index: number) => string; create: (index: number, id: ActorId) => Actor; group: (index: number) => number },
  ): ActorBlock {
    const block: BlockSpec = { first: this.actorCount, count, ...spec };
    this.blocks.push(block);
    this.actorCount += count;
    return { first: block.first, count };
  }

  /**
   * Declares the link between actor kinds `a` and `b` (both directions; `a` may equal `b`): every
   * send between them arrives after `latencyUs`. A link of latency 0 may only join actors of one
   * placement group (the partition checks each send); the lookahead is the smallest latency of the
   * links that join different groups.
   */
  link(a: string, b: string, latencyUs: TimeUs): void {
    assert(Number.isInteger(latencyUs) && latencyUs >= 0, `link ${a} <-> ${b}: latency ${latencyUs}µs is not an integer >= 0`);
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const key = `${from}\u0000${to}`;
      const known = this.links.get(key);
      assert(known === undefined || known.latencyUs === latencyUs, `link ${from} -> ${to} declared twice: ${known?.latencyUs}µs and ${latencyUs}µs`);
      this.links.set(key, { from, to, latencyUs });
    }
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
    const { kinds, kindOfBlock, linksUs, lookaheadUs } = this.network(blocks);
    return {
      scenario,
      seed,
      endUs,
      sampleIntervalUs,
      actorCount: this.actorCount,
      groupCount,
      // With no cross-group link, groups never talk: one window covers the whole run.
      lookaheadUs: lookaheadUs === Infinity ? endUs + 1 : lookaheadUs,
      groupWeight: (group) => weights[group] ?? 1,
      groupUnit: (group) => units[group] ?? group,
      kinds,
      kindOf: (id) => kindOfBlock.get(blockOf(id)) as number,
      linksUs,
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

  /** Kinds, the link table and the lookahead: the smallest latency > 0 of a link whose ends may sit in different groups. */
  private network(blocks: readonly BlockSpec[]): { kinds: string[]; kindOfBlock: Map<BlockSpec, number>; linksUs: Float64Array; lookaheadUs: TimeUs } {
    const kinds: string[] = [];
    const kindOfBlock = new Map<BlockSpec, number>();
    // per kind: its one placement group, or -2 when its actors sit in several (-1: no actors yet)
    const groupOfKind: number[] = [];
    for (const block of blocks) {
      let k = kinds.indexOf(block.kind);
      if (k < 0) {
        k = kinds.push(block.kind) - 1;
        groupOfKind.push(-1);
      }
      kindOfBlock.set(block, k);
      for (let i = 0; i < block.count && groupOfKind[k] !== -2; i++) {
        const g = block.group(i);
        groupOfKind[k] = groupOfKind[k] === -1 || groupOfKind[k] === g ? g : -2;
      }
    }
    const n = kinds.length;
    const linksUs = new Float64Array(n * n).fill(-1);
    let lookaheadUs = Infinity;
    for (const { from, to, latencyUs } of this.links.values()) {
      const f = kinds.indexOf(from);
      const t = kinds.indexOf(to);
      // a component may link to a kind this model leaves out (a fleet without an NLB): no send can use it
      if (f < 0 || t < 0) continue;
      linksUs[f * n + t] = latencyUs;
      const gf = groupOfKind[f] as number;
      const gt = groupOfKind[t] as number;
      const apart = gf === -2 || gt === -2 || (gf !== gt && gf !== -1 && gt !== -1);
      if (apart && latencyUs > 0) lookaheadUs = Math.min(lookaheadUs, latencyUs);
    }
    return { kinds, kindOfBlock, linksUs, lookaheadUs };
  }
}
