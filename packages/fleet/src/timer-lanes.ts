// A shard's timers: a few FIFO lanes for timers that are pushed in time order (deadlines = send +
// A, the renewal grid = now + R, leases established in completion order), plus a radix heap for
// the rest (random backoffs, stagger, restarts). Lanes are ring buffers read and written in order,
// so a retry storm costs a few sequential array passes, not scattered heap operations.
import { TimerQueue } from './timer-queue.js';

class Lane {
  timeUs: Float64Array;
  item: Int32Array;
  head = 0;
  length = 0;

  constructor(capacity: number) {
    this.timeUs = new Float64Array(capacity);
    this.item = new Int32Array(capacity);
  }

  tailUs(): number {
    return this.length === 0 ? -Infinity : (this.timeUs[(this.head + this.length - 1) & (this.timeUs.length - 1)] as number);
  }

  headUs(): number {
    return this.length === 0 ? Infinity : (this.timeUs[this.head] as number);
  }

  push(timeUs: number, item: number): void {
    if (this.length === this.timeUs.length) this.grow();
    const at = (this.head + this.length) & (this.timeUs.length - 1);
    this.timeUs[at] = timeUs;
    this.item[at] = item;
    this.length++;
  }

  private grow(): void {
    const cap = this.timeUs.length;
    const t = new Float64Array(cap * 2);
    const it = new Int32Array(cap * 2);
    for (let i = 0; i < this.length; i++) {
      const from = (this.head + i) & (cap - 1);
      t[i] = this.timeUs[from] as number;
      it[i] = this.item[from] as number;
    }
    this.timeUs = t;
    this.item = it;
    this.head = 0;
  }
}

export class TimerLanes {
  private readonly lanes: Lane[];
  private readonly heap = new TimerQueue(64);
  /** Reused output of `takeEarliest`. */
  batch = new Int32Array(256);
  /** Whether the last batch came from more than one source (then it is not in push order). */
  mixed = false;

  constructor(laneCount: number, initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.lanes = [];
    for (let i = 0; i < laneCount; i++) this.lanes.push(new Lane(cap));
  }

  /** Adds a timer to `lane` (the heap when it would be out of order there, or lane < 0). */
  push(lane: number, timeUs: number, item: number): void {
    const l = lane >= 0 ? this.lanes[lane] : undefined;
    if (l !== undefined && timeUs >= l.tailUs()) l.push(timeUs, item);
    else this.heap.push(timeUs, item);
  }

  /** Adds timers at one time for items[0 .. n). */
  pushMany(lane: number, timeUs: number, items: Int32Array, n: number): void {
    const l = this.lanes[lane] as Lane;
    if (timeUs < l.tailUs()) {
      for (let i = 0; i < n; i++) this.heap.push(timeUs, items[i] as number);
      return;
    }
    for (let i = 0; i < n; i++) l.push(timeUs, items[i] as number);
  }

  peekUs(): number {
    let t = this.heap.peekUs();
    for (const l of this.lanes) {
      const h = l.headUs();
      if (h < t) t = h;
    }
    return t;
  }

  /** Takes every timer at `timeUs` (the earliest); returns how many droplets are in `batch`. */
  takeEarliest(timeUs: number): number {
    let n = 0;
    let sources = 0;
    if (this.heap.peekUs() === timeUs) {
      const k = this.heap.takeEarliest(timeUs);
      this.ensure(k);
      this.batch.set(this.heap.batch.subarray(0, k));
      n = k;
      sources += this.heap.takenEntries;
    }
    for (const l of this.lanes) {
      if (l.length === 0 || l.timeUs[l.head] !== timeUs) continue;
      sources++;
      const mask = l.timeUs.length - 1;
      let h = l.head;
      let len = l.length;
      while (len > 0 && l.timeUs[h] === timeUs) {
        if (n === this.batch.length) this.ensure(n + 1);
        this.batch[n++] = l.item[h] as number;
        h = (h + 1) & mask;
        len--;
      }
      l.head = h;
      l.length = len;
    }
    this.mixed = sources > 1;
    return n;
  }

  private ensure(n: number): void {
    if (n <= this.batch.length) return;
    const next = new Int32Array(Math.max(n, 2 * this.batch.length));
    next.set(this.batch);
    this.batch = next;
  }
}
