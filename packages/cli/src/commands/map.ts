// `cascade map`: a phase diagram of recovery against collapse (the work is @cascade/tune's runMap);
// prints the boundary per row and the cells, or with --json {axes, cells, boundary}.
import { defaultThreads } from '@cascade/runtime';
import { RUN_LOG_FILE, runMap, type MapResult } from '@cascade/tune';
import { natsRunner } from '../cluster.js';
import { EXIT_INTERRUPTED } from '../errors.js';
import { outPath, prepareOutDir } from '../out-dir.js';
import { withRunProgress } from '../progress.js';
import type { ScenarioFlags } from '../scenario-input.js';
import { formatTable } from '../table.js';
import { describeFiles, scenarioBase } from './sweep.js';

export interface MapFlags extends ScenarioFlags {
  readonly x?: string;
  readonly y?: string;
  readonly resolution?: string;
  readonly seeds?: number;
  readonly threads?: number;
  readonly nats?: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export async function mapCommand(flags: MapFlags, signal: AbortSignal): Promise<number> {
  const base = scenarioBase(flags);
  const folder = prepareOutDir(outPath(flags.out, `map-${base.def.name}`), 'map', { keep: [RUN_LOG_FILE] });
  const result = await withRunProgress({ quiet: flags.quiet ?? false, json: flags.json ?? false, label: 'map' }, (onProgress) =>
    runMap({
      base,
      x: flags.x ?? '',
      y: flags.y,
      resolution: flags.resolution,
      seeds: flags.seeds,
      seed: flags.seed,
      threads: flags.threads ?? defaultThreads(),
      runner: flags.nats === undefined ? undefined : natsRunner(flags.nats),
      outDir: folder,
      signal,
      onProgress,
    }),
  );
  if (result === null) return EXIT_INTERRUPTED;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ axes: result.axes, cells: result.cells, boundary: result.boundary }, null, 2)}\n`);
  } else if (!flags.quiet) {
    process.stdout.write(`${describeMap(result)}\nout folder: ${result.outDir} (${describeFiles(result.files)})\n`);
  }
  return 0;
}

/** The boundary per row, then every cell. */
export function describeMap(result: MapResult): string {
  const xKey = String(result.axes[0]?.['key']);
  const yKey = result.axes[1] === undefined ? null : String(result.axes[1]['key']);
  const boundaryRows = result.boundary.map((b) => [
    ...(yKey === null ? [] : [String(b.y)]),
    b.x === null ? b.found : fmt(b.x),
    b.lo === null || b.hi === null ? '-' : `${fmt(b.lo)} .. ${fmt(b.hi)}`,
    b.collapsedAbove === null ? '-' : b.collapsedAbove ? 'above' : 'below',
    b.theory === null ? '-' : `${fmt(b.theory.boundary)} (${b.theory.formula})`,
    b.theory === null ? '-' : fmt(b.theory.recoverFromCollapse),
  ]);
  const boundary = formatTable([...(yKey === null ? [] : [yKey]), `boundary ${xKey}`, 'bracket', 'collapsed', 'theory', 'theory: recovers from collapse below'], boundaryRows);
  const cellRows = result.cells.map((c) => [
    ...(yKey === null ? [] : [String(c.y)]),
    fmt(c.x),
    c.source,
    `${c.collapsed}/${c.runs}`,
    `${fmt(c.collapseProbability)} [${fmt(c.ci95[0])}, ${fmt(c.ci95[1])}]`,
    c.recovery.mean === null ? '-' : `${fmt(c.recovery.mean)} s`,
  ]);
  const cells = formatTable([...(yKey === null ? [] : [yKey]), xKey, 'cell', 'collapsed', 'P(collapse) [Wilson 95%]', 'recovery (mean)'], cellRows);
  const reused = result.resumed > 0 ? `, ${result.resumed} from an earlier, interrupted map` : '';
  const precision = result.resolution.kind === 'relative' ? `${result.resolution.text} of its value` : `${result.resolution.text} (${xKey} units)`;
  return `${boundary}\n\n${cells}\n\nboundary to ${precision}; ${result.seeds} seed${result.seeds === 1 ? '' : 's'} per cell; ${result.runs} runs${reused}`;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(6)));
}
