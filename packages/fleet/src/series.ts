// Per-actor accumulators of time-series buckets, flushed to ctx.metrics once a bucket is complete
// (values may be added ahead of time, e.g. a precomputed completion). Each bucket is flushed once.
import type { Metrics, SeriesMode } from '@cascade/kernel';

export class BucketSeries {
  readonly values: Float64Array;
  private flushedBefore = 0;
  /** For cumulative series: the level at the start of bucket `flushedBefore`. */
  private level: number;

  constructor(
    readonly name: string,
    readonly mode: SeriesMode,
    private readonly intervalUs: number,
    endUs: number,
    /** cumulative: flush running totals (a level such as a count of valid leases) instead of sums */
    private readonly cumulativeFrom?: number,
    /** Each flushed value is multiplied by this (1 / interval seconds turns counts into rates). */
    private readonly scale = 1,
  ) {
    this.values = new Float64Array(Math.floor(endUs / intervalUs) + 1);
    this.level = cumulativeFrom ?? 0;
  }

  add(timeUs: number, value: number): void {
    const b = Math.floor(timeUs / this.intervalUs);
    if (b < this.values.length) this.values[b] = (this.values[b] as number) + value;
  }

  /** Adds `value` per µs over [fromUs, toUs), split across buckets. */
  addSpan(fromUs: number, toUs: number, valuePerUs: number): void {
    let t = fromUs;
    while (t < toUs) {
      const b = Math.floor(t / this.intervalUs);
      if (b >= this.values.length) return;
      const end = Math.min(toUs, (b + 1) * this.intervalUs);
      this.values[b] = (this.values[b] as number) + (end - t) * valuePerUs;
      t = end;
    }
  }

  /** Flushes the buckets that end at or before `nowUs`, or all of them when `final`. */
  flush(metrics: Metrics, nowUs: number, final: boolean): void {
    const upTo = final ? this.values.length : Math.min(this.values.length, Math.floor(nowUs / this.intervalUs));
    if (upTo <= this.flushedBefore) return;
    let level = this.level;
    for (let b = this.flushedBefore; b < upTo; b++) {
      const v = this.values[b] as number;
      if (this.cumulativeFrom !== undefined) {
        level += v;
        metrics.sample(this.name, b * this.intervalUs, level, this.mode);
      } else if (v !== 0) {
        metrics.sample(this.name, b * this.intervalUs, v * this.scale, this.mode);
      }
    }
    this.level = level;
    this.flushedBefore = upTo;
  }
}
