// The pending-event set of one partition, ordered by (time, k1, k2). k1 packs (priority, sender
// actor) and k2 is the sender's sequence number, so the order never depends on insertion order.
//
// Two tiers, so that the hot path touches little memory however many events are pending:
// - the near events, before `nearEnd`: the bucket drained last, sorted once into a run that pops
//   in order, and a 4-ary min-heap of the events pushed before `nearEnd` after that (typically
//   none or a few: most events are sent further ahead than a bucket's width);
// - the ring: `buckets` buckets of `widthUs` each from `ringBaseUs`, filled by appending records
//   to chunks (no ordering work, sequential memory), and the far list beyond it.
// When the near events run out, the next non-empty bucket is sorted into the run; when the ring
// runs out, it is rebuilt from the far list with a bucket width sized to the pending events'
// spread. A queue with few pending events is just the heap (`nearEnd` is Infinity): it fits the
// cache, and it goes back to the ring when it grows past NEAR_MAX.
// Invariant: every near event is before `nearEnd`, every other event at or after it.
import { assert } from './assert.js';
import { ZERO_US } from './time.js';

export const SENDER_LIMIT = 2 ** 32;

/** k1 of an event: priority first, then the sending actor. */
export function packK1(priority: number, sender: number): number {
  return priority * SENDER_LIMIT + sender;
}

/** Records per chunk of the ring and the far list. */
const CHUNK = 32;
/** float64 words per record: time, k1, k2, target. */
const REC = 4;
/**
 * Pending events per bucket a rebuild aims for. Events sent after the rebuild land in the buckets
 * too, so a bucket holds more when it is drained (PHOLD's about 180); sizing for that final count
 * (about 24) measured slower: fewer, fuller buckets keep fewer chunk tails in the cache.
 */
const EVENTS_PER_BUCKET = 32;
const BUCKETS_MAX = 1 << 15;
/** Sort keys pack (offset in the bucket, entry) exactly below this (see sortRun). */
const KEY_LIMIT = 2 ** 52;
/** A run of equal times longer than this is sorted by key with a comparator, not by insertion. */
const TIES_INSERTION_MAX = 16;
/** A run of this many events or more is sorted by distributing its keys into bins... */
const DISTRIBUTE_MIN = 64;
/** ...unless a bin holds more than this many, which insertion would sort slowly. */
const BIN_FULL = 8;
/** A rebuild with this many events or fewer makes the queue just the heap... */
const HEAP_ONLY_MAX = 1024;
/** ...until the heap holds more than this many. */
const NEAR_MAX = 4096;
/** Times sampled to size the ring; it covers the pending events up to the sample's COVER point. */
const SAMPLES = 1024;
/**
 * The ring covers this fraction of the sampled times: a rebuild moves every pending event, so a
 * longer ring makes fewer of them per event popped, and what lies beyond it (timers far ahead)
 * stays in the far list. At 3/4 PHOLD's rebuilds were 7.6% of its run; at 31/32, 3.8%.
 */
const COVER = 31 / 32;
const NONE = -1;

export class EventQueue<P> {
  private total = 0;

  // --- the near heap: heap[2i] = time, heap[2i + 1] = slot of node i ---
  private nearCount = 0;
  private heap: Float64Array;
  private k1: Float64Array;
  private k2: Float64Array;
  private target: Int32Array;
  private payload: (P | undefined)[];
  private freeSlots: Int32Array;
  private freeCount: number;
  private capacity: number;
  /** Events before this time are near (in the run or the heap). */
  private nearEnd = -Infinity;

  // --- the run: a drained bucket's events (entries 0 .. runCount), popped in `runOrder` from runHead ---
  private runCount = 0;
  private runHead = 0;
  private runTime = new Float64Array(64);
  private runK1 = new Float64Array(64);
  private runK2 = new Float64Array(64);
  private runTarget = new Int32Array(64);
  private runPayload: (P | undefined)[] = new Array<P | undefined>(64).fill(undefined);
  /** Entries in key order, and the keys that sorted them. */
  private runOrder = new Int32Array(64);
  private runKeys = new Float64Array(64);
  /** The keys distributed by offset, and each bin's count and then start (see sortKeys). */
  private binnedKeys = new Float64Array(64);
  private binCounts = new Int32Array(129);

