// The waiting items of a LIFO host, oldest at the bottom. Items past their deadline sink to the
// bottom (the stack is ordered by enqueue time), so they are compacted into runs of copies with the
// same enqueue time and kind: memory stays bounded by the live items plus a few runs.
import { ZERO_US } from '@cascade/kernel';
import { HOST_QUEUE_ADVICE, grownCapacity } from './limits.js';

/** code >= 0: one item, (host-local droplet) * 2 + establish; code < 0: a run of stale copies, -1 - establish. */
export class LifoStack {
  private enqUs: Float64Array;
  private code: Int32Array;
  private count: Float64Array;
  private length = 0;
  private compactAt = 1024;
  /** Items waiting, copies in runs included. */
  items = 0;

  // The item taken by the last `pop`.
  poppedCode = 0;
  poppedEnqUs = ZERO_US;

  constructor(initialCapacity = 256) {
    this.enqUs = new Float64Array(initialCapacity);
    this.code = new Int32Array(initialCapacity);
    this.count = new Float64Array(initialCapacity);
  }

  push(code: number, enqUs: number): void {
    if (this.length === this.code.length) this.grow();
    this.enqUs[this.length] = enqUs;
    this.code[this.length] = code;
    this.count[this.length] = 1;
    this.length++;
    this.items++;
  }

  /** Takes the newest item (one copy of a run); false when empty. Fields in popped*. */
  pop(): boolean {
    if (this.length === 0) return false;
    const top = this.length - 1;
    const code = this.code[top] as number;
    this.poppedEnqUs = this.enqUs[top] as number;
    this.items--;
    if (code >= 0) {
      this.poppedCode = code;
      this.length--;
      return true;
    }
    this.poppedCode = code;
    const n = (this.count[top] as number) - 1;
    if (n === 0) this.length--;
    else this.count[top] = n;
    return true;
  }

  /** Calls `fn` for every single (not compacted) item, then empties the stack; returns how many items it held. */
  drain(fn: (code: number, enqUs: number) => void): number {
    for (let i = 0; i < this.length; i++) {
      const code = this.code[i] as number;
      if (code >= 0) fn(code, this.enqUs[i] as number);
    }
    const n = this.items;
    this.length = 0;
    this.items = 0;
    return n;
  }

  /** Compacts the bottom items enqueued before `staleBeforeUs` into runs, when the stack has grown. */
  maybeCompact(staleBeforeUs: number): void {
    if (this.length < this.compactAt) return;
    let w = 0;
    let r = 0;
    for (; r < this.length; r++) {
      const enq = this.enqUs[r] as number;
      if (enq >= staleBeforeUs) break;
      const code = this.code[r] as number;
      const kind = code >= 0 ? -1 - (code & 1) : code;
      const n = this.count[r] as number;
      if (w > 0 && this.code[w - 1] === kind && this.enqUs[w - 1] === enq) {
        this.count[w - 1] = (this.count[w - 1] as number) + n;
      } else {
        this.code[w] = kind;
        this.enqUs[w] = enq;
        this.count[w] = n;
        w++;
      }
    }
    if (w < r) {
      this.code.copyWithin(w, r, this.length);
      this.enqUs.copyWithin(w, r, this.length);
      this.count.copyWithin(w, r, this.length);
      this.length -= r - w;
    }
    this.compactAt = Math.max(1024, 2 * this.length);
  }

  private grow(): void {
    const next = grownCapacity(this.code.length, "a LIFO DWFM host's queue", HOST_QUEUE_ADVICE);
    const e = new Float64Array(next);
    e.set(this.enqUs);
    this.enqUs = e;
    const c = new Int32Array(next);
    c.set(this.code);
    this.code = c;
    const n = new Float64Array(next);
    n.set(this.count);
    this.count = n;
  }
}
