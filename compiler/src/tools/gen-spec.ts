// The generated parts of spec/: the grammar, the diagnostics (their examples checked against the
// synthetic worlds' contracts it is given), the ops and the standard library. app/gen-spec.ts
// writes them, with spec/worlds.md, when `npm run spec:gen` runs.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { WorldContracts } from "../semantics/world-check.js";
import { diagnosticsMarkdown, grammarHtml, opsMarkdown, spliceGrammar } from "./spec-artifacts.js";
import { stdlibMarkdown } from "./stdlib-doc.js";

export function generatedSpecFiles(root: string, worlds?: WorldContracts): { path: string; content: string }[] {
  const languagePath = join(root, "spec/language.md");
  return [
    { path: languagePath, content: spliceGrammar(readFileSync(languagePath, "utf8")) },
    { path: join(root, "spec/grammar.html"), content: grammarHtml() },
    { path: join(root, "spec/diagnostics.md"), content: diagnosticsMarkdown(worlds) },
    { path: join(root, "spec/ops.md"), content: opsMarkdown() },
    { path: join(root, "spec/stdlib.md"), content: stdlibMarkdown() },
  ];
}