  // --- the ring and the far list: chunked record lists ---
  private ringBaseUs = -Infinity;
  private widthUs = 1;
  private buckets = 0;
  /** The next bucket to move into the near heap. */
  private cursor = 0;
  /** List heads, tails and tail fill; index `buckets` is the far list. */
  private head = new Int32Array(BUCKETS_MAX + 1).fill(NONE);
  private tail = new Int32Array(BUCKETS_MAX + 1).fill(NONE);
  private fill = new Int32Array(BUCKETS_MAX + 1);
  private farCount = 0;
  private recs = new Float64Array(64 * CHUNK * REC);
  private recPayload: (P | undefined)[] = new Array<P | undefined>(64 * CHUNK).fill(undefined);
  private chunkNext = new Int32Array(64);
  private freeChunk = NONE;
  private chunkCount = 0;
  private readonly samples = new Float64Array(SAMPLES);

  /** Called with the targets of each bucket sorted into the run, before its events pop (see EventQueue's constructor). */
  private readonly warm: ((targets: Int32Array, count: number) => void) | undefined;

  /**
   * `warm`, when given, sees the targets of each bucket as it is sorted into the run, so the
   * caller can load their state in one pass: independent loads overlap in the memory system,
   * where the events would meet each cache miss one at a time.
   */
  constructor(initialCapacity = 1024, warm?: (targets: Int32Array, count: number) => void) {
    this.warm = warm;
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
    return this.total;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    if (this.nearEmpty()) {
      if (this.total === 0) return Infinity;
      this.refill();
    }
    const runUs = this.runHead < this.runCount ? (this.runTime[this.runOrder[this.runHead] as number] as number) : Infinity;
    const heapUs = this.nearCount > 0 ? (this.heap[0] as number) : Infinity;
    return runUs < heapUs ? runUs : heapUs;
  }

  push(time: number, k1: number, k2: number, target: number, payload: P): void {
    this.total++;
    if (time < this.nearEnd) {
      this.nearPush(time, k1, k2, target, payload);
      if (this.nearCount > NEAR_MAX && this.nearEnd === Infinity) this.spill();
      return;
    }
    this.toRing(time, k1, k2, target, payload);
  }

  /** An event at or after `nearEnd`: into its bucket, or the far list beyond the ring. */
  private toRing(time: number, k1: number, k2: number, target: number, payload: P): void {
    const index = Math.floor((time - this.ringBaseUs) / this.widthUs);
    if (index < this.buckets) {
      this.append(index, time, k1, k2, target, payload);
    } else {
      this.append(this.buckets, time, k1, k2, target, payload);
      this.farCount++;
    }
  }

  // The fields of the last popped event; valid until the next push or pop.
  poppedTime = ZERO_US;
  poppedK1 = ZERO_US;
  poppedK2 = ZERO_US;
  poppedTarget = 0;

