// A growable list of numbers in a Float64Array (8 bytes an entry, no boxing).
export class F64List {
  private data: Float64Array;
  length = 0;

  constructor(initialCapacity = 64) {
    this.data = new Float64Array(initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  last(): number {
    return this.length > 0 ? (this.data[this.length - 1] as number) : -Infinity;
  }

  /** An exact-size copy. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}
