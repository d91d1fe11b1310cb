// `cascade map`: a phase diagram of where recovery tips into collapse. A coarse grid along x (per
// y row), then bisection of the first recovered/collapsed transition down to --resolution; every
// cell is K seeds on the pool (or NATS), resumable from the results log like a sweep.
import { phaseMapPage, phaseMapSpec, renderSvg, svgToPng } from '@cascade/metrics';
import { ConfigError } from '@cascade/scenarios';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blame, describeBase, resolvePoint, type KeyValue, type ScenarioBase } from './base.js';
import { parseMapX, parseMapY, parseResolution, type MapX, type MapY, type Resolution } from './map-axes.js';
import { cellCollapsed, summarizeCell, type MapCell } from './map-cells.js';
import { fifoTheory, type MapTheory } from './map-theory.js';
import { DEFAULT_MODEL_MODULE, runBatch, type BatchOptions, type Job, type RunContext } from './runner.js';
import { RUN_LOG_FILE, RunLog, type RunRecord } from './runlog.js';

/** Points of the coarse grid along x (ends included). */
export const MAP_GRID_POINTS = 9;
export const MAP_SEEDS_DEFAULT = 3;
/** Bisection steps at most per row (a real bracket halves 60 times to 1e-18 of its width). */
export const MAP_BISECTIONS_MAX = 60;
/** Scenarios whose runs report leases.recoveredAt, the map's notion of collapse. */
export const MAP_SCENARIOS: readonly string[] = ['lease-storm', 'us-east-1-2025-10-20'];

export interface MapOptions extends BatchOptions {
  readonly base: ScenarioBase;
  /** `KEY=LO..HI`. */
  readonly x: string;
  /** `KEY=LO..HI` or `KEY=a,b,c`; none for a 1-D map. */
  readonly y?: string;
  /** `R` in x's units or `P%` (default 1%). */
  readonly resolution?: string;
  readonly seeds?: number;
  /** The first seed (default 1). */
  readonly seed?: number;
}

export interface MapBoundary {
  readonly y: KeyValue | null;
  /** Midpoint of the last bracket; null when the row has no transition. */
  readonly x: number | null;
  /** The bracket [lo, hi] the boundary lies in (hi - lo within the resolution, or adjacent integers). */
  readonly lo: number | null;
  readonly hi: number | null;
  /** True when the collapsed side is above x (load-like keys). */
  readonly collapsedAbove: boolean | null;
  /** 'boundary', 'all recovered' or 'all collapsed' (over the grid). */
  readonly found: 'boundary' | 'all recovered' | 'all collapsed';
  /** Bisection steps run in this row (each one cell of K seeds). */
  readonly steps: number;
  readonly theory: MapTheory | null;
}

export interface MapResult {
  /** False when the run limit stopped the map: only the results log holds its runs. */
  readonly complete: boolean;
  readonly axes: readonly Record<string, unknown>[];
  readonly cells: readonly MapCell[];
  readonly boundary: readonly MapBoundary[];
  readonly resolution: Resolution;
  readonly seeds: number;
  readonly executed: number;
  readonly resumed: number;
  /** Runs the map used (found in the log or run now). */
  readonly runs: number;
  readonly outDir: string;
  readonly files: readonly string[];
}

/** One row of the map: its y, its runs by x, and the bracket being narrowed. */
interface Row {
  readonly y: KeyValue | null;
  readonly yText: string | null;
  readonly cells: Map<number, { records: RunRecord[]; source: MapCell['source'] }>;
  lo: number | null;
  hi: number | null;
  collapsedAbove: boolean | null;
  found: MapBoundary['found'];
  steps: number;
  readonly theory: MapTheory | null;
}