  /** Removes the earliest event and returns its payload; its fields are left in `popped*`. */
  pop(): P {
    assert(this.total > 0, 'pop from an empty event queue');
    if (this.nearEmpty()) this.refill();
    this.total--;
    if (this.runHead < this.runCount && (this.nearCount === 0 || this.runBeforeHeap())) {
      const e = this.runOrder[this.runHead++] as number;
      this.poppedTime = this.runTime[e] as number;
      this.poppedK1 = this.runK1[e] as number;
      this.poppedK2 = this.runK2[e] as number;
      this.poppedTarget = this.runTarget[e] as number;
      const payload = this.runPayload[e] as P;
      this.runPayload[e] = undefined;
      return payload;
    }
    const heap = this.heap;
    const top = heap[1] as number;
    this.poppedTime = heap[0] as number;
    this.poppedK1 = this.k1[top] as number;
    this.poppedK2 = this.k2[top] as number;
    this.poppedTarget = this.target[top] as number;
    const result = this.payload[top] as P;
    this.payload[top] = undefined;
    this.freeSlots[this.freeCount++] = top;
    const last = --this.nearCount;
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

  /** Whether no event before `nearEnd` is left (in the run or the heap). */
  private nearEmpty(): boolean {
    return this.runHead === this.runCount && this.nearCount === 0;
  }

  /** Whether the run's next event comes before the heap's first (both non-empty). */
  private runBeforeHeap(): boolean {
    const e = this.runOrder[this.runHead] as number;
    const runUs = this.runTime[e] as number;
    const heapUs = this.heap[0] as number;
    if (runUs !== heapUs) return runUs < heapUs;
    const slot = this.heap[1] as number;
    const k1 = this.runK1[e] as number;
    const heapK1 = this.k1[slot] as number;
    return k1 < heapK1 || (k1 === heapK1 && (this.runK2[e] as number) < (this.k2[slot] as number));
  }

  /** Every pending event, in no particular order (for snapshots). */
  *entries(): Generator<[number, number, number, number, P]> {
    for (let i = this.runHead; i < this.runCount; i++) {
      const e = this.runOrder[i] as number;
      yield [this.runTime[e] as number, this.runK1[e] as number, this.runK2[e] as number, this.runTarget[e] as number, this.runPayload[e] as P];
    }
    for (let i = 0; i < this.nearCount; i++) {
      const slot = this.heap[2 * i + 1] as number;
      yield [this.heap[2 * i] as number, this.k1[slot] as number, this.k2[slot] as number, this.target[slot] as number, this.payload[slot] as P];
    }
    for (let list = this.cursor; list <= this.buckets; list++) {
      for (let chunk = this.head[list] as number; chunk !== NONE; chunk = this.chunkNext[chunk] as number) {
        const n = chunk === this.tail[list] ? (this.fill[list] as number) : CHUNK;
        for (let r = chunk * CHUNK; r < chunk * CHUNK + n; r++) {
          const w = r * REC;
          const recs = this.recs;
          yield [recs[w] as number, recs[w + 1] as number, recs[w + 2] as number, recs[w + 3] as number, this.recPayload[r] as P];
        }
      }
    }
  }

  private nearPush(time: number, k1: number, k2: number, target: number, payload: P): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount] as number;
    this.k1[slot] = k1;
    this.k2[slot] = k2;
    this.target[slot] = target;
    this.payload[slot] = payload;
    const heap = this.heap;
    let i = this.nearCount++;
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

  /** Fills the empty near events from the next non-empty bucket, rebuilding the ring when it runs out. */
  private refill(): void {
    while (this.nearEmpty()) {
      if (this.cursor >= this.buckets) {
        this.rebuild();
        continue;
      }
      const bucket = this.cursor++;
      this.nearEnd = this.ringBaseUs + this.cursor * this.widthUs;
      this.drainToRun(bucket, this.nearEnd - this.widthUs);
    }
  }

  /** Moves every record of a bucket (times from `baseUs`) into the run, sorted. */
  private drainToRun(list: number, baseUs: number): void {
    let chunk = this.head[list] as number;
    this.runCount = 0;
    this.runHead = 0;
    if (chunk === NONE) return;
    const lastChunk = this.tail[list] as number;
    const lastFill = this.fill[list] as number;
    this.head[list] = NONE;
    this.tail[list] = NONE;
    let n = 0;
    while (chunk !== NONE) {
      const count = chunk === lastChunk ? lastFill : CHUNK;
      if (n + count > this.runTime.length) this.growRun(n + count);
      const recs = this.recs;
      for (let r = chunk * CHUNK; r < chunk * CHUNK + count; r++) {
        const w = r * REC;
        this.runTime[n] = recs[w] as number;
        this.runK1[n] = recs[w + 1] as number;
        this.runK2[n] = recs[w + 2] as number;
        this.runTarget[n] = recs[w + 3] as number;
        this.runPayload[n] = this.recPayload[r];
        this.recPayload[r] = undefined;
        n++;
      }
      const next = this.chunkNext[chunk] as number;
      this.releaseChunk(chunk);
      chunk = next;
    }
    this.runCount = n;
    if (this.warm !== undefined) this.warm(this.runTarget, n);
    this.sortRun(n, baseUs);
  }

