// A shard's timers: a few FIFO lanes for timers that are pushed in time order (deadlines = send +
// A, the renewal grid = now + R, leases established in completion order), a wheel of ticks for
// timers on a shard's send tick (backoffs and retries, which a shard keys at the tick they are sent
// on), and a radix heap for the rest (stagger, restarts, timers off the tick or past the wheel).
// Lanes are ring buffers read and written in order and a tick of the wheel is a few pooled chunks, so a
// retry storm costs a few sequential array passes, not scattered heap operations.
import { assert, ZERO_US } from '@cascade/kernel';
import { TimerQueue, lowestBit } from './timer-queue.js';

/** Ticks the wheel spans (a power of two): retries further ahead go to the heap. */
const WHEEL_TICKS = 256;
/** Words of a chunk of the wheel's pool: the next chunk's index, then timers. */
const CHUNK = 16;
const NONE = -1;

/**
 * Timers at whole ticks within WHEEL_TICKS ticks of the earliest one it holds. Each tick's timers
 * are a list of 64-byte chunks in one pooled array, in push order: pushing is an append and taking
 * a tick reads its chunks and hands them back to the pool, so the pool is as big as the most
 * timers the wheel ever held at once.
 */
class TickWheel {
  private pool = new Int32Array(64 * CHUNK);
  private freeChunk = NONE;
  private usedChunks = 0;
  private readonly headChunk = new Int32Array(WHEEL_TICKS).fill(NONE);
  private readonly tailChunk = new Int32Array(WHEEL_TICKS).fill(NONE);
  private readonly lengths = new Int32Array(WHEEL_TICKS);
  /** Bit s of occupied[s >> 5] is set while slot s holds timers. */
  private readonly occupied = new Int32Array(WHEEL_TICKS / 32);
  /** Every pending tick is in [baseTick, baseTick + WHEEL_TICKS), so each has a slot of its own. */
  private baseTick = ZERO_US;
  private size = 0;
  earliestUs = Infinity;

  constructor(private readonly tickUs: number) {}

  /** Adds the timer when it is on a tick the wheel can hold; false when it is not. */
  offer(timeUs: number, item: number): boolean {
    // (division, not %: times pass 2^31, where % on doubles is several times slower; exact below 2^52)
    const tick = Math.floor(timeUs / this.tickUs);
    if (tick * this.tickUs !== timeUs) return false;
    if (this.size === 0) this.baseTick = tick;
    else if (tick < this.baseTick || tick >= this.baseTick + WHEEL_TICKS) return false;
    const slot = tick & (WHEEL_TICKS - 1); // tick % WHEEL_TICKS (& keeps an integer's low bits)
    const n = this.lengths[slot] as number;
    const within = n % (CHUNK - 1);
    if (within === 0) {
      const chunk = this.newChunk();
      if (n === 0) {
        this.headChunk[slot] = chunk;
        this.occupied[slot >> 5] = (this.occupied[slot >> 5] as number) | (1 << (slot & 31));
      } else this.pool[(this.tailChunk[slot] as number) * CHUNK] = chunk;
      this.tailChunk[slot] = chunk;
    }
    this.pool[(this.tailChunk[slot] as number) * CHUNK + 1 + within] = item;
    this.lengths[slot] = n + 1;
    this.size++;
    if (timeUs < this.earliestUs) this.earliestUs = timeUs;
    return true;
  }

  /** Moves the timers of the earliest tick to the batch of `out` from `at`; returns how many. */
  takeEarliest(out: TimerLanes, at: number): number {
    const tick = this.earliestUs / this.tickUs;
    const slot = tick & (WHEEL_TICKS - 1);
    const n = this.lengths[slot] as number;
    let chunk = this.headChunk[slot] as number;
    for (let taken = 0; taken < n; ) {
      const k = Math.min(CHUNK - 1, n - taken);
      const base = chunk * CHUNK;
      out.append(at + taken, this.pool.subarray(base + 1, base + 1 + k));
      taken += k;
      const next = this.pool[base] as number;
      this.pool[base] = this.freeChunk;
      this.freeChunk = chunk;
      chunk = next;
    }
    this.headChunk[slot] = NONE;
    this.tailChunk[slot] = NONE;
    this.lengths[slot] = 0;
    this.occupied[slot >> 5] = (this.occupied[slot >> 5] as number) & ~(1 << (slot & 31));
    this.size -= n;
    this.baseTick = tick;
    this.earliestUs = this.size === 0 ? Infinity : (tick + this.ticksToNext(slot)) * this.tickUs;
    return n;
  }

