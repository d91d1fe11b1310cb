// Cheap invariants the fleet's actors assert on their hot paths.
import { assert } from '@cascade/kernel';

/** Time never goes backwards for an actor: returns `nowUs`, its new last-event time. */
export function forward(lastUs: number, nowUs: number, actor: string): number {
  if (nowUs < lastUs) assert(false, `${actor}: time went backwards from ${lastUs}µs to ${nowUs}µs`);
  return nowUs;
}
