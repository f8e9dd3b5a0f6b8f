// The pipeline, in order: read → parse (syntax/parse-source) → load imports (semantics/program)
// → resolve names (semantics/resolve) → elaborate and check (semantics/check), which records each
// model's graph IR → optimize (passes/pipeline) → lower to the runtime plan (lower/to-plan).
// This is the only file that knows the order. Each stage runs only when the ones before it
// reported no errors, and every diagnostic a stage reports is returned: none is dropped here.
//
// `compile` is the public entry (compiler/src/index.ts): sources or files in, diagnostics, the
// checked models, their optimized IR and their plans out. The CLI, the tests and the benchmarks
// call it (or `checkFiles`/`checkSource` when they stop after checking).

import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import { checkProgram } from "./semantics/check.js";
import type { WorldContracts } from "./semantics/world-check.js";
import type { ElaboratedModel } from "./semantics/model.js";
import { loadProgram, type Program } from "./semantics/program.js";
import { resolveProgram, type NameUse } from "./semantics/resolve.js";
import type { IrModel } from "./ir/ir.js";
import { lowerToPlan } from "./lower/to-plan.js";
import { runPasses, type PassReport } from "./passes/pass.js";
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
  /** Hears where each name used in an expression is declared (editors: definitions, renames). */
  readonly onNameUse?: (use: NameUse) => void;
  /**
   * The synthetic worlds' contracts a `data = synthetic(…)` is checked against (REC2032), by name:
   * the application's list (app/worlds.ts). Without it, synthetic data settings go unchecked.
   */
  readonly worlds?: WorldContracts;
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
  const { files, unreadable } = readAndParse(paths, options);
  return { ...checkParsed(files, options), unreadable };
}

/** Checks source text that is already in memory (the API, tests, editors, spec examples). */
export function checkSource(path: string, text: string, options: CheckOptions = {}): CheckResult {
  const { files, unreadable } = readAndParse({ path, text }, options);
  return { ...checkParsed(files, options), unreadable };
}