  private newChunk(): number {
    let chunk = this.freeChunk;
    if (chunk !== NONE) {
      this.freeChunk = this.pool[chunk * CHUNK] as number;
    } else {
      if ((this.usedChunks + 1) * CHUNK > this.pool.length) {
        const bigger = new Int32Array(2 * this.pool.length);
        bigger.set(this.pool);
        this.pool = bigger;
      }
      chunk = this.usedChunks++;
    }
    this.pool[chunk * CHUNK] = NONE;
    return chunk;
  }

  /** How many ticks after `slot` the next occupied slot lies (every pending tick is within a lap). */
  private ticksToNext(slot: number): number {
    for (let i = 1; i < WHEEL_TICKS; ) {
      const s = (slot + i) % WHEEL_TICKS;
      const bits = (this.occupied[s >> 5] as number) >>> (s & 31);
      if (bits !== 0) return i + lowestBit(bits);
      i += 32 - (s & 31);
    }
    assert(false, 'a wheel with timers has no occupied slot');
  }
}

/** Groups of at most this many timers are copied into a lane item by item, not through a view. */
const COPY_BY_HAND = 32;

/** Whether bit i of bits[i >> 5] is set (a lane's `live` bits, which a shard also reads). */
export function isSet(bits: Int32Array, i: number): boolean {
  return ((bits[i >> 5] as number) & (1 << (i & 31))) !== 0;
}

/**
 * A ring of timers pushed in time order, kept as runs of equal time: a lane holds the items in one
 * ring and each run's time and length in another, so the timers of a group (the attempts a shard
 * sent at one instant, which time out together) cost a time each neither to push nor to take.
 */
class Lane {
  item: Int32Array;
  head = 0;
  length = 0;
  runUs: Float64Array;
  runLength: Int32Array;
  runHead = 0;
  runs = 0;
  /** Bit i of live[i >> 5] clear: item i's timers here are stale, and are dropped unread (null: none is). */
  live: Int32Array | null = null;
  /** The first and last pending times (Infinity and -Infinity when empty), kept beside the counts so a look at a lane reads no array. */
  headUs = Infinity;
  tailUs = -Infinity;

  constructor(capacity: number) {
    this.item = new Int32Array(capacity);
    this.runUs = new Float64Array(16);
    this.runLength = new Int32Array(16);
  }

  push(timeUs: number, item: number): void {
    if (this.length === this.item.length) this.grow(this.length + 1);
    this.item[(this.head + this.length) & (this.item.length - 1)] = item;
    this.length++;
    this.extendRun(timeUs, 1);
  }

  /** Adds items[0 .. n) at `timeUs` (not before the tail). */
  pushMany(timeUs: number, items: Int32Array, n: number): void {
    if (this.length + n > this.item.length) this.grow(this.length + n);
    const cap = this.item.length;
    const at = (this.head + this.length) & (cap - 1);
    if (n <= COPY_BY_HAND) {
      // a view per copy would cost more than the copy (a lone timeout in a storm pushes one)
      for (let i = 0; i < n; i++) this.item[(at + i) & (cap - 1)] = items[i] as number;
    } else {
      const first = Math.min(n, cap - at);
      this.item.set(items.subarray(0, first), at);
      if (first < n) this.item.set(items.subarray(first, n), 0);
    }
    this.length += n;
    this.extendRun(timeUs, n);
  }

  /**
   * Moves the timers of the head's run to out.batch[at ..], and drops the stale ones behind them
   * (see `live`); returns the new end.
   */
  take(out: TimerLanes, at: number): number {
    const mask = this.item.length - 1;
    const live = this.live;
    const k = this.runLength[this.runHead] as number;
    const batch = out.ensure(at + k);
    let h = this.head;
    let n = at;
    for (let i = 0; i < k; i++) {
      const item = this.item[h] as number;
      if (live === null || isSet(live, item)) batch[n++] = item;
      h = (h + 1) & mask;
    }
    this.skipRun();
    return n;
  }

