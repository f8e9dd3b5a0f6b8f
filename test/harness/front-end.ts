// One helper the parse tests share: source text → what the front end reports about it, as
// the text a golden file holds (rendered diagnostics, then the syntax tree).

import { renderAll } from "../../compiler/src/diagnostics/render.js";
import { dumpAst } from "../../compiler/src/syntax/ast-dump.js";
import { parseSource, type ParsedFile } from "../../compiler/src/syntax/parse-source.js";
import { SourceFile } from "../../compiler/src/source/source-file.js";

export function parseText(path: string, text: string): ParsedFile {
  return parseSource(new SourceFile(path, text));
}

export function snapshot(file: ParsedFile): string {
  const diagnostics = [...file.diagnostics].sort((a, b) => a.primary.span.start - b.primary.span.start);
  const rendered = renderAll(diagnostics, () => file.source, "text", { color: false });
  return `# Diagnostics\n${rendered || "(none)\n"}\n# Syntax tree\n${dumpAst(file.ast, file.source)}`;
}