export async function runMap(options: MapOptions): Promise<MapResult> {
  const seeds = options.seeds ?? MAP_SEEDS_DEFAULT;
  const firstSeed = options.seed ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new ConfigError(`--seeds ${seeds}: expected a whole number >= 1`);
  const name = options.base.def.name;
  if (!MAP_SCENARIOS.includes(name)) throw new ConfigError(`--scenario ${name}: cascade map needs runs that report leases.recoveredAt; use one of ${MAP_SCENARIOS.join(', ')}`);
  resolvePoint(options.base, [], firstSeed);
  const x = parseMapX(options.base, options.x, firstSeed);
  const y = parseMapY(options.base, options.y, x, firstSeed);
  const resolution = parseResolution(options.base, options.resolution, x, firstSeed);
  const seedList = Array.from({ length: seeds }, (_, i) => firstSeed + i);
  const rows: Row[] = (y === null ? [null] : y.values).map((value, i) => {
    const yText = y === null ? null : (y.texts[i] as string);
    const config = resolvePoint(options.base, yText === null || y === null ? [] : [[y.key, yText]], firstSeed);
    return { y: value, yText, cells: new Map(), lo: null, hi: null, collapsedAbove: null, found: 'all recovered', steps: 0, theory: fifoTheory(name, config, x.key) };
  });

  const plan = { ...describeBase(options.base), x: `${x.key}=${x.text}`, y: y === null ? null : `${y.key}=${y.text}`, resolution: resolution.text, seeds: seedList };
  const log = RunLog.open(join(options.outDir, RUN_LOG_FILE), 'map', plan);
  const ctx: RunContext = {
    scenario: name,
    modelModule: options.modelModule ?? DEFAULT_MODEL_MODULE,
    threads: options.threads,
    runner: options.runner,
    log,
    signal: options.signal,
    maxRuns: options.maxRuns,
    onProgress: options.onProgress,
    total: 0,
    executed: 0,
  };
  const finish = (complete: boolean) => finishMap(options, { x, y, resolution, seeds, rows, log, ctx, complete });

  // The coarse grid, every row at once (one batch keeps the pool full).
  const grid = gridValues(x);
  if (!(await evaluate(rows.flatMap((row) => grid.map((xv) => ({ row, x: xv }))), 'grid', { options, x, y, seedList, ctx }))) return finish(false);
  for (const row of rows) bracket(row, grid);
  // Bisection: each row with an open bracket runs its midpoint; rows advance in lock-step.
  for (let step = 0; step < MAP_BISECTIONS_MAX; step++) {
    const open = rows.flatMap((row) => {
      const mid = midpoint(row, x, resolution);
      return mid === null ? [] : [{ row, x: mid }];
    });
    if (open.length === 0) break;
    if (!(await evaluate(open, 'bisection', { options, x, y, seedList, ctx }))) return finish(false);
    for (const { row, x: mid } of open) {
      const collapsed = cellCollapsed(cellOf(row, mid));
      if (collapsed === row.collapsedAbove) row.hi = mid;
      else row.lo = mid;
      row.steps++;
    }
  }
  return finish(true);
}

interface Stage {
  readonly options: MapOptions;
  readonly x: MapX;
  readonly y: MapY | null;
  readonly seedList: readonly number[];
  readonly ctx: RunContext;
}

/** Runs (or finds in the log) every seed of the given cells; false when the run limit stopped it. */
async function evaluate(points: readonly { row: Row; x: number }[], source: MapCell['source'], stage: Stage): Promise<boolean> {
  const { options, x, y, seedList, ctx } = stage;
  const jobs: Job[] = [];
  for (const { row, x: xv } of points) {
    const vary: Record<string, KeyValue> = { [x.key]: xv };
    const assignments: [string, string][] = [[x.key, String(xv)]];
    if (y !== null && row.yText !== null) {
      vary[y.key] = row.y as KeyValue;
      assignments.push([y.key, row.yText]);
    }
    for (const seed of seedList) {
      const config = blame(`--x ${x.key}=${xv}${y === null ? '' : ` --y ${y.key}=${row.yText as string}`} (seed ${seed})`, '', () => resolvePoint(options.base, assignments, seed));
      jobs.push({ vary, seed, config });
    }
  }
  ctx.total += jobs.length;
  const batch = await runBatch(jobs, ctx);
  if (!batch.complete) return false;
  points.forEach(({ row, x: xv }, p) => {
    const records = batch.records.slice(p * seedList.length, (p + 1) * seedList.length) as RunRecord[];
    row.cells.set(xv, { records, source });
  });
  return true;
}

