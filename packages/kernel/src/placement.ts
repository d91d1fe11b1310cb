// Placement: which partition hosts each placement group. A policy only — results never depend on it.
import type { Model } from './model.js';

export const PLACEMENTS = ['balanced', 'block', 'round-robin', 'hash'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** Partition of every actor, for `partitions` partitions under `placement`. */
export function placeActors(model: Model, partitions: number, placement: Placement): Int32Array {
  const groupPartition = placement === 'balanced' ? balanced(model, partitions) : new Int32Array(model.groupCount);
  if (placement !== 'balanced') {
    for (let g = 0; g < model.groupCount; g++) groupPartition[g] = partitionOfGroup(g, model.groupCount, partitions, placement);
  }
  const owner = new Int32Array(model.actorCount);
  for (let a = 0; a < model.actorCount; a++) owner[a] = groupPartition[model.groupOf(a)] as number;
  return owner;
}

/**
 * Longest processing time first over units (groups kept together, see Model.groupUnit): units by
 * falling weight (then number), each to the partition with the least weight so far (then the
 * lowest index); units that all weigh the same in contiguous blocks instead. No partition ends
 * more than one unit above the mean.
 */
function balanced(model: Model, partitions: number): Int32Array {
  const groups = model.groupCount;
  const unitOf = new Int32Array(groups);
  const unitWeight = new Float64Array(groups);
  let unitCount = 0;
  for (let g = 0; g < groups; g++) {
    const u = model.groupUnit?.(g) ?? g;
    unitOf[g] = u;
    unitWeight[u] = (unitWeight[u] as number) + (model.groupWeight?.(g) ?? 1);
    if (u === g) unitCount++;
  }
  const units = new Array<number>(unitCount);
  for (let g = 0, i = 0; g < groups; g++) if (unitOf[g] === g) units[i++] = g;
  const unitPartition = new Int32Array(groups);
  const first = unitWeight[units[0] ?? 0] as number;
  if (units.every((u) => unitWeight[u] === first)) {
    // Units of one weight (PHOLD's 100,000 LPs) go in contiguous blocks, as even as longest-first
    // would make them: a partition's actors then fill whole cache lines of its per-actor tables,
    // where dealt out in turn each line held one of its actors and one of the other partition's.
    units.forEach((u, i) => (unitPartition[u] = Math.floor((i * partitions) / unitCount)));
  } else {
    units.sort((a, b) => (unitWeight[b] as number) - (unitWeight[a] as number) || a - b);
    assignLongestFirst(units, unitWeight, unitPartition, partitions);
  }
  const groupPartition = new Int32Array(groups);
  for (let g = 0; g < groups; g++) groupPartition[g] = unitPartition[unitOf[g] as number] as number;
  return groupPartition;
}

/** Each unit, heaviest first, to the partition with the least weight so far (then the lowest index). */
function assignLongestFirst(units: readonly number[], unitWeight: Float64Array, unitPartition: Int32Array, partitions: number): void {
  const load = new Float64Array(partitions);
  for (const u of units) {
    let best = 0;
    for (let p = 1; p < partitions; p++) if ((load[p] as number) < (load[best] as number)) best = p;
    unitPartition[u] = best;
    load[best] = (load[best] as number) + (unitWeight[u] as number);
  }
}

function partitionOfGroup(group: number, groups: number, partitions: number, placement: Exclude<Placement, 'balanced'>): number {
  switch (placement) {
    case 'block':
      return Math.floor((group * partitions) / groups);
    case 'round-robin':
      return group % partitions;
    case 'hash': {
      let h = Math.imul(group ^ 0x5bd1e995, 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return ((h ^ (h >>> 16)) >>> 0) % partitions;
    }
    default: {
      const never: never = placement;
      throw new Error(`unknown placement ${String(never)}`);
    }
  }
}
