// A progress bar on stderr (simulated time and events/s), only on a TTY, only after a second,
// never under --quiet or --json.
import type { Progress } from '@cascade/runtime';
import type { RunProgress } from '@cascade/tune';
import { SingleBar } from 'cli-progress';

export interface ProgressSink {
  update(progress: Progress): void;
  stop(): void;
}

export function progressBar(options: { quiet: boolean; json: boolean; label: string }): ProgressSink | undefined {
  if (options.quiet || options.json || !process.stderr.isTTY) return undefined;
  let bar: SingleBar | undefined;
  return {
    update(p) {
      if (bar === undefined && p.wallSeconds < 1) return;
      const percent = Math.min(100, Math.floor((100 * p.nowUs) / Math.max(1, p.endUs)));
      const payload = {
        sim: (p.nowUs / 1e6).toFixed(0),
        end: (p.endUs / 1e6).toFixed(0),
        eps: Math.round(p.events / Math.max(1e-9, p.wallSeconds)).toLocaleString('en-US'),
        events: p.events.toLocaleString('en-US'),
      };
      if (bar === undefined) {
        bar = new SingleBar({
          stream: process.stderr,
          format: `${options.label} [{bar}] {percentage}% | t={sim}s of {end}s | {eps} events/s | {events} events`,
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(100, percent, payload);
      } else {
        bar.update(percent, payload);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Runs done / total with an ETA on stderr: only on a TTY, after a second, never under --quiet or --json. */
export function runProgressBar(options: { quiet: boolean; json: boolean; label: string }): { update: (p: RunProgress) => void; stop: () => void } | undefined {
  if (options.quiet || options.json || !process.stderr.isTTY) return undefined;
  const started = Date.now();
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
      // The ETA from this session's pace: runs found in the results log took no time now.
      const ran = p.done - p.resumed;
      const seconds = ran > 0 ? ((Date.now() - started) / 1000 / ran) * (p.total - p.done) : undefined;
      bar.setTotal(p.total);
      bar.update(p.done, { etaText: seconds === undefined ? '-' : `${Math.ceil(seconds)}s` });
    },
    stop() {
      bar?.stop();
    },
  };
}
