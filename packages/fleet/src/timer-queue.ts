// The timer queue of a fleet shard: a monotone radix heap of (time, droplet) pairs in one pooled
// linked-list arena. Inserts are O(1); timers that share an instant (a retry storm) come out as
// one batch. Keys never go below the last instant taken, which is how simulated time moves.
import { assert } from '@cascade/kernel';

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
  private lastUs = 0;
  private lastHi = 0;
  private lastLo = 0;
  /** Pending timers, stale ones included (the owner skips those when they come due). */
  size = 0;
  /** Reused output of `takeEarliest`. */
  batch = new Int32Array(256);

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

  /** The earliest pending time, Infinity when empty. */
  peekUs(): number {
    if (this.size === 0) return Infinity;
    const count = this.count;
    for (let b = 0; b < BUCKETS; b++) if ((count[b] as number) > 0) return this.minUs[b] as number;
    return Infinity;
  }

  /**
   * Removes every timer at the earliest pending time `timeUs` (which the caller got from
   * `peekUs`) and returns how many it wrote to `batch`, in no particular order.
   */
  takeEarliest(timeUs: number): number {
    if (this.count[0] === 0 || this.lastUs !== timeUs) this.advance(timeUs);
    const n = this.count[0] as number;
    if (this.batch.length < n) this.batch = new Int32Array(Math.max(n, 2 * this.batch.length));
    const out = this.batch;
    let slot = this.head[0] as number;
    let i = 0;
    while (slot !== NONE) {
      out[i++] = this.item[slot] as number;
      const after = this.next[slot] as number;
      this.next[slot] = this.freeHead;
      this.freeHead = slot;
      slot = after;
    }
    this.head[0] = NONE;
    this.count[0] = 0;
    this.minUs[0] = Infinity;
    this.size -= n;
    return n;
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
