// bench/lsp: how long the language server takes to answer after an edit — the analysis of the
// edited document (check, names, bindings) that its diagnostics and answers come from — on every
// example, warm, median of 15 edits; the slowest example's median is the figure. Target: 50 ms.

import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Analysis } from "../cli/lsp/analysis.js";

export function benchLsp(root = process.cwd()): string {
  const rows = readdirSync(join(root, "examples"))
    .filter((e) => existsSync(join(root, "examples", e, "model.rec")))
    .map((example) => {
      const path = join(root, "examples", example, "model.rec");
      const text = readFileSync(path, "utf8");
      for (let i = 0; i < 3; i++) new Analysis(path, `${text}\n// warm ${i}\n`);
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const started = performance.now();
        const analysis = new Analysis(path, `${text}\n// edit ${i}\n`);
        analysis.hover(text.indexOf("model "));
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return { example, lines: text.split("\n").length, median: times[7]! };
    })
    .sort((a, b) => b.median - a.median);
  const slowest = rows[0]!;
  return [
    `lsp: analysis after an edit, median of 15, slowest example ${slowest.example} (${slowest.lines} lines): ${slowest.median.toFixed(1)} ms (target ≤ 50)`,
    `  others: ${rows
      .slice(1)
      .map((r) => `${r.example} ${r.median.toFixed(0)}`)
      .join(", ")} ms`,
  ].join("\n");
}