/** MAP_GRID_POINTS evenly spaced values of x, ends included (whole numbers for integer keys). */
export function gridValues(x: MapX): number[] {
  const values: number[] = [];
  for (let i = 0; i < MAP_GRID_POINTS; i++) {
    const v = x.lo + ((x.hi - x.lo) * i) / (MAP_GRID_POINTS - 1);
    const rounded = x.integer ? Math.round(v) : Number(v.toPrecision(12));
    if (!values.includes(rounded)) values.push(rounded);
  }
  return values;
}

function cellOf(row: Row, xv: number): MapCell {
  const cell = row.cells.get(xv);
  if (cell === undefined) throw new Error(`map: no runs at x=${xv}`);
  return summarizeCell(xv, row.y, cell.records, cell.source);
}

/** The first pair of neighbouring grid cells on opposite sides of the boundary. */
function bracket(row: Row, grid: readonly number[]): void {
  const sides = grid.map((xv) => cellCollapsed(cellOf(row, xv)));
  for (let i = 0; i + 1 < grid.length; i++) {
    if (sides[i] !== sides[i + 1]) {
      row.lo = grid[i] as number;
      row.hi = grid[i + 1] as number;
      row.collapsedAbove = sides[i + 1] as boolean;
      row.found = 'boundary';
      return;
    }
  }
  row.found = sides[0] === true ? 'all collapsed' : 'all recovered';
}

/** The next x to run in a row, or null when its bracket is as narrow as asked (or has none). */
function midpoint(row: Row, x: MapX, resolution: Resolution): number | null {
  if (row.lo === null || row.hi === null) return null;
  const width = row.hi - row.lo;
  const center = (row.lo + row.hi) / 2;
  const tolerance = resolution.kind === 'absolute' ? resolution.value : resolution.value * Math.abs(center);
  if (width <= tolerance) return null;
  const mid = x.integer ? Math.floor(center) : center;
  return mid <= row.lo || mid >= row.hi ? null : mid;
}

interface Finished {
  readonly x: MapX;
  readonly y: MapY | null;
  readonly resolution: Resolution;
  readonly seeds: number;
  readonly rows: readonly Row[];
  readonly log: RunLog;
  readonly ctx: RunContext;
  readonly complete: boolean;
}

