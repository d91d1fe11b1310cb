// The pending-event set of one partition: a 4-ary min-heap ordered by (time, k1, k2). The heap
// holds interleaved (time, slot) pairs so a node's four children share one cache line; the rest
// of an event (keys, target, payload) stays put in slot arrays and is read only to break time
// ties and at pop. k1 packs (priority, sender actor) and k2 is the sender's sequence number, so
// the order never depends on insertion order.
import { assert } from './assert.js';

export const SENDER_LIMIT = 2 ** 32;

/** k1 of an event: priority first, then the sending actor. */
export function packK1(priority: number, sender: number): number {
  return priority * SENDER_LIMIT + sender;
}

export class EventQueue<P> {
  private count = 0;
  /** heap[2i] = time, heap[2i + 1] = slot of node i */
  private heap: Float64Array;
  private k1: Float64Array;
  private k2: Float64Array;
  private target: Int32Array;
  private payload: (P | undefined)[];
  private freeSlots: Int32Array;
  private freeCount: number;
  private capacity: number;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    this.heap = new Float64Array(2 * this.capacity);
    this.k1 = new Float64Array(this.capacity);
    this.k2 = new Float64Array(this.capacity);
    this.target = new Int32Array(this.capacity);
    this.payload = new Array<P | undefined>(this.capacity).fill(undefined);
    this.freeSlots = new Int32Array(this.capacity);
    for (let i = 0; i < this.capacity; i++) this.freeSlots[i] = this.capacity - 1 - i;
    this.freeCount = this.capacity;
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : (this.heap[0] as number);
  }

  push(time: number, k1: number, k2: number, target: number, payload: P): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount] as number;
    this.k1[slot] = k1;
    this.k2[slot] = k2;
    this.target[slot] = target;
    this.payload[slot] = payload;
    const heap = this.heap;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = heap[2 * parent] as number;
      if (pt < time || (pt === time && this.slotLess(heap[2 * parent + 1] as number, slot))) break;
      heap[2 * i] = pt;
      heap[2 * i + 1] = heap[2 * parent + 1] as number;
      i = parent;
    }
    heap[2 * i] = time;
    heap[2 * i + 1] = slot;
  }

  // The fields of the last popped event; valid until the next push or pop.
  poppedTime = 0;
  poppedK1 = 0;
  poppedK2 = 0;
  poppedTarget = 0;

  /** Removes the earliest event and returns its payload; its fields are left in `popped*`. */
  pop(): P {
    assert(this.count > 0, 'pop from an empty event queue');
    const heap = this.heap;
    const top = heap[1] as number;
    this.poppedTime = heap[0] as number;
    this.poppedK1 = this.k1[top] as number;
    this.poppedK2 = this.k2[top] as number;
    this.poppedTarget = this.target[top] as number;
    const result = this.payload[top] as P;
    this.payload[top] = undefined;
    this.freeSlots[this.freeCount++] = top;
    const last = --this.count;
    if (last > 0) {
      const lt = heap[2 * last] as number;
      const ls = heap[2 * last + 1] as number;
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= last) break;
        // smallest of up to four children
        let best = first;
        let bt = heap[2 * first] as number;
        const end = first + 4 < last ? first + 4 : last;
        for (let c = first + 1; c < end; c++) {
          const ct = heap[2 * c] as number;
          if (ct < bt || (ct === bt && this.slotLess(heap[2 * c + 1] as number, heap[2 * best + 1] as number))) {
            best = c;
            bt = ct;
          }
        }
        if (lt < bt || (lt === bt && this.slotLess(ls, heap[2 * best + 1] as number))) break;
        heap[2 * i] = bt;
        heap[2 * i + 1] = heap[2 * best + 1] as number;
        i = best;
      }
      heap[2 * i] = lt;
      heap[2 * i + 1] = ls;
    }
    return result;
  }

  /** Every pending event, in no particular order (for snapshots). */
  *entries(): Generator<[number, number, number, number, P]> {
    for (let i = 0; i < this.count; i++) {
      const slot = this.heap[2 * i + 1] as number;
      yield [this.heap[2 * i] as number, this.k1[slot] as number, this.k2[slot] as number, this.target[slot] as number, this.payload[slot] as P];
    }
  }

  /** Key order of two events with equal time. */
  private slotLess(a: number, b: number): boolean {
    const ka = this.k1[a] as number;
    const kb = this.k1[b] as number;
    return ka < kb || (ka === kb && (this.k2[a] as number) < (this.k2[b] as number));
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    const heap = new Float64Array(2 * cap);
    heap.set(this.heap);
    const k1 = new Float64Array(cap);
    k1.set(this.k1);
    const k2 = new Float64Array(cap);
    k2.set(this.k2);
    const target = new Int32Array(cap);
    target.set(this.target);
    const freeSlots = new Int32Array(cap);
    // every old slot is in use when we grow; the new ones are free
    for (let i = 0; i < cap - old; i++) freeSlots[i] = cap - 1 - i;
    this.heap = heap;
    this.k1 = k1;
    this.k2 = k2;
    this.target = target;
    this.freeSlots = freeSlots;
    this.freeCount = cap - old;
    this.payload.length = cap;
    this.payload.fill(undefined, old);
    this.capacity = cap;
  }
}
