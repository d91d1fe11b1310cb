// Placement: which partition hosts each placement group. A policy only — results never depend on it.
import type { Model } from './model.js';

export const PLACEMENTS = ['block', 'round-robin', 'hash'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** Partition of every actor, for `partitions` partitions under `placement`. */
export function placeActors(model: Model, partitions: number, placement: Placement): Int32Array {
  const groupPartition = new Int32Array(model.groupCount);
  for (let g = 0; g < model.groupCount; g++) groupPartition[g] = partitionOfGroup(g, model.groupCount, partitions, placement);
  const owner = new Int32Array(model.actorCount);
  for (let a = 0; a < model.actorCount; a++) owner[a] = groupPartition[model.groupOf(a)] as number;
  return owner;
}

function partitionOfGroup(group: number, groups: number, partitions: number, placement: Placement): number {
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
