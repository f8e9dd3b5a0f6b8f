// The quick fixes the language server offers for a document's diagnostics — the fixes the
// diagnostics' own help already names: the missing import of a standard-library name (REC3005
// with the module that declares it), the nearest name for a misspelled one (REC3005 "did you
// mean"), and the declaration of a missing input (REC2008). In: the parsed document, its text and
// its diagnostics. Out: one edit per fix, by offset; server.ts makes them code actions.

import type { Diagnostic } from "../../compiler/src/diagnostics/diagnostic.js";
import { stdModuleOf } from "../../compiler/src/semantics/std-exports.js";
import type * as A from "../../compiler/src/syntax/ast.js";
import type { ParsedFile } from "../../compiler/src/syntax/parse-source.js";

export interface QuickFix {
  readonly title: string;
  readonly diagnostic: Diagnostic;
  readonly edit: { readonly span: A.Node["span"]; readonly text: string };
}

/** The fixes for the diagnostics of `file` whose place overlaps [start, end]. */
export function quickFixes(file: ParsedFile, diagnostics: readonly Diagnostic[], start: number, end: number): QuickFix[] {
  const text = file.source.text;
  const fixes: QuickFix[] = [];
  for (const diagnostic of diagnostics) {
    const span = diagnostic.primary.span;
    if (diagnostic.file !== file.source.path || span.end < start || span.start > end) continue;
    const name = text.slice(span.start, span.end);
    const module = diagnostic.code === "REC3005" ? stdModuleOf(name) : undefined;
    const suggestion = /did you mean `([^`]+)`\?/.exec(`${diagnostic.primary.message} ${diagnostic.help ?? ""}`)?.[1];
    const declaration = diagnostic.code === "REC2008" ? /`(input [^`]+)`/.exec(diagnostic.help ?? "")?.[1] : undefined;
    if (module) fixes.push({ title: `Import \`${name}\` from "${module}"`, diagnostic, edit: importEdit(file, name, module) });
    else if (suggestion && (diagnostic.code === "REC3005" || diagnostic.code === "REC2008"))
      fixes.push({ title: `Change to \`${suggestion}\``, diagnostic, edit: { span, text: suggestion } });
    if (declaration) {
      const edit = inputEdit(file, span.start, declaration);
      if (edit) fixes.push({ title: `Declare \`${declaration}\``, diagnostic, edit });
    }
  }
  return fixes;
}

/** `name` added to the file's import from `module`, or a new first line importing it. */
function importEdit(file: ParsedFile, name: string, module: string): QuickFix["edit"] {
  const existing = file.ast.decls.find(
    (d): d is A.ImportDecl => d.kind === "ImportDecl" && d.path.kind === "StringLit" && d.path.value === module && (d.names?.length ?? 0) > 0,
  );
  const last = existing?.names?.at(-1);
  return last
    ? { span: { start: last.span.end, end: last.span.end }, text: `, ${name}` }
    : { span: { start: 0, end: 0 }, text: `import { ${name} } from "${module}"\n` };
}

/** A line declaring the input, after the last input (else the first member) of the model around `offset`. */
function inputEdit(file: ParsedFile, offset: number, declaration: string): QuickFix["edit"] | undefined {
  const model = file.ast.decls.find((d): d is A.ModelDecl => d.kind === "ModelDecl" && d.span.start <= offset && offset <= d.span.end);
  const anchor = model?.members.filter((m) => m.kind === "InputDecl").at(-1) ?? model?.members[0];
  if (!anchor) return undefined;
  const text = file.source.text;
  const lineStart = text.lastIndexOf("\n", anchor.span.start) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const lineEnd = text.indexOf("\n", anchor.span.end);
  const at = lineEnd < 0 ? text.length : lineEnd;
  return { span: { start: at, end: at }, text: `\n${indent}${declaration}` };
}