  /**
   * Orders the run's n entries by (time, k1, k2) into runOrder. Each key packs the offset from
   * the bucket's start above the entry's number, so one numeric sort of the keys orders by time
   * (exactly: offset * scale + entry stays below 2^52); equal times are then put in (k1, k2) order.
   */
  private sortRun(n: number, baseUs: number): void {
    const order = this.runOrder;
    const time = this.runTime;
    let scale = 1;
    while (scale < n) scale *= 2;
    if (this.widthUs * scale > KEY_LIMIT) {
      for (let i = 0; i < n; i++) order[i] = i;
      order.subarray(0, n).sort((a, b) => this.entryCompare(a, b));
      return;
    }
    const keys = this.sortKeys(n, baseUs, scale);
    for (let i = 0; i < n; i++) {
      const key = keys[i] as number;
      order[i] = key - Math.floor(key / scale) * scale;
    }
    for (let i = 0; i < n; ) {
      const t = time[order[i] as number] as number;
      let j = i + 1;
      while (j < n && time[order[j] as number] === t) j++;
      if (j - i > 1) this.sortTies(i, j);
      i = j;
    }
  }

  /**
   * The run's keys (offset * scale + entry) in ascending order. Distributed into `scale` bins by
   * offset, then put in order by insertion, which has little to do when the times are spread
   * (PHOLD: a key or two per bin); when a bin fills up (times bunched within a bin's width) the keys
   * get a full numeric sort instead.
   */
  private sortKeys(n: number, baseUs: number, scale: number): Float64Array {
    const time = this.runTime;
    const keys = this.runKeys;
    const distribute = n >= DISTRIBUTE_MIN;
    const binUs = Math.max(1, this.widthUs / scale);
    const counts = this.binCounts;
    if (distribute) counts.fill(0, 0, scale + 1);
    let fullest = 0;
    for (let i = 0; i < n; i++) {
      const offset = (time[i] as number) - baseUs;
      keys[i] = offset * scale + i;
      if (!distribute) continue;
      const bin = Math.floor(offset / binUs) + 1;
      const c = (counts[bin] as number) + 1;
      counts[bin] = c;
      if (c > fullest) fullest = c;
    }
    if (!distribute || fullest > BIN_FULL) {
      keys.subarray(0, n).sort();
      return keys;
    }
    for (let b = 1; b <= scale; b++) counts[b] = (counts[b] as number) + (counts[b - 1] as number);
    // counts[bin] is now where the bin starts: scatter, in entry order within a bin
    const out = this.binnedKeys;
    for (let i = 0; i < n; i++) {
      const key = keys[i] as number;
      const bin = Math.floor(((time[i] as number) - baseUs) / binUs);
      const at = counts[bin] as number;
      counts[bin] = at + 1;
      out[at] = key;
    }
    for (let i = 1; i < n; i++) {
      const key = out[i] as number;
      let j = i - 1;
      while (j >= 0 && (out[j] as number) > key) {
        out[j + 1] = out[j] as number;
        j--;
      }
      out[j + 1] = key;
    }
    return out;
  }

  /** Puts runOrder[from .. to), entries of one time, in (k1, k2) order. */
  private sortTies(from: number, to: number): void {
    const order = this.runOrder;
    if (to - from > TIES_INSERTION_MAX) {
      order.subarray(from, to).sort((a, b) => this.entryCompare(a, b));
      return;
    }
    for (let i = from + 1; i < to; i++) {
      const e = order[i] as number;
      let j = i;
      while (j > from && this.entryCompare(order[j - 1] as number, e) > 0) {
        order[j] = order[j - 1] as number;
        j--;
      }
      order[j] = e;
    }
  }

  /** Key order of two run entries. */
  private entryCompare(a: number, b: number): number {
    const ta = this.runTime[a] as number;
    const tb = this.runTime[b] as number;
    if (ta !== tb) return ta < tb ? -1 : 1;
    const ka = this.runK1[a] as number;
    const kb = this.runK1[b] as number;
    if (ka !== kb) return ka < kb ? -1 : 1;
    return (this.runK2[a] as number) - (this.runK2[b] as number);
  }

