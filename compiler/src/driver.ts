// The pipeline, in order: read → parse (syntax/parse-source) → load imports (semantics/program)
// → resolve names (semantics/resolve) → elaborate and check (semantics/check), which records each
// model's graph IR → optimize (passes/pipeline) → lower to the runtime plan (lower/to-plan). Later stages (IR, passes, lowering) join here and
// nowhere else; each stage runs only when the one before it reported no errors.

import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import { checkProgram } from "./semantics/check.js";
import type { ElaboratedModel } from "./semantics/model.js";
import { loadProgram } from "./semantics/program.js";
import { resolveProgram } from "./semantics/resolve.js";
import type { IrModel } from "./ir/ir.js";
import { lowerToPlan } from "./lower/to-plan.js";
import { runPasses } from "./passes/pass.js";
import { STANDARD_PIPELINE } from "./passes/pipeline.js";
import type { Plan } from "../../runtime/src/plan.js";
import { readSource, DEFAULT_MAX_FILE_BYTES } from "./source/read-source.js";
import { SourceFile } from "./source/source-file.js";
import { parseSource, type ParsedFile } from "./syntax/parse-source.js";

export interface CheckOptions {
  readonly maxFileBytes?: number;
  /** `--set name=value` overrides of model params, as source text. */
  readonly overrides?: ReadonlyMap<string, string>;
  /** Stop after parsing (no imports, no type checking). */
  readonly syntaxOnly?: boolean;
}

export interface CheckResult {
  /** Every file that could be read, parsed (bad-text files hold an empty AST). */
  readonly files: readonly ParsedFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** Paths that could not be read at all (missing, a directory, no permission). */
  readonly unreadable: readonly { readonly path: string; readonly reason: string }[];
  /** Every file the check read, imports included, by path: for rendering diagnostics. */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** The models of the entry files, elaborated (empty when an earlier stage failed). */
  readonly models: readonly ElaboratedModel[];
}

export function checkFiles(paths: readonly string[], options: CheckOptions = {}): CheckResult {
  const files: ParsedFile[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  for (const path of paths) {
    const read = readSource(path, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    if (read.kind === "unreadable") unreadable.push({ path, reason: read.reason });
    else if (read.kind === "bad-text") files.push({ source: read.source, ast: emptyFile(read.source), comments: [], diagnostics: [read.diagnostic] });
    else files.push(parseSource(read.source));
  }
  return { ...checkParsed(files, options), unreadable };
}

/** Checks source text that is already in memory (the API, tests, editors, spec examples). */
export function checkSource(path: string, text: string, options: CheckOptions = {}): CheckResult {
  return { ...checkParsed([parseSource(new SourceFile(path, text))], options), unreadable: [] };
}

/** Everything after parsing: load imports, then elaborate and check every model. */
function checkParsed(files: ParsedFile[], options: CheckOptions): Omit<CheckResult, "unreadable"> {
  const syntax = files.flatMap((f) => f.diagnostics);
  const sources = new Map(files.map((f) => [f.source.path, f.source]));
  if (options.syntaxOnly || hasErrors(syntax) || files.length === 0) {
    return { files, diagnostics: sortDiagnostics(syntax), sources, models: [] };
  }
  const program = loadProgram(files);
  for (const file of program.files.values()) sources.set(file.source.path, file.source);
  if (hasErrors(program.diagnostics)) {
    return { files, diagnostics: sortDiagnostics([...syntax, ...program.diagnostics]), sources, models: [] };
  }
  const checked = checkProgram(program, options.overrides);
  // The elaborator words some unknown names more precisely (REC2008 in a loss): keep its word.
  const resolved = resolveProgram(program).filter(
    (r) => !checked.diagnostics.some((c) => c.file === r.file && c.primary.span.start === r.primary.span.start),
  );
  return {
    files,
    diagnostics: sortDiagnostics(dedupe([...syntax, ...program.diagnostics, ...checked.diagnostics, ...resolved])),
    sources,
    models: checked.models,
  };
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.primary.span.start}:${d.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}


function emptyFile(source: SourceFile) {
  return { kind: "File" as const, span: { start: 0, end: source.text.length }, decls: [] };
}

export interface CompileResult extends CheckResult {
  /** One plan per model, after the optimization pipeline; empty when checking failed. */
  readonly plans: readonly Plan[];
  /** The optimized IR the plans were lowered from. */
  readonly optimized: readonly IrModel[];
}

/** The whole compiler: check, optimize each model's graph (verifying after every pass), lower. */
export function compileFiles(paths: readonly string[], options: CheckOptions & { readonly verify?: boolean } = {}): CompileResult {
  const checked = checkFiles(paths, options);
  if (hasErrors(checked.diagnostics)) return { ...checked, plans: [], optimized: [] };
  const optimized = checked.models.map((m) => runPasses(m.graph, STANDARD_PIPELINE, { verify: options.verify ?? true }).model);
  return { ...checked, optimized, plans: optimized.map((m, i) => lowerToPlan(m, checked.models[i]!.train, checked.models[i]!.schemas)) };
}
