// Random streams: one per actor, derived from (scenario seed, actor id). The generator is
// xoroshiro128+ exactly as pure-rand implements it (pure-rand derives nothing here but is the
// reference a test checks every step against); its 128-bit state lives in the partition's actor
// table, next to the actor's other kernel state, so a draw touches memory the event already
// touched. An Rng is a cursor: the partition points it at the acting actor's state.
/** int32 words of one stream's state: s01, s00, s11, s10 (pure-rand's order). */
export const RNG_STATE_WORDS = 4;

/** splitmix32-style finaliser: a bijection on 32-bit integers. */
function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

const TWO_POW_32 = 4294967296;

/** Writes the initial state of stream `streamId` under `seed` at state[base..base+3]. */
export function seedStream(state: Int32Array, base: number, seed: number, streamId: number): void {
  const seedLo = seed >>> 0;
  const seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
  // Each word is a bijection of streamId for a fixed seed, so streams never coincide.
  state[base] = mix32(streamId ^ mix32(seedLo ^ 0x243f6a88));
  state[base + 1] = mix32((streamId + 0x9e3779b9) ^ mix32(seedHi ^ 0x85a308d3));
  state[base + 2] = mix32(streamId ^ mix32(seedLo + 0x13198a2e));
  state[base + 3] = mix32((streamId + 0x7f4a7c15) ^ mix32(seedHi + 0x03707344));
  // the all-zero state is a fixed point
  if ((state[base] | (state[base + 1] as number) | (state[base + 2] as number) | (state[base + 3] as number)) === 0) state[base] = 1;
}

export class Rng {
  /** Where the current stream's state starts in `words`. */
  base: number;
  private readonly words: Int32Array;

  constructor(words: Int32Array, base: number) {
    this.words = words;
    this.base = base;
  }

  /** A stand-alone stream of `streamId` under `seed` (both non-negative integers < 2^32). */
  static forStream(seed: number, streamId: number): Rng {
    const words = new Int32Array(RNG_STATE_WORDS);
    seedStream(words, 0, seed, streamId);
    return new Rng(words, 0);
  }

  /** A stand-alone stream continuing from a state taken with state(). */
  static fromState(state: readonly number[]): Rng {
    return new Rng(Int32Array.from(state), 0);
  }

  /** The current stream's state (checkpoints); the same four words pure-rand's getState gives. */
  state(): number[] {
    return Array.from(this.words.subarray(this.base, this.base + RNG_STATE_WORDS));
  }

  setState(state: readonly number[]): void {
    this.words.set(state, this.base);
  }

  /** The next 32-bit output as a signed int32 (xoroshiro128+ step, as pure-rand computes it). */
  nextInt32(): number {
    const w = this.words;
    const b = this.base;
    const s01 = w[b] as number;
    const s00 = w[b + 1] as number;
    const s11 = w[b + 2] as number;
    const s10 = w[b + 3] as number;
    const out = (s00 + s10) | 0;
    const a0 = s10 ^ s00;
    const a1 = s11 ^ s01;
    w[b + 1] = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    w[b] = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    w[b + 3] = (a1 << 5) ^ (a0 >>> 27);
    w[b + 2] = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  /** A 32-bit unsigned integer. */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  random(): number {
    const hi = this.nextInt32() >>> 5; // 27 bits
    const lo = this.nextInt32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Uniform real in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random();
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.random());
  }

  /** Pareto (heavy tail) with scale xm and shape alpha: P(X > x) = (xm / x)^alpha. */
  pareto(xm: number, alpha: number): number {
    return xm / Math.pow(1 - this.random(), 1 / alpha);
  }

  bernoulli(p: number): boolean {
    return this.random() < p;
  }
}