  private growRun(atLeast: number): void {
    let cap = this.runTime.length;
    while (cap < atLeast) cap *= 2;
    const grown = (from: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const to = new Float64Array(cap);
      to.set(from);
      return to;
    };
    this.runTime = grown(this.runTime);
    this.runK1 = grown(this.runK1);
    this.runK2 = grown(this.runK2);
    const target = new Int32Array(cap);
    target.set(this.runTarget);
    this.runTarget = target;
    const old = this.runPayload.length;
    this.runPayload.length = cap;
    this.runPayload.fill(undefined, old);
    this.runOrder = new Int32Array(cap);
    this.runKeys = new Float64Array(cap);
    this.binnedKeys = new Float64Array(cap);
    this.binCounts = new Int32Array(2 * cap + 1);
  }

  /** Moves every record of a bucket into the near heap. */
  private drain(list: number): void {
    let chunk = this.head[list] as number;
    if (chunk === NONE) return;
    const lastChunk = this.tail[list] as number;
    const lastFill = this.fill[list] as number;
    this.head[list] = NONE;
    this.tail[list] = NONE;
    while (chunk !== NONE) {
      const n = chunk === lastChunk ? lastFill : CHUNK;
      const recs = this.recs;
      for (let r = chunk * CHUNK; r < chunk * CHUNK + n; r++) {
        const w = r * REC;
        this.nearPush(recs[w] as number, recs[w + 1] as number, recs[w + 2] as number, recs[w + 3] as number, this.recPayload[r] as P);
        this.recPayload[r] = undefined;
      }
      const next = this.chunkNext[chunk] as number;
      this.releaseChunk(chunk);
      chunk = next;
    }
  }

  /** Moves every event of a heap-only queue grown past NEAR_MAX to the far list, for a rebuild. */
  private spill(): void {
    assert(this.runHead === this.runCount, 'a queue that is just the heap has no run');
    const heap = this.heap;
    this.ringBaseUs = -Infinity;
    this.nearEnd = -Infinity;
    this.buckets = 0;
    this.cursor = 0;
    for (let i = 0; i < this.nearCount; i++) {
      const slot = heap[2 * i + 1] as number;
      this.append(0, heap[2 * i] as number, this.k1[slot] as number, this.k2[slot] as number, this.target[slot] as number, this.payload[slot] as P);
      this.payload[slot] = undefined;
    }
    this.farCount = this.nearCount;
    this.nearCount = 0;
    for (let i = 0; i < this.capacity; i++) this.freeSlots[i] = this.capacity - 1 - i;
    this.freeCount = this.capacity;
  }

