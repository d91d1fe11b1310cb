// How many events a host runs between looks at the clock, interrupts and progress.
/** Events a partition handles between looks at the clock, the abort signal and progress: at first. */
const SLICE_EVENTS_FIRST = 20_000;
const SLICE_EVENTS_MIN = 1_000;
const SLICE_EVENTS_MAX = 1_000_000;
/** Slices are sized to take about this long, so that an interrupt is seen well within a second. */
const SLICE_TARGET_MS = 50;

/** Sizes slices of events from the rate measured on the last full slice. */
export class SliceSizer {
  events = SLICE_EVENTS_FIRST;

  /** A slice ran `processed` events in `ms` of wall time. */
  observe(processed: number, ms: number): void {
    // A slice cut short by its window's end says little about the rate, unless it was slow.
    if (processed < this.events / 2 && ms < SLICE_TARGET_MS) return;
    const rate = processed / Math.max(ms, 1);
    this.events = Math.round(Math.min(SLICE_EVENTS_MAX, Math.max(SLICE_EVENTS_MIN, rate * SLICE_TARGET_MS)));
  }
}
