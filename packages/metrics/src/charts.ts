// Renders a Vega-Lite spec in Node: compiled by vega-lite, drawn to SVG by a headless vega View,
// rasterised to PNG by resvg. No DOM, no canvas, no network.
import { renderAsync } from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

let libraries: Promise<[typeof Vega, typeof VegaLite]> | undefined;

/** vega and vega-lite take a third of a second to import: only a command that draws charts pays it. */
function chartLibraries(): Promise<[typeof Vega, typeof VegaLite]> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]);
  return libraries;
}

export type ChartSpec = TopLevelSpec;

export interface RenderedChart {
  readonly svg: string;
  /** marks drawn that carry data (paths, rects, symbols) — a chart with 0 has nothing on it */
  readonly markCount: number;
}

export const CHART_FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** Shared look of every chart. */
export const CHART_CONFIG = {
  font: CHART_FONT,
  background: '#ffffff',
  view: { stroke: '#d0d7de' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eef1f4', domainColor: '#8c959f', tickColor: '#8c959f' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start', offset: 10 },
  line: { strokeWidth: 1.6 },
} as const;

export async function renderSvg(spec: ChartSpec): Promise<RenderedChart> {
  const [vega, vl] = await chartLibraries();
  const compiled = vl.compile({ ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } }, { logger: silentLogger() }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return { svg, markCount: countMarks(svg) };
  } finally {
    view.finalize();
  }
}

/**
 * A PNG of the SVG at `zoom` times its size, text in the system's fonts. resvg draws it on libuv's
 * thread pool, so a report's PNGs are drawn beside the charts still being laid out.
 */
export async function svgToPng(svg: string, zoom = 2): Promise<Buffer> {
  const image = await renderAsync(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return image.asPng();
}

/**
 * Vega names clip paths and gradients `clip1`, `gradient_0`, ...: inlined side by side in one page
 * those ids would collide, so each chart gets its own prefix.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}

function countMarks(svg: string): number {
  // role-mark groups hold the data marks; count their path/rect/circle children
  let count = 0;
  const re = /<g class="mark-(line|area|rect|symbol|rule|trail)[^"]*"[^>]*role="graphics-object"[^>]*>([\s\S]*?)<\/g>/g;
  for (let m = re.exec(svg); m !== null; m = re.exec(svg)) {
    count += ((m[2] ?? '').match(/<(path|rect|circle|line)\b/g) ?? []).length;
  }
  return count;
}

function silentLogger(): Vega.LoggerInterface {
  const logger: Vega.LoggerInterface = {
    level: () => logger,
    error: (...args: readonly unknown[]) => { throw new Error(`vega-lite: ${args.map(String).join(' ')}`); },
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  } as unknown as Vega.LoggerInterface;
  return logger;
}
