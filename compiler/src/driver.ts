// The pipeline, in order. Today the front end: read → lex/parse/build (syntax/parse-source).
// Later stages (resolve, check, IR, passes, lowering) join here and nowhere else; each stage
// runs only when the one before it reported no errors.

import { sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import { readSource, DEFAULT_MAX_FILE_BYTES } from "./source/read-source.js";
import { SourceFile } from "./source/source-file.js";
import { parseSource, type ParsedFile } from "./syntax/parse-source.js";

export interface CheckOptions {
  readonly maxFileBytes?: number;
}

export interface CheckResult {
  /** Every file that could be read, parsed (bad-text files hold an empty AST). */
  readonly files: readonly ParsedFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** Paths that could not be read at all (missing, a directory, no permission). */
  readonly unreadable: readonly { readonly path: string; readonly reason: string }[];
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
  return { files, diagnostics: sortDiagnostics(files.flatMap((f) => f.diagnostics)), unreadable };
}

/** Checks source text that is already in memory (the API, tests, editors). */
export function checkText(path: string, text: string): ParsedFile {
  return parseSource(new SourceFile(path, text));
}

function emptyFile(source: SourceFile) {
  return { kind: "File" as const, span: { start: 0, end: source.text.length }, decls: [] };
}
