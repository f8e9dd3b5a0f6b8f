// bench/parse: lines per second to lex, parse and build the AST of a generated 20,000-line
// spec, warm, median of 9 runs. Target: at least 200,000 lines per second on our 2-core machine.

import { SourceFile } from "../compiler/src/source/source-file.js";
import { parseSource } from "../compiler/src/syntax/parse-source.js";
import { generateSpec } from "./generate.js";
import { measure } from "./measure.js";

export function benchParse(lines = 20_000): string {
  const text = generateSpec(lines);
  const source = new SourceFile("bench.rec", text);
  const check = parseSource(source);
  if (check.diagnostics.length) throw new Error(`generated spec has diagnostics: ${check.diagnostics[0]!.message}`);
  const timing = measure(() => parseSource(source));
  const perSecond = Math.round(source.lineCount / (timing.medianMs / 1000));
  return `parse: ${source.lineCount} lines (${(text.length / 1024).toFixed(0)} KiB, ${check.ast.decls.length} declarations) in ${timing.medianMs.toFixed(1)} ms median of ${timing.runs} → ${perSecond.toLocaleString("en-US")} lines/s (target ≥ 200,000)`;
}
