// Progress on stderr, never under --quiet or --json: on a TTY a bar with an ETA once the work has
// taken a second; off a TTY (CI logs, pipes) one line every CASCADE_PROGRESS_INTERVAL (default 10 s).
import type { Progress } from '@cascade/runtime';
import { DURATION_HELP, parseDurationSeconds } from '@cascade/scenarios';
import { InterruptedError, type RunProgress } from '@cascade/tune';
import { SingleBar } from 'cli-progress';
import { UsageError } from './errors.js';
import { formatCount, formatDuration } from './table.js';

/** Plain functions (no `this`), so callers may pass `update` on its own. */
export interface ProgressSink {
  readonly update: (progress: Progress) => void;
  readonly stop: () => void;
}

const LINE_INTERVAL_S_DEFAULT = 10;
/** Run progress lines come from a timer; never more often than this. */
const RUN_LINE_INTERVAL_S_MIN = 1;

/** Seconds between progress lines off a TTY: CASCADE_PROGRESS_INTERVAL (a duration), default 10 s. */
export function progressIntervalSeconds(): number {
  const text = process.env['CASCADE_PROGRESS_INTERVAL'];
  if (text === undefined || text === '') return LINE_INTERVAL_S_DEFAULT;
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw new UsageError(`CASCADE_PROGRESS_INTERVAL=${text.slice(0, 100)}: expected ${DURATION_HELP}`);
  return seconds;
}

/** Seconds left at the pace so far, or undefined before there is a pace. */
function etaSeconds(elapsedS: number, doneShare: number): number | undefined {
  return doneShare > 0 && doneShare < 1 ? (elapsedS * (1 - doneShare)) / doneShare : undefined;
}

/** Prints a line whenever another `everyS` of wall time has passed since the last one. */
function lineEvery(everyS: number): (elapsedS: number, text: () => string) => void {
  let nextS = everyS;
  return (elapsedS, text) => {
    if (elapsedS < nextS) return;
    process.stderr.write(`${text()}\n`);
    nextS = elapsedS + everyS;
  };
}

/** Progress of one simulation: simulated time reached, events, events/s and the ETA. */
export function progressBar(options: { quiet: boolean; json: boolean; label: string }): ProgressSink | undefined {
  if (options.quiet || options.json) return undefined;
  const figures = (p: Progress) => {
    const share = Math.min(1, p.nowUs / Math.max(1, p.endUs));
    const eta = etaSeconds(p.wallSeconds, share);
    return {
      percent: Math.floor(100 * share),
      sim: formatDuration(p.nowUs / 1e6),
      end: formatDuration(p.endUs / 1e6),
      eps: formatCount(p.events / Math.max(1e-9, p.wallSeconds)),
      events: formatCount(p.events),
      etaText: eta === undefined ? '-' : formatDuration(Math.ceil(eta)),
    };
  };
  if (!process.stderr.isTTY) {
    const line = lineEvery(progressIntervalSeconds());
    return {
      update(p) {
        line(p.wallSeconds, () => {
          const f = figures(p);
          return `${options.label}: ${f.percent}% (t = ${f.sim} of ${f.end}) | ${f.events} events | ${f.eps} events/s | ${formatDuration(p.wallSeconds)} so far, ETA ${f.etaText}`;
        });
      },
      stop() {},
    };
  }
  let bar: SingleBar | undefined;
  return {
    update(p) {
      if (bar === undefined && p.wallSeconds < 1) return;
      const f = figures(p);
      if (bar === undefined) {
        bar = new SingleBar({
          stream: process.stderr,
          format: `${options.label} [{bar}] {percentage}% | t = {sim} of {end} | {eps} events/s | {events} events | ETA {etaText}`,
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(100, f.percent, f);
      } else {
        bar.update(f.percent, f);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Runs done / total with an ETA (sweep, tune, explore). */
export function runProgressBar(options: { quiet: boolean; json: boolean; label: string }): { update: (p: RunProgress) => void; stop: () => void } | undefined {
  if (options.quiet || options.json) return undefined;
  const started = Date.now();
  // The ETA from this session's pace: runs found in the results log took no time now.
  const eta = (p: RunProgress, elapsedS: number) => {
    const ran = p.done - p.resumed;
    return ran > 0 ? formatDuration(Math.ceil((elapsedS / ran) * (p.total - p.done))) : '-';
  };
  if (!process.stderr.isTTY) {
    // runs report only when one finishes: a timer keeps the lines coming while a long one runs
    let last: RunProgress | undefined;
    const timer = setInterval(() => {
      if (last === undefined) return;
      const elapsedS = (Date.now() - started) / 1000;
      process.stderr.write(`${options.label}: ${formatCount(last.done)}/${formatCount(last.total)} runs | ${formatDuration(elapsedS)} so far, ETA ${eta(last, elapsedS)}\n`);
    }, Math.max(RUN_LINE_INTERVAL_S_MIN, progressIntervalSeconds()) * 1000);
    timer.unref();
    return {
      update(p) {
        last = p;
      },
      stop() {
        clearInterval(timer);
      },
    };
  }
  let bar: SingleBar | undefined;
  return {
    update(p) {
      if (bar === undefined) {
        if (Date.now() - started < 1000 && p.done < p.total) return;
        bar = new SingleBar({
          stream: process.stderr,
          format: `${options.label} [{bar}] {value}/{total} runs | ETA {etaText}`,
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(p.total, p.done, { etaText: '-' });
      }
      bar.setTotal(p.total);
      bar.update(p.done, { etaText: eta(p, (Date.now() - started) / 1000) });
    },
    stop() {
      bar?.stop();
    },
  };
}

/**
 * Runs a batch (sweep, tune, map) under the runs bar. An interrupt says what was kept and gives
 * null, for the command to exit 130; any other error goes on.
 */
export async function withRunProgress<T>(
  options: { quiet: boolean; json: boolean; label: string },
  batch: (onProgress: ((p: RunProgress) => void) | undefined) => Promise<T>,
): Promise<T | null> {
  const bar = runProgressBar(options);
  try {
    return await batch(bar?.update);
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    process.stderr.write(`cascade: ${error.message}\n`);
    return null;
  } finally {
    bar?.stop();
  }
}
