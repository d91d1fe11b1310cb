// The heatmap of `cascade map`: collapse probability per cell over x (quantitative, each cell as wide
// as halfway to its neighbours) and y (rows), with the boundary found by bisection and, where
// theory gives one, the theoretical boundary and the recover-from-collapse threshold as ticks.
import type { ChartSpec } from './charts.js';

export interface PhaseMapInput {
  readonly xKey: string;
  /** null for a 1-D map (one row). */
  readonly yKey: string | null;
  readonly cells: readonly { readonly x: number; readonly y: string | number | boolean | null; readonly collapseProbability: number; readonly runs: number }[];
  readonly boundary: readonly { readonly y: string | number | boolean | null; readonly x: number }[];
  readonly theory: readonly { readonly y: string | number | boolean | null; readonly x: number; readonly recover: number }[];
}

const ROW_1D = 'all runs';
const VALUE_LABEL = "abs(datum.value) >= 1e4 ? format(datum.value, '.3~s') : format(datum.value, ',.4~g')";

export function phaseMapSpec(input: PhaseMapInput): ChartSpec {
  const rowOf = (y: string | number | boolean | null) => (y === null ? ROW_1D : String(y));
  const rows: string[] = [];
  for (const c of input.cells) if (!rows.includes(rowOf(c.y))) rows.push(rowOf(c.y));
  const rects: Record<string, unknown>[] = [];
  for (const row of rows) {
    const mine = input.cells.filter((c) => rowOf(c.y) === row).sort((a, b) => a.x - b.x);
    mine.forEach((c, i) => {
      const prev = mine[i - 1];
      const next = mine[i + 1];
      const halfLeft = prev === undefined ? (next === undefined ? 0.5 : (next.x - c.x) / 2) : (c.x - prev.x) / 2;
      const halfRight = next === undefined ? halfLeft : (next.x - c.x) / 2;
      rects.push({ row, x: c.x, x0: c.x - halfLeft, x1: c.x + halfRight, p: c.collapseProbability, runs: c.runs });
    });
  }
  const ticks = [
    ...input.boundary.map((b) => ({ row: rowOf(b.y), x: b.x, kind: 'boundary (bisection)' })),
    ...input.theory.map((t) => ({ row: rowOf(t.y), x: t.x, kind: 'theory: tipping point' })),
    ...input.theory.map((t) => ({ row: rowOf(t.y), x: t.recover, kind: 'theory: recovery from collapse' })),
  ];
  const y = { field: 'row', type: 'ordinal', title: input.yKey ?? null, sort: rows };
  const xScale = { zero: false, nice: false };
  return {
    title: { text: `Collapse probability over ${input.xKey}${input.yKey === null ? '' : ` and ${input.yKey}`}`, subtitle: 'blue: recovered, red: collapsed (leases.recoveredAt null); ticks: boundary and theory' },
    width: 640,
    height: { step: 44 },
    layer: [
      {
        data: { values: rects },
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: input.xKey, scale: xScale, axis: { labelExpr: VALUE_LABEL } },
          x2: { field: 'x1' },
          y,
          color: { field: 'p', type: 'quantitative', title: 'P(collapse)', scale: { domain: [0, 1], range: ['#2166ac', '#f7f7f7', '#b2182b'] } },
          tooltip: [{ field: 'x', title: input.xKey }, { field: 'row', title: input.yKey ?? 'row' }, { field: 'p', title: 'P(collapse)' }, { field: 'runs', title: 'runs' }],
        },
      },
      {
        data: { values: ticks },
        mark: { type: 'tick', thickness: 3, bandSize: 40 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale },
          y,
          stroke: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: ['boundary (bisection)', 'theory: tipping point', 'theory: recovery from collapse'], range: ['#1f2328', '#d4a72c', '#8250df'] },
            legend: { orient: 'bottom' },
          },
          tooltip: [{ field: 'kind' }, { field: 'x', title: input.xKey }],
        },
      },
    ],
  } as unknown as ChartSpec;
}
