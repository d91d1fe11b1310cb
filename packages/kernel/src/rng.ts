// One seeded random stream per actor, derived from (scenario seed, actor id); xoroshiro128+ from
// pure-rand, seeded with all 128 bits of state so distinct actors never share a stream.
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

type Generator = ReturnType<typeof xoroshiro128plusFromState>;

const TWO_POW_32 = 4294967296;

/** splitmix32-style finaliser: a bijection on 32-bit integers. */
function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

export class Rng {
  private gen: Generator;

  private constructor(gen: Generator) {
    this.gen = gen;
  }

  /** The stream of `streamId` (an actor id) under `seed`. Both are non-negative integers < 2^32. */
  static forStream(seed: number, streamId: number): Rng {
    const seedLo = seed >>> 0;
    const seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
    // Each state word is a bijection of streamId for a fixed seed, so streams never coincide.
    const state = [
      mix32(streamId ^ mix32(seedLo ^ 0x243f6a88)),
      mix32(streamId + 0x9e3779b9 ^ mix32(seedHi ^ 0x85a308d3)),
      mix32(streamId ^ mix32(seedLo + 0x13198a2e)),
      mix32(streamId + 0x7f4a7c15 ^ mix32(seedHi + 0x03707344)),
    ];
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1; // the all-zero state is a fixed point
    return new Rng(xoroshiro128plusFromState(state));
  }

  static fromState(state: readonly number[]): Rng {
    return new Rng(xoroshiro128plusFromState(state));
  }

  state(): number[] {
    return [...this.gen.getState()];
  }

  /** Continues from a state taken with state() (checkpoints). */
  setState(state: readonly number[]): void {
    this.gen = xoroshiro128plusFromState(state);
  }

  /** A 32-bit unsigned integer. */
  nextUint32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  random(): number {
    const hi = this.gen.next() >>> 5; // 27 bits
    const lo = this.gen.next() >>> 6; // 26 bits
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
