// The public API of the compiler: parse, print and check .rec sources, and render diagnostics.
// Programs that generate model variants use this instead of the CLI: `compile(files or
// { path, text }, { set })` returns the diagnostics, the checked models, the optimized IR and the plans.

export {
  checkFiles,
  checkSource,
  compile,
  compileFiles,
  type CheckOptions,
  type CheckResult,
  type CompileInput,
  type CompileOptions,
  type CompileResult,
} from "./driver.js";
export { summarize, renderSummary, type SummaryJson } from "./semantics/summary.js";
export { parseSource, type ParsedFile } from "./syntax/parse-source.js";
export { printFile, printExpr, printType } from "./syntax/printer.js";
export { dumpAst, stripSpans } from "./syntax/ast-dump.js";
export { SourceFile, type Span, type Position } from "./source/source-file.js";
export type { Diagnostic, Label, Severity } from "./diagnostics/diagnostic.js";
export { renderAll, renderText, renderShort, toJson, type DiagnosticFormat } from "./diagnostics/render.js";
export { DIAGNOSTIC_CATALOG } from "./diagnostics/catalog.js";
export type * as Ast from "./syntax/ast.js";
