// The editor extension (editors/vscode/): its TextMate grammar knows every keyword the lexer
// knows, highlights a spec losslessly (the report's spec section uses it), and the extension's
// manifest points at files that exist.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hardKeywordWords, softKeywordWords } from "../compiler/src/syntax/tokens.js";
import { highlightRec } from "../cli/report/highlight.js";
import { ROOT } from "./harness/repo.js";

const folder = join(ROOT, "editors/vscode");
const grammar = readFileSync(join(folder, "syntaxes/rec.tmLanguage.json"), "utf8");

describe("the editor extension", () => {
  it("highlights every keyword of the lexer", () => {
    const keywords = JSON.parse(grammar)
      .repository.keywords.patterns.map((p: { match: string }) => p.match)
      .join("|");
    for (const word of [...hardKeywordWords, ...softKeywordWords]) expect(keywords, word).toMatch(new RegExp(`\\b${word}\\b`));
  });

  it("highlights a spec without losing a character, comments, keywords and numbers marked", () => {
    const text = readFileSync(join(ROOT, "examples/two_tower/model.rec"), "utf8");
    const html = highlightRec(text);
    const plain = html
      .replace(/<[^>]+>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
    expect(plain).toBe(text);
    expect(html).toContain('<span class="tm-comment">// A two-tower retrieval model');
    expect(html).toContain('<span class="tm-comment">/// One item table');
    expect(html).toContain('<span class="tm-keyword">model</span> <span class="tm-entity-name">TwoTower</span>');
    expect(html).toContain('<span class="tm-constant-numeric">2_000</span>');
    expect(html).toContain('<span class="tm-support-type">f32</span>');
  });

  it("has a manifest whose language, grammar, configuration and entry point exist", () => {
    const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    expect(manifest.contributes.languages[0].extensions).toEqual([".rec"]);
    for (const file of [manifest.main, manifest.contributes.grammars[0].path, manifest.contributes.languages[0].configuration])
      expect(existsSync(join(folder, file)), file).toBe(true);
    JSON.parse(readFileSync(join(folder, "language-configuration.json"), "utf8"));
  });
});
