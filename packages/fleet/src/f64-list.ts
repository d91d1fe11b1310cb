// A growable list of numbers in a Float64Array (8 bytes an entry, no boxing), bounded by
// BUFFER_ENTRIES_MAX: past it, an error names the list and what to change.
import { grownCapacity } from './limits.js';

export class F64List {
  private data: Float64Array;
  length = 0;

  /** `name` and `advice` make the error of a list that outgrows its bound. */
  constructor(
    private readonly name: string,
    private readonly advice: string,
    initialCapacity = 64,
  ) {
    this.data = new Float64Array(initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(grownCapacity(this.data.length, this.name, this.advice));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  last(): number {
    return this.length > 0 ? (this.data[this.length - 1] as number) : -Infinity;
  }

  at(index: number): number | undefined {
    return index < this.length ? this.data[index] : undefined;
  }

  /** Removes the first n entries. */
  dropFront(n: number): void {
    this.data.copyWithin(0, n, this.length);
    this.length -= n;
  }

  /** An exact-size copy. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}
