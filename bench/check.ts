// bench/check: lines per second for parse + resolve + check (elaborating every model, with
// the standard library it imports) of a generated 20,000-line program of 800 modules and 800
// models, warm, median of 5 runs. Target: at least 100,000 lines per second.

import { join } from "node:path";
import { checkSource } from "../app/compile.js";
import { generateSpec } from "./generate.js";
import { measure } from "./measure.js";

export function benchCheck(lines = 20_000): string {
  const text = generateSpec(lines);
  const lineCount = text.split("\n").length - 1;
  // A path inside the repository, so the project root (and `std/`) resolve as for a user file.
  const path = join(process.cwd(), "bench-generated.rec");
  const first = checkSource(path, text);
  if (first.diagnostics.length) throw new Error(`generated program has diagnostics: ${first.diagnostics[0]!.message}`);
  const timing = measure(() => checkSource(path, text), { warmup: 2, runs: 5 });
  const perSecond = Math.round(lineCount / (timing.medianMs / 1000));
  return [
    `check: ${lineCount} lines, ${first.models.length} models, ${first.models.reduce((n, m) => n + m.weights.length, 0)} weights`,
    `  parse + resolve + check ${timing.medianMs.toFixed(1)} ms median of ${timing.runs} → ${perSecond.toLocaleString("en-US")} lines/s (target ≥ 100,000)`,
  ].join("\n");
}
