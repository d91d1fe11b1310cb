// `cascade tune`: a seeded search for the configuration that minimises an objective (the work is
// @cascade/tune's runTune); prints the best configuration or, with --json, {best, runs}.
import { defaultThreads } from '@cascade/runtime';
import { RUN_LOG_FILE, runTune } from '@cascade/tune';
import { natsRunner } from '../cluster.js';
import { EXIT_INTERRUPTED } from '../errors.js';
import type { ScenarioFlags } from '../scenario-input.js';
import { checkPoolMemory } from '../memory-guard.js';
import { outPath, prepareOutDir } from '../out-dir.js';
import { withRunProgress } from '../progress.js';
import { describeFiles, scenarioBase } from './sweep.js';

export interface TuneFlags extends ScenarioFlags {
  readonly objective?: string;
  readonly constraint?: string[];
  readonly space?: string[];
  readonly budget?: number;
  readonly seeds?: number;
  readonly pareto?: string;
  readonly threads?: number;
  /** Run on a NATS cluster's workers instead of this machine's pool. */
  readonly nats?: string;
  readonly out?: string;
  /** Past the memory guard, and into a folder holding other files. */
  readonly force?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export async function tuneCommand(flags: TuneFlags, signal: AbortSignal): Promise<number> {
  // --seed seeds the search; the runs use seeds 1..K, so the scenario keeps its own seed key.
  const { seed, ...scenarioFlags } = flags;
  const base = scenarioBase(scenarioFlags);
  const folder = outPath(flags.out, `tune-${base.def.name}`);
  const runner = flags.nats === undefined ? undefined : natsRunner(flags.nats);
  const result = await withRunProgress({ quiet: flags.quiet ?? false, json: flags.json ?? false, label: 'tune' }, (onProgress) =>
    runTune({
      base,
      objective: flags.objective ?? '',
      constraints: flags.constraint ?? [],
      space: flags.space ?? [],
      budget: flags.budget,
      seeds: flags.seeds,
      seed,
      pareto: flags.pareto,
      threads: flags.threads ?? defaultThreads(),
      runner,
      outDir: folder,
      beforeRuns: (configs, threads) => {
        // Over NATS the runs use the workers' memory, not this machine's.
        if (!flags.force && runner === undefined) checkPoolMemory(base.def, configs, threads);
        prepareOutDir(folder, 'tune', { force: flags.force, keep: [RUN_LOG_FILE] });
      },
      signal,
      onProgress,
    }),
  );
  if (result === null) return EXIT_INTERRUPTED;
  const best = result.best;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ best: best === null ? null : { config: best.config, objective: best.objective, ci95: best.ci95 }, runs: result.runs }, null, 2)}\n`);
  } else if (!flags.quiet && best !== null) {
    const lines = Object.entries(best.config).map(([k, v]) => `  ${k} = ${String(v)}`);
    const ci = best.ci95[0] === null ? '' : `  (95% CI ${fmt(best.ci95[0])} .. ${fmt(best.ci95[1] as number)})`;
    const note = best.objective === null ? `  (null in some run: ${result.objective} never happened)` : '';
    process.stdout.write(`best configuration${best.feasible ? '' : ' (no configuration met the constraints; the least bad)'}:\n${lines.join('\n')}\n`);
    process.stdout.write(`${result.objective} = ${best.objective === null ? 'null' : fmt(best.objective)} over ${best.seeds} seeds${ci}${note}\n`);
    process.stdout.write(`${result.runs} runs (${result.configs.length} configurations sampled${result.resumed > 0 ? `, ${result.resumed} runs reused from the results log` : ''})\n`);
    process.stdout.write(`out folder: ${result.outDir} (${describeFiles(result.files)})\n`);
  }
  return 0;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(6)));
}
