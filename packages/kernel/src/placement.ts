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
 * lowest index). No partition ends more than one unit above the mean.
 */
function balanced(model: Model, partitions: number): Int32Array {
  const unitOf = (g: number): number => model.groupUnit?.(g) ?? g;
  const unitWeight = new Float64Array(model.groupCount);
  for (let g = 0; g < model.groupCount; g++) {
    const u = unitOf(g);
    unitWeight[u] = (unitWeight[u] as number) + (model.groupWeight?.(g) ?? 1);
  }
  const units = Array.from({ length: model.groupCount }, (_, g) => g).filter((g) => unitOf(g) === g);
  units.sort((a, b) => (unitWeight[b] as number) - (unitWeight[a] as number) || a - b);
  const load = new Float64Array(partitions);
  const unitPartition = new Int32Array(model.groupCount);
  for (const u of units) {
    let best = 0;
    for (let p = 1; p < partitions; p++) if ((load[p] as number) < (load[best] as number)) best = p;
    unitPartition[u] = best;
    load[best] = (load[best] as number) + (unitWeight[u] as number);
  }
  return Int32Array.from({ length: model.groupCount }, (_, g) => unitPartition[unitOf(g)] as number);
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
