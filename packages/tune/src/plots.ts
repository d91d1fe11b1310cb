// The charts of a sweep (a metric against each varied key with 95% CI error bars; a heat map over
// two keys) and of a search (the Pareto plot). Pure functions from plain data to Vega-Lite specs,
// plus one writer that renders them to plots/NAME.svg and .png.
import { renderSvg, svgToPng, type ChartSpec } from '@cascade/metrics';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyValue } from './base.js';

const VALUE_LABEL = "abs(datum.value) >= 1e4 ? format(datum.value, '.3~s') : format(datum.value, ',.4~g')";

/** One point of a line: x (a key's value), its mean and CI, and the series it belongs to. */
export interface LinePoint {
  readonly x: KeyValue;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  readonly series: string;
}

/** `metric` against `key`: mean with 95% CI error bars, one line per combination of the other keys. */
export function metricVsKeySpec(metric: string, key: string, rows: readonly LinePoint[]): ChartSpec {
  const numeric = rows.every((r) => typeof r.x === 'number');
  const series = new Set(rows.map((r) => r.series)).size;
  const x = numeric
    ? { field: 'x', type: 'quantitative', title: key, scale: { zero: false }, axis: { labelExpr: VALUE_LABEL } }
    : { field: 'x', type: 'ordinal', title: key, sort: null };
  const color = series > 1 ? { color: { field: 'series', type: 'nominal', title: 'other keys', sort: null } } : {};
  return {
    title: `${metric} against ${key} (mean, 95% CI)`,
    width: 560,
    height: 320,
    data: { values: rows.map((r) => ({ ...r, x: r.x })) },
    layer: [
      { mark: { type: 'errorbar', ticks: true }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: metric, scale: { zero: false } }, y2: { field: 'hi' }, ...color } },
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', title: metric, axis: { labelExpr: VALUE_LABEL } },
          ...color,
          tooltip: [{ field: 'x', title: key }, { field: 'mean', title: 'mean' }, { field: 'lo', title: 'CI low' }, { field: 'hi', title: 'CI high' }, { field: 'n', title: 'runs' }],
        },
      },
    ],
  } as unknown as ChartSpec;
}

export interface HeatCell {
  readonly x: KeyValue;
  readonly y: KeyValue;
  /** null: the metric was null in every run of the cell */
  readonly mean: number | null;
}

/** Mean of `metric` over two keys. */
export function heatmapSpec(metric: string, keyX: string, keyY: string, cells: readonly HeatCell[], note: string): ChartSpec {
  const values = cells.map((c) => ({ x: String(c.x), y: String(c.y), mean: c.mean, label: c.mean === null ? 'null' : formatShort(c.mean) }));
  const order = (axis: 'x' | 'y') => {
    const seen: KeyValue[] = [];
    for (const c of cells) if (!seen.includes(c[axis])) seen.push(c[axis]);
    return seen.map(String);
  };
  const means = cells.map((c) => c.mean).filter((m): m is number => m !== null);
  // viridis is light at the top: dark text there, white below
  const light = means.length === 0 ? 0 : (Math.min(...means) + Math.max(...means)) / 2;
  return {
    title: `${metric} (mean)${note}`,
    width: { step: 64 },
    height: { step: 40 },
    data: { values },
    encoding: {
      x: { field: 'x', type: 'ordinal', title: keyX, sort: order('x'), axis: { labelAngle: 0 } },
      y: { field: 'y', type: 'ordinal', title: keyY, sort: order('y') },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'mean', type: 'quantitative', title: metric, scale: { scheme: 'viridis' } } } },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'label' }, color: { condition: { test: `datum.mean !== null && datum.mean > ${light}`, value: '#1f2328' }, value: '#ffffff' } } },
    ],
  } as unknown as ChartSpec;
}

export interface ParetoPoint {
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly front: boolean;
  readonly best: boolean;
  readonly feasible: boolean;
}

/** Objective (y, lower is better) against a second metric (x, lower is better); the front joined. */
export function paretoSpec(objective: string, xMetric: string, points: readonly ParetoPoint[], note: string): ChartSpec {
  const values = points.map((p) => ({ ...p, kind: p.best ? 'best' : p.front ? 'Pareto front' : p.feasible ? 'evaluated' : 'violates a constraint' }));
  const front = values.filter((p) => p.front).sort((a, b) => a.x - b.x);
  const x = { field: 'x', type: 'quantitative', title: xMetric, scale: { zero: false }, axis: { labelExpr: VALUE_LABEL } };
  const y = { field: 'y', type: 'quantitative', title: objective, scale: { zero: false }, axis: { labelExpr: VALUE_LABEL } };
  return {
    title: `${objective} against ${xMetric} (mean per config)${note}`,
    width: 560,
    height: 360,
    layer: [
      { data: { values: front }, mark: { type: 'line', interpolate: 'step-after', color: '#8c959f', strokeDash: [4, 3] }, encoding: { x, y } },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: ['best', 'Pareto front', 'evaluated', 'violates a constraint'], range: ['#d1242f', '#0969da', '#8c959f', '#e6a23c'] },
          },
          tooltip: [{ field: 'label', title: 'config' }, { field: 'x', title: xMetric }, { field: 'y', title: objective }],
        },
      },
    ],
  } as unknown as ChartSpec;
}

/** Indices of the points no other point beats on both x and y (lower is better on both). */
export function paretoFront(points: readonly { readonly x: number; readonly y: number }[]): Set<number> {
  const front = new Set<number>();
  points.forEach((p, i) => {
    const dominated = points.some((q, j) => j !== i && q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y));
    if (!dominated) front.add(i);
  });
  return front;
}

/** Renders each chart to plots/NAME.svg and plots/NAME.png under `dir`; returns the file names. */
export async function writeCharts(dir: string, charts: readonly { readonly name: string; readonly spec: ChartSpec }[]): Promise<string[]> {
  const plots = join(dir, 'plots');
  mkdirSync(plots, { recursive: true });
  const written: string[] = [];
  for (const chart of charts) {
    const { svg } = await renderSvg(chart.spec);
    writeFileSync(join(plots, `${chart.name}.svg`), svg);
    writeFileSync(join(plots, `${chart.name}.png`), await svgToPng(svg));
    written.push(`plots/${chart.name}.svg`, `plots/${chart.name}.png`);
  }
  return written;
}

/** A file-name-safe form of a metric or key name. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

function formatShort(x: number): string {
  const abs = Math.abs(x);
  if (abs >= 1e4) return `${(x / 1000).toFixed(abs >= 1e5 ? 0 : 1)}k`;
  return String(Number(x.toPrecision(3)));
}
