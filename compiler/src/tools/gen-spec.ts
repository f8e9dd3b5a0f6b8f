// Writes the generated parts of spec/ (run as `npm run spec:gen` after changing the grammar
// or the diagnostic catalog). Files are replaced atomically.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../../runtime/src/atomic-write.js";
import { diagnosticsMarkdown, grammarHtml, opsMarkdown, spliceGrammar } from "./spec-artifacts.js";
import { stdlibMarkdown } from "./stdlib-doc.js";

export function generatedSpecFiles(root: string): { path: string; content: string }[] {
  const languagePath = join(root, "spec/language.md");
  return [
    { path: languagePath, content: spliceGrammar(readFileSync(languagePath, "utf8")) },
    { path: join(root, "spec/grammar.html"), content: grammarHtml() },
    { path: join(root, "spec/diagnostics.md"), content: diagnosticsMarkdown() },
    { path: join(root, "spec/ops.md"), content: opsMarkdown() },
    { path: join(root, "spec/stdlib.md"), content: stdlibMarkdown() },
  ];
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop()!);
if (isMain) {
  const root = process.cwd();
  for (const file of generatedSpecFiles(root)) {
    writeFileAtomic(file.path, file.content);
    process.stdout.write(`wrote ${file.path}\n`);
  }
}