  /** Drops the head's run, and the stale timers behind it (see `live`). */
  skipRun(): void {
    const mask = this.item.length - 1;
    const live = this.live;
    let h = (this.head + (this.runLength[this.runHead] as number)) & mask;
    let len = this.length - (this.runLength[this.runHead] as number);
    this.dropRun();
    if (live !== null) {
      while (len > 0 && !isSet(live, this.item[h] as number)) {
        h = (h + 1) & mask;
        len--;
        const left = (this.runLength[this.runHead] as number) - 1;
        if (left === 0) this.dropRun();
        else this.runLength[this.runHead] = left;
      }
    }
    this.head = h;
    this.length = len;
    this.headUs = len === 0 ? Infinity : (this.runUs[this.runHead] as number);
    if (len === 0) this.tailUs = -Infinity;
  }

  /** The last `n` items pushed are at `timeUs`: they extend the tail's run or start one. */
  private extendRun(timeUs: number, n: number): void {
    const runMask = this.runUs.length - 1;
    if (this.runs > 0 && timeUs === this.tailUs) {
      const tail = (this.runHead + this.runs - 1) & runMask;
      this.runLength[tail] = (this.runLength[tail] as number) + n;
      return;
    }
    if (this.runs === this.runUs.length) this.growRuns();
    const tail = (this.runHead + this.runs) & (this.runUs.length - 1);
    this.runUs[tail] = timeUs;
    this.runLength[tail] = n;
    if (this.runs === 0) this.headUs = timeUs;
    this.runs++;
    this.tailUs = timeUs;
  }

  private dropRun(): void {
    this.runHead = (this.runHead + 1) & (this.runUs.length - 1);
    this.runs--;
  }

  private grow(atLeast: number): void {
    const cap = this.item.length;
    let next = cap * 2;
    while (next < atLeast) next *= 2;
    const it = new Int32Array(next);
    for (let i = 0; i < this.length; i++) it[i] = this.item[(this.head + i) & (cap - 1)] as number;
    this.item = it;
    this.head = 0;
  }

  private growRuns(): void {
    const cap = this.runUs.length;
    const t = new Float64Array(cap * 2);
    const k = new Int32Array(cap * 2);
    for (let i = 0; i < this.runs; i++) {
      const from = (this.runHead + i) & (cap - 1);
      t[i] = this.runUs[from] as number;
      k[i] = this.runLength[from] as number;
    }
    this.runUs = t;
    this.runLength = k;
    this.runHead = 0;
  }
}

export class TimerLanes {
  private readonly lanes: Lane[];
  private readonly heap = new TimerQueue(64);
  private readonly wheel: TickWheel | undefined;
  /** Reused output of `takeEarliest`. */
  batch = new Int32Array(256);
  /** The run soleRun found: a lane's ring, where the run starts in it, and the ring's index mask. */
  runItems: Int32Array = new Int32Array(0);
  runFrom = 0;
  runMask = 0;
  /** Whether the last batch came from more than one source (then it is not in push order). */
  mixed = false;
  /**
   * The earliest pending time, kept up to date by pushes and recomputed only after a take: a
   * shard asks for it several times per event, and reading every lane's head each time costs a
   * cache miss per lane.
   */
  private earliestUs = Infinity;
  private earliestKnown = true;

  /** `tickUs` > 1: heap timers on that tick go to a wheel of ticks. */
  constructor(laneCount: number, initialCapacity = 1024, tickUs = 1) {
    this.wheel = tickUs > 1 ? new TickWheel(tickUs) : undefined;
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.lanes = [];
    for (let i = 0; i < laneCount; i++) this.lanes.push(new Lane(cap));
  }

  /**
   * Timers of `lane` whose item's bit in `live` is clear when they come due are stale: they are
   * dropped unread. The caller keeps the bits: a clear bit must mean every timer of the item in the
   * lane is stale, and stays so (a set bit promises nothing).
   */
  filterLane(lane: number, live: Int32Array): void {
    (this.lanes[lane] as Lane).live = live;
  }

