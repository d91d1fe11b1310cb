// The run's time series as one table (a row per sample interval, a column per series): built from
// the kernel's sparse buckets, written as timeseries.csv and read back for the report.

/** Values are null where the series has no point in that interval. */
export interface SeriesTable {
  /** Start of each sample interval, seconds of simulated time. */
  readonly timeS: readonly number[];
  /** Series names, sorted. */
  readonly names: readonly string[];
  /** columns[i][row] is series names[i] in interval row. */
  readonly columns: readonly (readonly (number | null)[])[];
}

export interface SparseSeries {
  readonly mode: 'sum' | 'max' | 'min';
  /** bucket index -> value, sparse */
  readonly buckets: Record<number, number>;
}

/** Sanity limit: a table bigger than this is a misconfigured sample interval, not a run. */
const ROWS_MAX = 10_000_000;

export function seriesTable(series: Record<string, SparseSeries>, sampleIntervalUs: number, endUs: number): SeriesTable {
  if (!(Number.isInteger(sampleIntervalUs) && sampleIntervalUs > 0)) throw new Error(`sampleIntervalUs must be a positive integer, got ${sampleIntervalUs}`);
  const names = Object.keys(series).sort();
  let lastBucket = Math.floor(Math.max(0, endUs) / sampleIntervalUs);
  for (const name of names) {
    for (const key of Object.keys((series[name] as SparseSeries).buckets)) lastBucket = Math.max(lastBucket, Number(key));
  }
  const rows = lastBucket + 1;
  if (rows > ROWS_MAX) throw new Error(`time series would have ${rows} rows (more than ${ROWS_MAX}): sample interval ${sampleIntervalUs} µs is too fine for ${endUs} µs`);
  const timeS = Array.from({ length: rows }, (_, bucket) => (bucket * sampleIntervalUs) / 1e6);
  const columns = names.map((name) => {
    const column = new Array<number | null>(rows).fill(null);
    for (const [key, value] of Object.entries((series[name] as SparseSeries).buckets)) {
      const bucket = Number(key);
      if (Number.isInteger(bucket) && bucket >= 0) column[bucket] = value;
    }
    return column;
  });
  return { timeS, names, columns };
}

export function formatTimeseriesCsv(table: SeriesTable): string {
  const lines = [['time', ...table.names].map(csvField).join(',')];
  for (let row = 0; row < table.timeS.length; row++) {
    let line = String(table.timeS[row]);
    for (const column of table.columns) {
      const v = column[row];
      line += v === null || v === undefined ? ',' : `,${v}`;
    }
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/** Reads what formatTimeseriesCsv wrote. Throws naming the line on malformed input. */
export function parseTimeseriesCsv(text: string, file = 'timeseries.csv'): SeriesTable {
  const lines = text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
  const header = parseCsvLine(lines[0] ?? '');
  if (header[0] !== 'time') throw new Error(`${file}: line 1: expected a header starting with 'time'`);
  const names = header.slice(1);
  const timeS: number[] = [];
  const columns = names.map(() => [] as (number | null)[]);
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(',');
    if (cells.length !== header.length) throw new Error(`${file}: line ${i + 1}: expected ${header.length} cells, got ${cells.length}`);
    const t = Number(cells[0]);
    if (cells[0] === '' || !Number.isFinite(t)) throw new Error(`${file}: line ${i + 1}: time '${cells[0]}' is not a number`);
    timeS.push(t);
    for (let c = 0; c < names.length; c++) {
      const cell = cells[c + 1] as string;
      const v = cell === '' ? null : Number(cell);
      if (v !== null && Number.isNaN(v)) throw new Error(`${file}: line ${i + 1}: '${cell}' in column '${names[c]}' is not a number`);
      (columns[c] as (number | null)[]).push(v);
    }
  }
  return { timeS, names, columns };
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let field = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') { field += '"'; i += 2; }
        else if (line[i] === '"') { i++; break; }
        else field += line[i++];
      }
      out.push(field);
      i++; // the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

export interface PlotPoint {
  readonly series: string;
  readonly t: number;
  /** null marks a gap: the line breaks there */
  readonly value: number | null;
}

/**
 * Reduces a column to at most about 2 * binsMax points for plotting: per bin the minimum and the
 * maximum, in time order, so peaks and troughs survive. A bin without values becomes one null
 * point, so the plotted line breaks over the gap.
 */
export function downsample(timeS: readonly number[], column: readonly (number | null)[], series: string, binsMax = 600): PlotPoint[] {
  const points: PlotPoint[] = [];
  const perBin = Math.max(1, Math.ceil(column.length / binsMax));
  for (let start = 0; start < column.length; start += perBin) {
    let lo = -1;
    let hi = -1;
    const end = Math.min(column.length, start + perBin);
    for (let row = start; row < end; row++) {
      const v = column[row];
      if (v === null || v === undefined) continue;
      if (lo < 0 || v < (column[lo] as number)) lo = row;
      if (hi < 0 || v > (column[hi] as number)) hi = row;
    }
    if (lo < 0) {
      if (points.length > 0 && points[points.length - 1]?.value !== null) points.push({ series, t: timeS[start] as number, value: null });
      continue;
    }
    const first = Math.min(lo, hi);
    const second = Math.max(lo, hi);
    points.push({ series, t: timeS[first] as number, value: column[first] as number });
    if (second !== first) points.push({ series, t: timeS[second] as number, value: column[second] as number });
  }
  return points;
}
