// The wall-clock time of a run's t = 0 for files outside cascade (OpenMetrics, HdrHistogram logs):
// the scenario's clock when it has one, else a stated epoch.
import { parseClock } from './clock.js';

/** t = 0 of a scenario without a clock (`clock.start` null): the day of the 2025 outage, UTC. */
export const STATED_EPOCH = '2025-10-20T00:00:00Z';

export interface RunEpoch {
  /** epoch milliseconds of t = 0 */
  readonly startMs: number;
  /** ISO-8601 time of t = 0 as the run states it */
  readonly start: string;
  readonly source: 'scenario' | 'stated-epoch';
}

export function runEpoch(summary: Record<string, unknown>): RunEpoch {
  const start = (summary['clock'] as { start?: unknown } | undefined)?.start;
  const clock = typeof start === 'string' ? parseClock(start) : null;
  if (clock !== null) return { startMs: clock.startMs, start: start as string, source: 'scenario' };
  return { startMs: Date.parse(STATED_EPOCH), start: STATED_EPOCH, source: 'stated-epoch' };
}

/** How a file header says where t = 0 comes from. */
export function epochNote(epoch: RunEpoch): string {
  return epoch.source === 'scenario' ? `the scenario's clock, ${epoch.start}` : `the scenario has no clock: stated epoch ${epoch.start}`;
}
