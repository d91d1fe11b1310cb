// The waiting line of a FIFO host as runs of back-to-back items: run (start, count, cost) holds
// items that reach the server at start, start + cost, ..., so a host in congestive collapse keeps
// a few runs however long its queue, and "how many items wait at t" is exact.
import { HOST_QUEUE_ADVICE, grownCapacity } from './limits.js';
export class ReachRuns {
  private startUs: Float64Array;
  private count: Float64Array;
  private costUs: Float64Array;
  private head = 0;
  private length = 0;
  /** Items in all runs, including those of the front run that already reached the server. */
  private items = 0;
  /** The last run: its slot, cost, and where its next item would reach the server. */
  private lastSlot = 0;
  private lastCostUs = -1;
  private lastNextUs = -Infinity;

  constructor(initialCapacity = 64) {
    this.startUs = new Float64Array(initialCapacity);
    this.count = new Float64Array(initialCapacity);
    this.costUs = new Float64Array(initialCapacity);
  }

  /** Adds an item that reaches the server at `reachUs` (not before the last one) and takes `costUs` there (0: discarded). */
  append(reachUs: number, costUs: number): void {
    this.items++;
    if (this.length > 0 && costUs === this.lastCostUs && reachUs === this.lastNextUs) {
      this.count[this.lastSlot] = (this.count[this.lastSlot] as number) + 1;
      this.lastNextUs = reachUs + costUs;
      return;
    }
    if (this.length === this.startUs.length) this.grow();
    const at = (this.head + this.length) % this.startUs.length;
    this.startUs[at] = reachUs;
    this.count[at] = 1;
    this.costUs[at] = costUs;
    this.length++;
    this.lastSlot = at;
    this.lastCostUs = costUs;
    this.lastNextUs = reachUs + costUs;
  }

  /** `count` items back to back from `reachUs`, each taking `costUs` (> 0): as many appends. */
  appendRun(reachUs: number, costUs: number, count: number): void {
    this.append(reachUs, costUs);
    // the last run now ends at reachUs with this cost, so each later item extends it
    this.count[this.lastSlot] = (this.count[this.lastSlot] as number) + count - 1;
    this.items += count - 1;
    this.lastNextUs = reachUs + count * costUs;
  }

  /** Items that reach the server after `nowUs`; forgets runs that all reached it (now must not decrease). */
  waitingAfter(nowUs: number): number {
    const cap = this.startUs.length;
    while (this.length > 0) {
      const h = this.head;
      const lastReach = (this.startUs[h] as number) + ((this.count[h] as number) - 1) * (this.costUs[h] as number);
      if (lastReach > nowUs) break;
      this.items -= this.count[h] as number;
      this.head = (h + 1) % cap;
      this.length--;
    }
    if (this.length === 0) return 0;
    const h = this.head;
    const start = this.startUs[h] as number;
    if (start > nowUs) return this.items;
    // cost > 0 here: a zero-cost run whose start passed was forgotten above
    const reached = Math.floor((nowUs - start) / (this.costUs[h] as number)) + 1;
    return this.items - reached;
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
    this.items = 0;
  }

  private grow(): void {
    const cap = this.startUs.length;
    const next = grownCapacity(cap, "a FIFO DWFM host's queue", HOST_QUEUE_ADVICE);
    const s = new Float64Array(next);
    const n = new Float64Array(next);
    const c = new Float64Array(next);
    for (let i = 0; i < this.length; i++) {
      const from = (this.head + i) % cap;
      s[i] = this.startUs[from] as number;
      n[i] = this.count[from] as number;
      c[i] = this.costUs[from] as number;
    }
    this.startUs = s;
    this.count = n;
    this.costUs = c;
    this.head = 0;
    this.lastSlot = this.length - 1;
  }
}
