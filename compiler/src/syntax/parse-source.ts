// The front end as one stage: SourceFile → AST + diagnostics (lex, match delimiters, parse,
// build). Never throws: a crash inside is reported as REC9001 with the file it happened on.

import type { IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../source/source-file.js";
import type * as A from "./ast.js";
import { buildAst } from "./cst-to-ast.js";
import { checkDelimiters } from "./delimiters.js";
import { lex } from "./lexer.js";
import { toDiagnostic } from "./parse-errors.js";
import { parseTokens } from "./parser.js";
import { syntaxDiagnostic } from "./syntax-diagnostics.js";

export interface ParsedFile {
  readonly source: SourceFile;
  readonly ast: A.File;
  /** Comment tokens in source order, for the formatter. */
  readonly comments: readonly IToken[];
  readonly diagnostics: readonly Diagnostic[];
}

export function parseSource(source: SourceFile): ParsedFile {
  const empty: A.File = { kind: "File", span: { start: 0, end: source.text.length }, decls: [] };
  try {
    const lexed = lex(source);
    const delimiters = checkDelimiters(source, lexed.tokens);
    if (delimiters.tooDeep) {
      return { source, ast: empty, comments: lexed.comments, diagnostics: [...lexed.diagnostics, ...delimiters.diagnostics] };
    }
    const { cst, errors } = parseTokens(lexed.tokens, source.text);
    const built = buildAst(cst, source, lexed.comments);
    // Recovery can fail twice on one token (a missing `:` then a missing type): report it once.
    const firstPerToken = errors.filter((e, i) => errors.findIndex((o) => o.token.startOffset === e.token.startOffset) === i);
    const parserDiagnostics = withoutEchoesOfBadCharacters(
      firstPerToken.map((e) => toDiagnostic(source, e)),
      lexed.diagnostics,
      lexed.tokens,
    );
    const diagnostics = dedupeByPosition([
      ...lexed.diagnostics,
      ...delimiters.diagnostics,
      ...afterMismatchedClosers(parserDiagnostics, delimiters.diagnostics, source),
      ...built.diagnostics,
    ]);
    if (built.ast.decls.length === 0 && diagnostics.length === 0) {
      diagnostics.push(syntaxDiagnostic(source, "REC1021", { start: 0, end: 0 }));
    }
    return { source, ast: built.ast, comments: lexed.comments, diagnostics };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { source, ast: empty, comments: [], diagnostics: [syntaxDiagnostic(source, "REC9001", { start: 0, end: 0 }, { detail })] };
  }
}

/**
 * The lexer drops characters it cannot read (REC1001), so the parser then complains about the
 * gap they leave. Those complaints, between the token before a bad character and the token
 * after it, repeat what REC1001 already said, and are dropped.
 */
function withoutEchoesOfBadCharacters(parserDiagnostics: Diagnostic[], lexDiagnostics: Diagnostic[], tokens: readonly IToken[]): Diagnostic[] {
  const windows = lexDiagnostics
    .filter((d) => d.code === "REC1001")
    .map((d) => {
      const at = d.primary.span.start;
      const before = tokens.filter((t) => t.startOffset < at).pop();
      const after = tokens.find((t) => t.startOffset >= at);
      return { from: before ? before.startOffset + before.image.length : 0, to: after ? after.startOffset : Infinity };
    });
  return parserDiagnostics.filter((d) => !windows.some((w) => d.primary.span.start >= w.from && d.primary.span.start <= w.to));
}

/** Drops parser errors later on the line of a mismatched closer: the brackets there are already wrong. */
function afterMismatchedClosers(parserDiagnostics: Diagnostic[], delimiterDiagnostics: Diagnostic[], source: SourceFile): Diagnostic[] {
  const mismatches = delimiterDiagnostics.filter((d) => d.code === "REC1009").map((d) => d.primary.span.start);
  return parserDiagnostics.filter(
    (d) => !mismatches.some((at) => d.primary.span.start >= at && source.position(d.primary.span.start).line === source.position(at).line),
  );
}

/**
 * Keeps the first diagnostic reported at each offset. Lexer and delimiter diagnostics come
 * first and are the more specific, so a parser error at the same token is dropped.
 */
function dedupeByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  // A closer named by a delimiter diagnostic's label is explained already.
  const seen = new Set<number>(diagnostics.filter((d) => d.code === "REC1008").flatMap((d) => d.secondary.map((l) => l.span.start)));
  return diagnostics.filter((d) => {
    if (seen.has(d.primary.span.start)) return false;
    seen.add(d.primary.span.start);
    return true;
  });
}