  /**
   * Lays a new ring over the far list (the ring and the near heap are empty): buckets start at the
   * earliest far event and are sized so each holds about EVENTS_PER_BUCKET of the far events up to
   * the COVER point of a sample of their times; later events stay far. A short far list becomes the
   * heap instead.
   */
  private rebuild(): void {
    const far = this.buckets;
    assert(this.farCount > 0 && this.nearCount === 0 && this.runHead === this.runCount, 'the ring is rebuilt only from a non-empty far list');
    const count = this.farCount;
    if (count <= HEAP_ONLY_MAX) {
      this.drain(far);
      this.farCount = 0;
      this.buckets = 0;
      this.cursor = 0;
      this.nearEnd = Infinity;
      return;
    }
    let minUs = Infinity;
    let maxUs = -Infinity;
    const stride = Math.max(1, Math.floor(count / SAMPLES));
    let sampled = 0;
    let seen = 0;
    for (let chunk = this.head[far] as number; chunk !== NONE; chunk = this.chunkNext[chunk] as number) {
      const n = chunk === this.tail[far] ? (this.fill[far] as number) : CHUNK;
      for (let r = chunk * CHUNK; r < chunk * CHUNK + n; r++) {
        const t = this.recs[r * REC] as number;
        if (t < minUs) minUs = t;
        if (t > maxUs) maxUs = t;
        if (seen++ % stride === 0 && sampled < SAMPLES) this.samples[sampled++] = t;
      }
    }
    let buckets = 1;
    let widthUs = 1;
    let baseUs = minUs;
    if (maxUs !== minUs) {
      const sorted = this.samples.subarray(0, sampled).sort();
      const coverUs = sorted[Math.floor(COVER * (sampled - 1))] as number;
      const spanUs = Math.max(1, coverUs - minUs + 1);
      // A power-of-two width, and a ring that ends on a grid (a power of two between a half and
      // all of its span): partitions of one run with alike events then run out of their rings,
      // and rebuild, in the same window, rather than each making a window of its own slow. With a
      // grid of a quarter to a half, PHOLD's two partitions' spans rounded to different points in
      // 37 of 42 rebuilds.
      widthUs = powerOfTwoAtLeast(Math.ceil((spanUs * EVENTS_PER_BUCKET) / (COVER * count)));
      const gridUs = Math.max(widthUs, powerOfTwoAtLeast(spanUs / 2));
      baseUs = Math.floor(minUs / widthUs) * widthUs;
      const endUs = Math.ceil((minUs + spanUs) / gridUs) * gridUs;
      buckets = Math.min(BUCKETS_MAX, (endUs - baseUs) / widthUs);
    }
    // detach the far list, lay out the new ring, and put the far records back into it
    let chunk = this.head[far] as number;
    const lastChunk = this.tail[far] as number;
    const lastFill = this.fill[far] as number;
    this.head[far] = NONE;
    this.tail[far] = NONE;
    this.ringBaseUs = baseUs;
    this.widthUs = widthUs;
    this.buckets = buckets;
    this.cursor = 0;
    this.nearEnd = baseUs;
    this.farCount = 0;
    while (chunk !== NONE) {
      const n = chunk === lastChunk ? lastFill : CHUNK;
      for (let r = chunk * CHUNK; r < chunk * CHUNK + n; r++) {
        const w = r * REC;
        const recs = this.recs;
        const payload = this.recPayload[r] as P;
        this.recPayload[r] = undefined;
        this.toRing(recs[w] as number, recs[w + 1] as number, recs[w + 2] as number, recs[w + 3] as number, payload);
      }
      const next = this.chunkNext[chunk] as number;
      this.releaseChunk(chunk);
      chunk = next;
    }
    // the earliest event opens the ring, so every rebuild lets refill move on
    assert(this.head[0] !== NONE, 'a rebuilt ring starts with an empty bucket');
  }

  private append(list: number, time: number, k1: number, k2: number, target: number, payload: P): void {
    let chunk = this.tail[list] as number;
    let at: number;
    if (chunk === NONE || (at = this.fill[list] as number) === CHUNK) {
      const fresh = this.takeChunk();
      if (chunk === NONE) this.head[list] = fresh;
      else this.chunkNext[chunk] = fresh;
      this.tail[list] = fresh;
      chunk = fresh;
      at = 0;
    }
    this.fill[list] = at + 1;
    const r = chunk * CHUNK + at;
    const w = r * REC;
    const recs = this.recs;
    recs[w] = time;
    recs[w + 1] = k1;
    recs[w + 2] = k2;
    recs[w + 3] = target;
    this.recPayload[r] = payload;
  }

  private takeChunk(): number {
    let chunk = this.freeChunk;
    if (chunk === NONE) {
      if (this.chunkCount === this.chunkNext.length) this.growChunks();
      chunk = this.chunkCount++;
    } else {
      this.freeChunk = this.chunkNext[chunk] as number;
    }
    this.chunkNext[chunk] = NONE;
    return chunk;
  }

  private releaseChunk(chunk: number): void {
    this.chunkNext[chunk] = this.freeChunk;
    this.freeChunk = chunk;
  }

  private growChunks(): void {
    const chunks = this.chunkNext.length * 2;
    const recs = new Float64Array(chunks * CHUNK * REC);
    recs.set(this.recs);
    this.recs = recs;
    const next = new Int32Array(chunks);
    next.set(this.chunkNext);
    this.chunkNext = next;
    const old = this.recPayload.length;
    this.recPayload.length = chunks * CHUNK;
    this.recPayload.fill(undefined, old);
  }

  /** Key order of two near events with equal time. */
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

/** The smallest power of two >= x (x >= 1). */
function powerOfTwoAtLeast(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}