/** The input's files read and parsed (files that are not text hold an empty AST and their diagnostic). */
function readAndParse(input: CompileInput, options: CheckOptions): { files: ParsedFile[]; unreadable: { path: string; reason: string }[] } {
  if ("text" in input) return { files: [parseSource(new SourceFile(input.path, input.text))], unreadable: [] };
  const files: ParsedFile[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  for (const path of input) {
    const read = readSource(path, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    if (read.kind === "unreadable") unreadable.push({ path, reason: read.reason });
    else if (read.kind === "bad-text") files.push({ source: read.source, ast: emptyFile(read.source), comments: [], diagnostics: [read.diagnostic] });
    else files.push(parseSource(read.source));
  }
  return { files, unreadable };
}

/** Everything after parsing: load imports, then elaborate and check every model. */
function checkParsed(files: ParsedFile[], options: CheckOptions): Omit<CheckResult, "unreadable"> {
  const loaded = loadAndResolve(files, options);
  return "program" in loaded ? checkLoaded(loaded, options.overrides, options.worlds) : loaded;
}

/** A program whose imports loaded and whose names resolved: what checking needs, whatever the overrides. */
interface LoadedProgram {
  readonly files: ParsedFile[];
  readonly sources: Map<string, SourceFile>;
  readonly program: Program;
  /** The diagnostics of parsing, loading and resolving (warnings only). */
  readonly earlier: readonly Diagnostic[];
}

/** Parse results → the loaded, resolved program; or the result to return when that failed. */
function loadAndResolve(files: ParsedFile[], options: CheckOptions): LoadedProgram | Omit<CheckResult, "unreadable"> {
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
  const resolved = resolveProgram(program, options.onNameUse);
  if (hasErrors(resolved)) {
    return { files, diagnostics: sortDiagnostics([...syntax, ...program.diagnostics, ...resolved]), sources, models: [] };
  }
  return { files, sources, program, earlier: [...syntax, ...program.diagnostics, ...resolved] };
}

/** Elaborates and checks a loaded program with a set of overrides. */
function checkLoaded(
  loaded: LoadedProgram,
  overrides: ReadonlyMap<string, string> | undefined,
  worlds: WorldContracts | undefined,
): Omit<CheckResult, "unreadable"> {
  const checked = checkProgram(loaded.program, overrides, worlds);
  return { files: loaded.files, diagnostics: sortDiagnostics([...loaded.earlier, ...checked.diagnostics]), sources: loaded.sources, models: checked.models };
}

function emptyFile(source: SourceFile) {
  return { kind: "File" as const, span: { start: 0, end: source.text.length }, decls: [] };
}

export interface CompileResult extends CheckResult {
  /** One plan per model, after the optimization pipeline; empty when checking failed. */
  readonly plans: readonly Plan[];
  /** The optimized IR the plans were lowered from. */
  readonly optimized: readonly IrModel[];
  /** What the pass pipeline reported for each model: IR printed after passes, timings. */
  readonly passReports: readonly PassReport[];
}

export interface CompileOptions extends CheckOptions {
  /** Verify the IR after every pass (on by default: a failure is a compiler bug, caught early). */
  readonly verify?: boolean;
  /** `--set name=value` overrides of model params, as a record (the API's form of `overrides`). */
  readonly set?: Readonly<Record<string, string | number | boolean>>;
  /** Print the IR after these passes (or all) into `passReports` (`rec ir --after`). */
  readonly printAfter?: ReadonlySet<string> | "all";
  /** Time each pass into `passReports` (`rec ir --time-passes`). */
  readonly timePasses?: boolean;
}

/** What to compile: paths of files on disk, or one source text with the path it reports. */
export type CompileInput = readonly string[] | { readonly path: string; readonly text: string };

/** The whole compiler: check, optimize each model's graph (verifying after every pass), lower. */
export function compile(input: CompileInput, options: CompileOptions = {}): CompileResult {
  const overrides = overridesOf(options);
  const checkOptions = { ...options, ...(overrides.size ? { overrides } : {}) };
  const { files, unreadable } = readAndParse(input, checkOptions);
  return optimizeAndLower({ ...checkParsed(files, checkOptions), unreadable }, options);
}

function overridesOf(options: CompileOptions): Map<string, string> {
  return new Map([...(options.overrides ?? []), ...Object.entries(options.set ?? {}).map(([k, v]) => [k, String(v)] as const)]);
}

/** The stages after checking: each model's pass pipeline, then its plan. */
function optimizeAndLower(checked: CheckResult, options: CompileOptions): CompileResult {
  if (hasErrors(checked.diagnostics)) return { ...checked, plans: [], optimized: [], passReports: [] };
  const passOptions = {
    verify: options.verify ?? true,
    ...(options.printAfter ? { printAfter: options.printAfter } : {}),
    ...(options.timePasses ? { timing: true } : {}),
  };
  const passReports = checked.models.map((m) => runPasses(m.graph, STANDARD_PIPELINE, passOptions));
  const optimized = passReports.map((r) => r.model);
  return { ...checked, optimized, passReports, plans: optimized.map((m, i) => lowerToPlan(m, checked.models[i]!.train, checked.models[i]!.schemas)) };
}

/**
 * Many variants of one source (a sweep's points, the API's variants): the files are read,
 * parsed, loaded and resolved once — none of that depends on param values — and each call of
 * `compileWith` checks, optimizes and lowers them with its overrides. The results equal
 * `compile`'s with the same overrides.
 */
export function variantCompiler(
  input: CompileInput,
  options: CompileOptions = {},
): { readonly base: CompileResult; compileWith(overrides: ReadonlyMap<string, string>): CompileResult } {
  const { files, unreadable } = readAndParse(input, options);
  const loaded = loadAndResolve(files, options);
  const withOverrides = (overrides: ReadonlyMap<string, string>) => {
    if (!("program" in loaded)) return optimizeAndLower({ ...loaded, unreadable }, options);
    return optimizeAndLower({ ...checkLoaded(loaded, overrides.size ? overrides : undefined, options.worlds), unreadable }, options);
  };
  const base = withOverrides(overridesOf(options));
  return { base, compileWith: (overrides) => withOverrides(new Map([...overridesOf(options), ...overrides])) };
}

/** `compile` over files on disk (the form the commands use). */
export function compileFiles(paths: readonly string[], options: CompileOptions = {}): CompileResult {
  return compile(paths, options);
}
