// bench/parse: lines per second to lex, parse and build the AST of a generated 20,000-line
// spec, warm, median of 9 runs, with the time of each stage. Target: at least 200,000 lines
// per second on our 2-core machine.

import { SourceFile } from "../compiler/src/source/source-file.js";
import { buildAst } from "../compiler/src/syntax/cst-to-ast.js";
import { lex } from "../compiler/src/syntax/lexer.js";
import { parseSource } from "../compiler/src/syntax/parse-source.js";
import { parseTokens } from "../compiler/src/syntax/parser.js";
import { generateSpec } from "./generate.js";
import { measure } from "./measure.js";

export function benchParse(lines = 20_000): string {
  const text = generateSpec(lines);
  const source = new SourceFile("bench.rec", text);
  const check = parseSource(source);
  if (check.diagnostics.length) throw new Error(`generated spec has diagnostics: ${check.diagnostics[0]!.message}`);
  const whole = measure(() => parseSource(source));
  const lexed = lex(source);
  const lexing = measure(() => lex(source));
  const parsed = parseTokens(lexed.tokens, text);
  const parsing = measure(() => parseTokens(lexed.tokens, text));
  const building = measure(() => buildAst(parsed.cst, source, lexed.comments));
  const perSecond = Math.round(source.lineCount / (whole.medianMs / 1000));
  return [
    `parse: ${source.lineCount} lines (${(text.length / 1024).toFixed(0)} KiB, ${lexed.tokens.length} tokens, ${check.ast.decls.length} declarations)`,
    `  front end ${whole.medianMs.toFixed(1)} ms median of ${whole.runs} → ${perSecond.toLocaleString("en-US")} lines/s (target ≥ 200,000)`,
    `  stages: lex ${lexing.medianMs.toFixed(1)} ms, parse to CST ${parsing.medianMs.toFixed(1)} ms, CST → AST ${building.medianMs.toFixed(1)} ms`,
  ].join("\n");
}
