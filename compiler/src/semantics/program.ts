// Loading a program: entry files → every file they import, parsed, with import errors
// (missing file, a path leaving the project root, cycles) reported at the import.
// `std/x` names stdlib/x.rec; other paths are relative to the importing file, without `.rec`.

import { existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { readSource } from "../source/read-source.js";
import type { SourceFile } from "../source/source-file.js";
import type * as A from "../syntax/ast.js";
import { parseSource, type ParsedFile } from "../syntax/parse-source.js";
import { semanticDiagnostic } from "./semantic-diagnostics.js";

export interface Program {
  readonly root: string;
  /** Every file read, by absolute path. */
  readonly files: ReadonlyMap<string, ParsedFile>;
  /** For each import declaration: the absolute path it resolved to (absent when it failed). */
  readonly importTargets: ReadonlyMap<A.ImportDecl, string>;
  readonly entries: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The folder holding the standard library's .rec files, found from this file's location. */
export const STDLIB_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, "stdlib", "nn.rec"))) return join(dir, "stdlib");
    dir = dirname(dir);
  }
  return join(process.cwd(), "stdlib");
})();

/** The nearest folder above `path` holding a package.json, else the file's own folder. */
export function projectRootOf(path: string): string {
  let dir = dirname(resolve(path));
  for (let i = 0; i < 32; i++) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dirname(resolve(path));
}

export interface LoadOptions {
  readonly root?: string;
  /** Files already in memory (tests, editors), by absolute path. */
  readonly overlay?: ReadonlyMap<string, string>;
}

export function loadProgram(entries: readonly ParsedFile[], options: LoadOptions = {}): Program {
  const files = new Map<string, ParsedFile>();
  const importTargets = new Map<A.ImportDecl, string>();
  const diagnostics: Diagnostic[] = [];
  const root = options.root ?? projectRootOf(entries[0]?.source.path ?? process.cwd());
  const state = new Map<string, "visiting" | "done">();

  const visit = (file: ParsedFile, stack: string[]) => {
    const path = resolve(file.source.path);
    state.set(path, "visiting");
    files.set(path, file);
    for (const decl of file.ast.decls) {
      if (decl.kind !== "ImportDecl" || decl.path.kind !== "StringLit") continue;
      const spec = decl.path.value;
      const target = importPath(path, spec);
      const at = decl.path.span;
      // A relative import stays inside the project root; a `std/` one inside the standard library.
      const within = spec.startsWith("std/") ? STDLIB_ROOT : root;
      const fromWithin = relative(within, target);
      if (fromWithin.startsWith("..") || fromWithin.startsWith(sep)) {
        const scope: Record<string, string> = spec.startsWith("std/")
          ? { scope: "the standard library", root: "stdlib" }
          : { root: relative(process.cwd(), root) || "." };
        diagnostics.push(semanticDiagnostic(file.source.path, "REC3002", at, { path: spec, ...scope }));
        continue;
      }
      if (state.get(target) === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(target)), path, target].map((p) => relative(root, p) || p);
        diagnostics.push(semanticDiagnostic(file.source.path, "REC3003", at, { cycle: cycle.join(" → ") }));
        continue;
      }
      importTargets.set(decl, target);
      if (state.get(target) === "done") continue;
      const text = options.overlay?.get(target);
      let parsed: ParsedFile | undefined;
      if (text !== undefined) parsed = parseSource(new (file.source.constructor as typeof import("../source/source-file.js").SourceFile)(target, text));
      else {
        const read = readSource(target);
        if (read.kind === "ok") parsed = parsedImport(read.source);
        else if (read.kind === "bad-text") diagnostics.push(read.diagnostic);
      }
      if (!parsed) {
        importTargets.delete(decl);
        diagnostics.push(
          semanticDiagnostic(file.source.path, "REC3001", at, {
            path: spec,
            file: relative(root, target) || target,
            ...(spec.startsWith("std/") ? { help: "the standard library has `std/nn` and `std/losses`" } : {}),
          }),
        );
        continue;
      }
      diagnostics.push(...parsed.diagnostics);
      visit(parsed, [...stack, path]);
    }
    state.set(path, "done");
  };
  for (const entry of entries) if (!state.has(resolve(entry.source.path))) visit(entry, []);
  return { root, files, importTargets, entries: entries.map((e) => resolve(e.source.path)), diagnostics };
}

/** The file an import names: `std/x` is the standard library's x.rec, any other path is relative to the importing file. */
export function importPath(from: string, spec: string): string {
  return spec.startsWith("std/") ? join(STDLIB_ROOT, `${spec.slice(4)}.rec`) : resolve(dirname(from), `${spec}.rec`);
}

/** A file on disk, parsed (through the same per-text cache as imports); undefined when it cannot be read as text. */
export function parsedFileAt(path: string): ParsedFile | undefined {
  const read = readSource(path);
  return read.kind === "ok" ? parsedImport(read.source) : undefined;
}

/**
 * Imported files parsed once per text: a process that compiles many times (a sweep's variants,
 * the language server after each edit) parses the standard library once. Keyed by path and
 * checked against the file's current text, so an edited file is parsed again. Syntax trees are
 * never changed after parsing, so sharing them is safe.
 */
const importCache = new Map<string, ParsedFile>();

function parsedImport(source: SourceFile): ParsedFile {
  const cached = importCache.get(source.path);
  if (cached && cached.source.text === source.text) return cached;
  const parsed = parseSource(source);
  importCache.set(source.path, parsed);
  return parsed;
}
