// A list of numbers built for one message at a time (a host's reply to a shard, a shard's items to
// its host). Building each message's arrays by pushing onto new ones grew them again and again: a
// reply of a hundred renewals, the common size, grew each of its arrays five times. A MessageList
// keeps its array between messages and a message takes an exact copy; a message longer than the
// list's bound (KEPT_ENTRIES unless the owner chooses otherwise) takes the array itself, so such a
// list does not stay as long as its longest message.
import { assert, registerSnapshotClasses } from '@cascade/kernel';

/**
 * The longest message whose list is kept. Keeping every length cost more memory than it saved
 * time: at 1e6 droplets on 2 threads the peak was 130 MiB higher than with this bound (at 2e5 the
 * hosts' replies are mostly of 8-255 fates).
 */
export const KEPT_ENTRIES = 256;

export class MessageList {
  /** Values pushed since the last take (the array's first `length` entries). */
  length = 0;
  private values: number[] = [];

  /** `kept`: the longest message whose array is kept (Infinity: every one). */
  constructor(private readonly kept: number = KEPT_ENTRIES) {}

  push(value: number): void {
    this.values[this.length++] = value;
  }

  /** The values pushed since the last take, as an array of their own; the list is empty again. */
  take(): number[] {
    const n = this.length;
    this.length = 0;
    if (n <= this.kept) return this.values.slice(0, n);
    // longer than any kept message, so the array holds exactly this one
    const values = this.values;
    if (values.length !== n) assert(false, `a message of ${n} values built in an array of ${values.length}`);
    this.values = [];
    return values;
  }
}
// made on demand (a host's reply buffer for a shard), so checkpoints must know them
registerSnapshotClasses(MessageList);
