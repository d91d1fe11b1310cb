// `cascade sweep`: a grid of configurations × seeds on the pool (the work is @cascade/tune's
// runSweep); prints a per-point table or, with --json, {"runs": [...]}.
import { defaultThreads } from '@cascade/runtime';
import { RUN_LOG_FILE, runSweep, sweepTable, type ScenarioBase } from '@cascade/tune';
import { existsSync } from 'node:fs';
import { natsRunner } from '../cluster.js';
import { EXIT_INTERRUPTED } from '../errors.js';
import { checkPoolMemory } from '../memory-guard.js';
import { outPath, prepareOutDir } from '../out-dir.js';
import { withRunProgress } from '../progress.js';
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
  /** Past the memory guard, and into a folder holding other files. */
  readonly force?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export async function sweepCommand(flags: SweepFlags, signal: AbortSignal): Promise<number> {
  const base = scenarioBase(flags);
  const folder = outPath(flags.out, `sweep-${base.def.name}`);
  const runner = flags.nats === undefined ? undefined : natsRunner(flags.nats);
  const result = await withRunProgress({ quiet: flags.quiet ?? false, json: flags.json ?? false, label: 'sweep' }, (onProgress) =>
    runSweep({
      base,
      vary: flags.vary ?? [],
      seeds: flags.seeds,
      seed: flags.seed,
      metrics: flags.metric?.flatMap((m) => m.split(',').map((s) => s.trim())),
      threads: flags.threads ?? defaultThreads(),
      runner,
      outDir: folder,
      beforeRuns: (configs, threads) => {
        // Over NATS the runs use the workers' memory, not this machine's.
        if (!flags.force && runner === undefined) checkPoolMemory(base.def, configs, threads);
        prepareOutDir(folder, 'sweep', { force: flags.force, keep: [RUN_LOG_FILE] });
      },
      signal,
      onProgress,
    }),
  );
  if (result === null) return EXIT_INTERRUPTED;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ runs: result.runs }, null, 2)}\n`);
  } else if (!flags.quiet) {
    const { headers, rows } = sweepTable(result);
    const reused = result.resumed > 0 ? ` (${result.resumed} from an earlier, interrupted sweep)` : '';
    const seeds = result.runs.length / Math.max(1, result.points.length);
    const spread = seeds > 1 ? `mean ± 95% CI half-width over ${seeds} seeds` : 'one seed per point (no CI: use --seeds 2 or more)';
    process.stdout.write(`${formatTable(headers, rows)}\n\n${spread}; ${result.runs.length} runs${reused}\n`);
    process.stdout.write(`out folder: ${folder} (${describeFiles(result.files)})\n`);
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

/** The files written, with the plots counted rather than listed. */
export function describeFiles(files: readonly string[]): string {
  const plots = files.filter((f) => f.startsWith('plots/') && f.endsWith('.svg')).length;
  return [...files.filter((f) => !f.startsWith('plots/')), ...(plots > 0 ? [`plots/ (${plots} chart${plots === 1 ? '' : 's'}, SVG and PNG)`] : [])].join(', ');
}