  /** Adds a timer to `lane` (the wheel or heap when it would be out of order there, or lane < 0). */
  push(lane: number, timeUs: number, item: number): void {
    const l = lane >= 0 ? this.lanes[lane] : undefined;
    if (l !== undefined && timeUs >= l.tailUs) l.push(timeUs, item);
    else if (this.wheel === undefined || !this.wheel.offer(timeUs, item)) this.heap.push(timeUs, item);
    if (timeUs < this.earliestUs) this.earliestUs = timeUs;
  }

  /** Adds timers at one time for items[0 .. n) (lane < 0: to the wheel or heap, as push). */
  pushMany(lane: number, timeUs: number, items: Int32Array, n: number): void {
    if (n === 0) return;
    if (timeUs < this.earliestUs) this.earliestUs = timeUs;
    const l = lane >= 0 ? (this.lanes[lane] as Lane) : undefined;
    if (l === undefined || timeUs < l.tailUs) {
      for (let i = 0; i < n; i++) this.push(-1, timeUs, items[i] as number);
      return;
    }
    l.pushMany(timeUs, items, n);
  }

  peekUs(): number {
    if (this.earliestKnown) return this.earliestUs;
    let t = this.heap.peekUs();
    if (this.wheel !== undefined && this.wheel.earliestUs < t) t = this.wheel.earliestUs;
    for (const l of this.lanes) if (l.headUs < t) t = l.headUs;
    this.earliestUs = t;
    this.earliestKnown = true;
    return t;
  }

  /**
   * When every timer at `timeUs` (the earliest) is in the head run of `lane` and nowhere else, that
   * run's length, its items left in place: `runItems` from `runFrom` on, a ring (index & runMask),
   * stale ones included (the lane's `live` bits tell them); 0 otherwise. The caller hands the run
   * back with skipRun(lane) once it has handled it, and pushes nothing to that lane meanwhile.
   */
  soleRun(lane: number, timeUs: number): number {
    if (this.heap.peekUs() === timeUs || (this.wheel !== undefined && this.wheel.earliestUs === timeUs)) return 0;
    let k = 0;
    for (let i = 0; i < this.lanes.length; i++) {
      const l = this.lanes[i] as Lane;
      if (l.headUs !== timeUs) continue;
      if (i !== lane) return 0;
      k = l.runLength[l.runHead] as number;
      this.runItems = l.item;
      this.runFrom = l.head;
      this.runMask = l.item.length - 1;
    }
    return k;
  }

  /** Drops the run soleRun handed out (and the stale timers behind it). */
  skipRun(lane: number): void {
    this.earliestKnown = false;
    (this.lanes[lane] as Lane).skipRun();
  }

  /** Takes every timer at `timeUs` (the earliest); returns how many droplets are in `batch`. */
  takeEarliest(timeUs: number): number {
    this.earliestKnown = false;
    let n = 0;
    let sources = 0;
    if (this.heap.peekUs() === timeUs) {
      const k = this.heap.takeEarliest(timeUs);
      this.ensure(k);
      this.batch.set(this.heap.batch.subarray(0, k));
      n = k;
      sources += this.heap.takenEntries;
    }
    if (this.wheel !== undefined && this.wheel.earliestUs === timeUs) {
      // a tick's timers come from many events, so they count as that many sources
      const k = this.wheel.takeEarliest(this, n);
      n += k;
      sources += k;
    }
    for (const l of this.lanes) {
      if (l.headUs !== timeUs) continue;
      const from = n;
      n = l.take(this, n);
      if (n > from) sources++;
    }
    this.mixed = sources > 1;
    return n;
  }

  /** Writes `items` to batch[at ..], growing it as needed. */
  append(at: number, items: Int32Array): void {
    this.ensure(at + items.length);
    this.batch.set(items, at);
  }

  /** The batch, grown to hold at least n droplets (those before kept). */
  ensure(n: number): Int32Array {
    if (n <= this.batch.length) return this.batch;
    const next = new Int32Array(Math.max(n, 2 * this.batch.length));
    next.set(this.batch);
    this.batch = next;
    return next;
  }
}
