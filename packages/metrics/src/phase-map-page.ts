// map.html of `cascade map`: the heatmap inline and the boundary and cell tables, one self-contained
// page that opens offline like report.html.
import { esc } from './html.js';

export interface PhaseMapPage {
  readonly title: string;
  /** What was mapped, in words (scenario, fixed keys, seeds, resolution). */
  readonly lines: readonly string[];
  readonly svg: string;
  readonly tables: readonly { readonly caption: string; readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] }[];
}

const CSS = `body{font-family:DejaVu Sans,Liberation Sans,Arial,Helvetica,sans-serif;color:#1f2328;margin:24px;max-width:1100px}
h1{font-size:20px}p{margin:4px 0;color:#57606a}table{border-collapse:collapse;margin:12px 0 20px;font-size:13px}
caption{text-align:left;font-weight:bold;padding:6px 0}th,td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}figure{margin:16px 0}svg{max-width:100%;height:auto}`;

export function phaseMapPage(page: PhaseMapPage): string {
  const tables = page.tables
    .map((t) => `<table><caption>${esc(t.caption)}</caption><thead><tr>${t.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
      .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(page.title)}</title><style>${CSS}</style></head>
<body><h1>${esc(page.title)}</h1>
${page.lines.map((l) => `<p>${esc(l)}</p>`).join('\n')}
<figure>${page.svg}</figure>
${tables}
</body></html>
`;
}
