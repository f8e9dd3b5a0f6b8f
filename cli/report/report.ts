// `rec report`'s page: a run folder of `rec train` (metrics.jsonl, summary.json, resolved.json),
// an experiment's results.json (`rec compare`) or a sweep's sweep.json (`rec sweep`) → one
// self-contained HTML file: its tables, its curves drawn by uPlot (inlined, like its style
// sheet, so the file opens anywhere offline), the resolved spec and the model's picture. The
// charts are listed on `window.reclangCharts` (each a uPlot instance) for tests and tools.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { highlightRec } from "./highlight.js";
import { htmlText as escape, scriptJson } from "../../runtime/src/literals.js";

/** What the page shows, gathered by the command (report-data.ts) from a folder. */
export interface ReportPage {
  readonly title: string;
  readonly subtitle: string;
  /** Tables: a caption, a header and rows of cells. */
  readonly tables: readonly { readonly caption: string; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] }[];
  /** Charts: x values and one or more named series over them (null where a series has no value). */
  readonly charts: readonly Chart[];
  /** The spec's source, shown as text. */
  readonly spec?: { readonly path: string; readonly text: string };
  /** The model's picture (SVG from `rec graph`). */
  readonly svg?: string;
  readonly notes: readonly string[];
}

export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly x: readonly number[];
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
  /** Points without lines (a sweep's metric against cost). */
  readonly scatter?: boolean;
}

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const dist = join(require.resolve("uplot/package.json"), "..", "dist");
  return { js: readFileSync(join(dist, "uPlot.iife.min.js"), "utf8"), css: readFileSync(join(dist, "uPlot.min.css"), "utf8") };
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

/** The page as one HTML document. */
export function renderReport(page: ReportPage): string {
  const { js, css } = uplotAssets();
  const tables = page.tables
    .map(
      (t) =>
        `<table><caption>${escape(t.caption)}</caption><thead><tr>${t.header.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead>` +
        `<tbody>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`,
    )
    .join("\n");
  const charts = page.charts.map((c, i) => `<figure class="chart"><figcaption>${escape(c.title)}</figcaption><div id="chart-${i}"></div></figure>`).join("\n");
  return (
    `<!doctype html>
<html lang="en">
<head>
<meta ` +
    `charset="utf-8">
<title>${escape(page.title)}</title>
<style>${css}
body { font: ` +
    `14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; ` +
    `color: #222; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } .subtitle { color: #666; ` +
    `margin-top: 0; }
table { border-collapse: collapse; margin: 1rem 0 1.5rem; } caption { ` +
    `text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px ` +
    `solid #ddd; padding: 0.25rem 0.7rem; text-align: left; font-variant-numeric: ` +
    `tabular-nums; }
th { background: #f6f6f6; } figure { margin: 1rem 0 2rem; } figcaption { ` +
    `font-weight: 600; }
pre { background: #f7f7f7; padding: 0.8rem; overflow: auto; ` +
    `font-size: 12px; } .picture svg { max-width: 100%; height: auto; }
.notes { color: #555; ` +
    `}
.tm-comment { color: #6a737d; } .tm-string { color: #032f62; } .tm-constant-numeric, ` +
    `.tm-constant-language { color: #005cc5; }
.tm-keyword { color: #d73a49; } ` +
    `.tm-support-type { color: #6f42c1; } .tm-entity-name { color: #6f42c1; font-weight: 600; ` +
    `}
.tm-variable-other { color: #e36209; ` +
    `}
</style>
<script>${js}</script>
</head>
<body>
<h1>${escape(page.title)}</h1>
<p ` +
    `class="subtitle">${escape(page.subtitle)}</p>
${page.notes.length ? `<ul class="notes">${page.notes.map((n) => `<li>${escape(n)}</li>`).join("")}</ul>` : ""}
${tables}
${charts}
${page.svg ? `<h2>The model</h2>\n<div class="picture">${page.svg.replace(/^[\s\S]*?(<svg)/, "$1")}</div>` : ""}
${page.spec ? `<h2>The spec: ${escape(page.spec.path)}</h2>\n<pre class="rec">${highlightRec(page.spec.text)}</pre>` : ""}
<script ` +
    `id="chart-data" ` +
    `type="application/json">${scriptJson(page.charts)}</script>
<script>
(function () {
  var ` +
    `charts = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ` +
    `${JSON.stringify(PALETTE)};
  window.reclangCharts = charts.map(function (chart, i) {
    ` +
    `var series = [{ label: chart.xLabel }].concat(chart.series.map(function (s, k) {
      ` +
    `return chart.scatter
        ? { label: s.name, stroke: palette[k % palette.length], ` +
    `paths: function () { return null; }, points: { show: true, size: 7 } }
        : { label: ` +
    `s.name, stroke: palette[k % palette.length], width: 1.5, spanGaps: true };
    }));
    ` +
    `var data = [chart.x].concat(chart.series.map(function (s) { return s.values; }));
    ` +
    `return new uPlot({ width: 1000, height: 280, series: series, scales: { x: { time: false } ` +
    `}, axes: [{ label: chart.xLabel }, {}] }, data, document.getElementById("chart-" + i));
  ` +
    `});
})();
</script>
</body>
</html>
`
  );
}

/** Reads a file if it exists. */
export function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}
