// The timer queue of a fleet shard: a monotone radix heap of (time, droplet) pairs in one pooled
// linked-list arena. Inserts are O(1); a whole batch of droplets due at one instant (a retry storm)
// can be pushed as one group entry and comes out as one copy. Keys never go below the last instant
// taken, which is how simulated time moves.
import { assert, ZERO_US } from '@cascade/kernel';

/** Bucket 0 holds keys equal to the last instant taken; bucket b > 0 keys whose highest differing bit is b - 1. */
const BUCKETS = 55;
const TWO_POW_32 = 4294967296;
const NONE = -1;

export class TimerQueue {
  private timeUs: Float64Array;
  private item: Int32Array;
  private next: Int32Array;
  private freeHead = NONE;
  private used = 0;
  private readonly head = new Int32Array(BUCKETS).fill(NONE);
  private readonly count = new Int32Array(BUCKETS);
  private readonly minUs = new Float64Array(BUCKETS).fill(Infinity);
  /** Bit b of `nonEmpty[b >> 5]` is set while bucket b holds entries. */
  private readonly nonEmpty = new Int32Array(2);
  private lastUs = ZERO_US;
  private lastHi = 0;
  private lastLo = 0;
  /** Pending timers, stale ones included (the owner skips those when they come due). */
  size = 0;
  /** Reused output of `takeEarliest`. */
  batch = new Int32Array(256);
  /** Group entries' droplets; an entry's item -1 - g refers to groups[g]. */
  private readonly groups: (Int32Array | undefined)[] = [];
  private readonly freeGroups: number[] = [];

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(16, initialCapacity);
    this.timeUs = new Float64Array(capacity);
    this.item = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /** Adds a timer; `timeUs` must not be earlier than the last instant taken. */
  push(timeUs: number, item: number): void {
    assert(timeUs >= this.lastUs, `timer at ${timeUs}µs is before the queue's time ${this.lastUs}µs`);
    let slot = this.freeHead;
    if (slot !== NONE) {
      this.freeHead = this.next[slot] as number;
    } else {
      if (this.used === this.timeUs.length) this.grow();
      slot = this.used++;
    }
    this.timeUs[slot] = timeUs;
    this.item[slot] = item;
    this.link(slot, this.bucketOf(timeUs));
    this.size++;
  }

  /** Adds one timer for all of `items` (copied) at `timeUs`. */
  pushGroup(timeUs: number, items: Int32Array): void {
    if (items.length === 1) {
      this.push(timeUs, items[0] as number);
      return;
    }
    const g = this.freeGroups.length > 0 ? (this.freeGroups.pop() as number) : this.groups.length;
    this.groups[g] = items.slice();
    this.push(timeUs, -1 - g);
  }

  /** The earliest pending time, Infinity when empty. */
  peekUs(): number {
    const lo = this.nonEmpty[0] as number;
    if (lo !== 0) return this.minUs[lowestBit(lo)] as number;
    const hi = this.nonEmpty[1] as number;
    return hi !== 0 ? (this.minUs[32 + lowestBit(hi)] as number) : Infinity;
  }

  /**
   * Removes every timer at the earliest pending time `timeUs` (which the caller got from
   * `peekUs`) and returns how many droplets it wrote to `batch`: in push order when one entry
   * was taken, else in no particular order.
   */
  takeEarliest(timeUs: number): number {
    if (this.count[0] === 0 || this.lastUs !== timeUs) this.advance(timeUs);
    let slot = this.head[0] as number;
    let n = 0;
    let entries = 0;
    while (slot !== NONE) {
      const item = this.item[slot] as number;
      if (item >= 0) {
        if (n === this.batch.length) this.growBatch(n + 1);
        this.batch[n++] = item;
      } else {
        const g = -1 - item;
        const group = this.groups[g] as Int32Array;
        if (n + group.length > this.batch.length) this.growBatch(n + group.length);
        this.batch.set(group, n);
        n += group.length;
        this.groups[g] = undefined;
        this.freeGroups.push(g);
      }
      entries++;
      const after = this.next[slot] as number;
      this.next[slot] = this.freeHead;
      this.freeHead = slot;
      slot = after;
    }
    this.head[0] = NONE;
    this.size -= this.count[0] as number;
    this.count[0] = 0;
    this.minUs[0] = Infinity;
    this.nonEmpty[0] = (this.nonEmpty[0] as number) & ~1;
    this.takenEntries = entries;
    return n;
  }

  /** How many entries (singles or groups) the last `takeEarliest` took: 1 means its batch is in push order. */
  takenEntries = 0;

  private growBatch(atLeast: number): void {
    const next = new Int32Array(Math.max(atLeast, 2 * this.batch.length));
    next.set(this.batch);
    this.batch = next;
  }

  /** Moves the queue's time to `timeUs` (the earliest key) and redistributes its bucket. */
  private advance(timeUs: number): void {
    assert(this.count[0] === 0 || this.lastUs === timeUs, 'timers left behind at an earlier instant');
    let b = 1;
    while (b < BUCKETS && ((this.count[b] as number) === 0 || (this.minUs[b] as number) !== timeUs)) b++;
    assert(b < BUCKETS, `no timer at ${timeUs}µs`);
    this.lastUs = timeUs;
    this.lastHi = Math.floor(timeUs / TWO_POW_32);
    this.lastLo = timeUs >>> 0;
    let slot = this.head[b] as number;
    this.head[b] = NONE;
    this.count[b] = 0;
    this.minUs[b] = Infinity;
    this.nonEmpty[b >> 5] = (this.nonEmpty[b >> 5] as number) & ~(1 << (b & 31));
    while (slot !== NONE) {
      const after = this.next[slot] as number;
      this.link(slot, this.bucketOf(this.timeUs[slot] as number));
      slot = after;
    }
  }

  private link(slot: number, bucket: number): void {
    this.next[slot] = this.head[bucket] as number;
    this.head[bucket] = slot;
    this.count[bucket] = (this.count[bucket] as number) + 1;
    this.nonEmpty[bucket >> 5] = (this.nonEmpty[bucket >> 5] as number) | (1 << (bucket & 31));
    const t = this.timeUs[slot] as number;
    if (t < (this.minUs[bucket] as number)) this.minUs[bucket] = t;
  }

  private bucketOf(timeUs: number): number {
    const hi = Math.floor(timeUs / TWO_POW_32) ^ this.lastHi;
    if (hi !== 0) return 64 - Math.clz32(hi);
    const lo = (timeUs >>> 0) ^ this.lastLo;
    return lo === 0 ? 0 : 32 - Math.clz32(lo);
  }

  private grow(): void {
    const capacity = this.timeUs.length * 2;
    const t = new Float64Array(capacity);
    t.set(this.timeUs);
    this.timeUs = t;
    const it = new Int32Array(capacity);
    it.set(this.item);
    this.item = it;
    const nx = new Int32Array(capacity);
    nx.set(this.next);
    this.next = nx;
  }
}

/** Index of the lowest set bit of a non-zero int32. */
export function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}
