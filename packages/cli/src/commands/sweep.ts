// `cascade sweep`: a grid of configurations × seeds on the pool (the work is @cascade/tune's
// runSweep); prints a per-point table or, with --json, {"runs": [...]}.
import { defaultThreads } from '@cascade/runtime';
import { InterruptedError, runSweep, sweepTable, type RunProgress, type ScenarioBase } from '@cascade/tune';
import { SingleBar } from 'cli-progress';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { natsRunner } from '../cluster.js';
import { EXIT_INTERRUPTED } from '../errors.js';
import { readScenarioFile, resolveScenario, type ScenarioFlags } from '../scenario-input.js';
import { formatTable } from '../table.js';

export interface SweepFlags extends ScenarioFlags {
  readonly vary?: string[];
  readonly seeds?: number;
  readonly metric?: string[];
  readonly threads?: number;
  /** Run on a NATS cluster's workers instead of this machine's pool. */
  readonly nats?: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export async function sweepCommand(flags: SweepFlags, signal: AbortSignal): Promise<number> {
  const base = scenarioBase(flags);
  const outDir = resolve(flags.out ?? join('runs', `sweep-${base.def.name}-${timestamp()}`));
  const bar = runProgressBar({ quiet: flags.quiet ?? false, json: flags.json ?? false, label: 'sweep' });
  let result;
  try {
    result = await runSweep({
      base,
      vary: flags.vary ?? [],
      seeds: flags.seeds,
      seed: flags.seed,
      metrics: flags.metric?.flatMap((m) => m.split(',').map((s) => s.trim())),
      threads: flags.threads ?? defaultThreads(),
      runner: flags.nats === undefined ? undefined : natsRunner(flags.nats),
      outDir,
      signal,
      onProgress: bar?.update,
    });
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    process.stderr.write(`cascade: ${error.message}\n`);
    return EXIT_INTERRUPTED;
  } finally {
    bar?.stop();
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ runs: result.runs }, null, 2)}\n`);
  } else if (!flags.quiet) {
    const { headers, rows } = sweepTable(result);
    const reused = result.resumed > 0 ? ` (${result.resumed} from an earlier, interrupted sweep)` : '';
    const seeds = result.runs.length / Math.max(1, result.points.length);
    const spread = seeds > 1 ? `mean ± 95% CI half-width over ${seeds} seeds` : 'one seed per point (no CI: use --seeds 2 or more)';
    process.stdout.write(`${formatTable(headers, rows)}\n\n${spread}; ${result.runs.length} runs${reused}\n`);
    process.stdout.write(`out folder: ${outDir} (${describeFiles(result.files)})\n`);
  }
  return 0;
}

/** The shared part of every run: a built-in scenario or a scenario file, with --set/--fleet/--duration. */
export function scenarioBase(flags: ScenarioFlags): ScenarioBase {
  // Validates the scenario, the file and the flags once, with the messages `cascade run` gives.
  const scenario = resolveScenario(flags);
  const fromFile = scenario.source !== scenario.def.name || (flags.scenario !== undefined && existsSync(flags.scenario));
  return {
    def: scenario.def,
    file: fromFile ? { path: scenario.source, content: readScenarioFile(scenario.source).content } : undefined,
    sets: flags.set ?? [],
    fleet: flags.fleet,
    duration: flags.duration,
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

/** The files written, with the plots counted rather than listed. */
export function describeFiles(files: readonly string[]): string {
  const plots = files.filter((f) => f.startsWith('plots/') && f.endsWith('.svg')).length;
  return [...files.filter((f) => !f.startsWith('plots/')), ...(plots > 0 ? [`plots/ (${plots} chart${plots === 1 ? '' : 's'}, SVG and PNG)`] : [])].join(', ');
}

export function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