async function finishMap(options: MapOptions, f: Finished): Promise<MapResult> {
  const { x, y, rows } = f;
  const cells = rows.flatMap((row) => [...row.cells.keys()].sort((a, b) => a - b).map((xv) => cellOf(row, xv)));
  const boundary: MapBoundary[] = rows.map((row) => ({
    y: row.y,
    x: row.lo === null || row.hi === null ? null : (row.lo + row.hi) / 2,
    lo: row.lo,
    hi: row.hi,
    collapsedAbove: row.collapsedAbove,
    found: row.found,
    steps: row.steps,
    theory: row.theory,
  }));
  const axes: Record<string, unknown>[] = [{ axis: 'x', key: x.key, lo: x.lo, hi: x.hi }];
  if (y !== null) axes.push({ axis: 'y', key: y.key, values: y.values });
  const base = {
    axes,
    cells,
    boundary,
    resolution: f.resolution,
    seeds: f.seeds,
    executed: f.ctx.executed,
    resumed: f.log.resumed,
    runs: f.log.size,
    outDir: options.outDir,
  };
  if (!f.complete) return { ...base, complete: false, files: [RUN_LOG_FILE] };
  const files = [RUN_LOG_FILE, 'map.json', 'map.csv'];
  writeFileSync(join(options.outDir, 'map.json'), `${JSON.stringify({ axes, cells, boundary, resolution: f.resolution, seeds: f.seeds }, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'map.csv'), mapCsv(x, y, cells));
  if (options.plots ?? true) {
    const spec = phaseMapSpec({
      xKey: x.key,
      yKey: y?.key ?? null,
      cells: cells.map((c) => ({ x: c.x, y: c.y, collapseProbability: c.collapseProbability, runs: c.runs })),
      boundary: boundary.flatMap((b) => (b.x === null ? [] : [{ y: b.y, x: b.x }])),
      theory: boundary.flatMap((b) => (b.theory === null ? [] : [{ y: b.y, x: b.theory.boundary, recover: b.theory.recoverFromCollapse }])),
    });
    const plots = join(options.outDir, 'plots');
    mkdirSync(plots, { recursive: true });
    const { svg } = await renderSvg(spec);
    writeFileSync(join(plots, 'map.svg'), svg);
    writeFileSync(join(plots, 'map.png'), await svgToPng(svg));
    writeFileSync(join(options.outDir, 'map.html'), mapPage(options, f, cells, boundary, svg));
    files.push('map.html', 'plots/map.svg', 'plots/map.png');
  }
  return { ...base, complete: true, files };
}

/** One row per cell: y, x, runs, collapsed runs, probability and its interval, recovery time. */
function mapCsv(x: MapX, y: MapY | null, cells: readonly MapCell[]): string {
  const header = [...(y === null ? [] : [y.key]), x.key, 'source', 'runs', 'collapsed', 'collapseProbability', 'ci95Lo', 'ci95Hi', 'recoveryMean', 'recoveryLo', 'recoveryHi', 'recovered'];
  const lines = [header.join(',')];
  for (const c of cells) {
    const cellsOut = [...(y === null ? [] : [c.y]), c.x, c.source, c.runs, c.collapsed, c.collapseProbability, c.ci95[0], c.ci95[1], c.recovery.mean, c.recovery.ci95?.[0] ?? null, c.recovery.ci95?.[1] ?? null, c.recovery.n];
    lines.push(cellsOut.map((v) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** map.html: what was mapped, the heatmap, the boundary per row and every cell. */
function mapPage(options: MapOptions, f: Finished, cells: readonly MapCell[], boundary: readonly MapBoundary[], svg: string): string {
  const { x, y } = f;
  const num = (v: number | null) => (v === null ? '-' : String(Number(v.toPrecision(6))));
  const sets = options.base.sets ?? [];
  return phaseMapPage({
    title: `Phase map of ${options.base.def.name}: ${x.key}${y === null ? '' : ` × ${y.key}`}`,
    lines: [
      `x: ${x.key} = ${x.text}${y === null ? '' : `; y: ${y.key} = ${y.text}`}; ${sets.length === 0 ? 'no --set' : `--set ${sets.join(' --set ')}`}${options.base.fleet === undefined ? '' : `; --fleet ${options.base.fleet}`}${options.base.duration === undefined ? '' : `; --duration ${options.base.duration}`}`,
      `${f.seeds} seed${f.seeds === 1 ? '' : 's'} per cell; collapsed = leases.recoveredAt null at the end (leases.collapsed); boundary by bisection to ${f.resolution.kind === 'relative' ? `${f.resolution.text} of its value` : `${f.resolution.text} (${x.key} units)`}.`,
      'Probabilities with Wilson 95% intervals; recovery = leases.recoveredAt - dynamodb.availableAt over the seeds that recovered (mean, Student t 95% CI).',
    ],
    svg,
    tables: [
      {
        caption: 'Boundary',
        headers: [...(y === null ? [] : [y.key]), `boundary ${x.key}`, 'bracket', 'collapsed side', 'theory (tipping)', 'theory (recovers from collapse below)'],
        rows: boundary.map((b) => [
          ...(y === null ? [] : [String(b.y)]),
          b.x === null ? b.found : num(b.x),
          b.lo === null ? '-' : `${num(b.lo)} .. ${num(b.hi)}`,
          b.collapsedAbove === null ? '-' : b.collapsedAbove ? 'above' : 'below',
          b.theory === null ? '-' : `${num(b.theory.boundary)} (${b.theory.formula})`,
          b.theory === null ? '-' : num(b.theory.recoverFromCollapse),
        ]),
      },
      {
        caption: 'Cells',
        headers: [...(y === null ? [] : [y.key]), x.key, 'cell', 'collapsed', 'P(collapse)', 'Wilson 95%', 'recovery mean (s)', 'recovery 95% CI (s)'],
        rows: cells.map((c) => [
          ...(y === null ? [] : [String(c.y)]),
          num(c.x),
          c.source,
          `${c.collapsed}/${c.runs}`,
          num(c.collapseProbability),
          `${num(c.ci95[0])} .. ${num(c.ci95[1])}`,
          num(c.recovery.mean),
          c.recovery.ci95 === null ? '-' : `${num(c.recovery.ci95[0])} .. ${num(c.recovery.ci95[1])}`,
        ]),
      },
    ],
  });
}
