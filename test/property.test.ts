// Property tests (fast-check): whatever the input, lexing, parsing, building and printing
// never throw, every diagnostic's span lies inside its file, and valid files survive mutation
// without crashing.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { printFile } from "../compiler/src/syntax/printer.js";
import { parseText } from "./harness/front-end.js";
import { fuzzSpecs } from "./harness/fuzz-specs.js";
import { ROOT, validRecFiles } from "./harness/repo.js";

const FRAGMENTS = [
  "model",
  "module",
  "fn",
  "let",
  "input",
  "head",
  "loss",
  "train",
  "import",
  "from",
  "reward",
  "schema",
  "if",
  "then",
  "else",
  "for",
  "in",
  "and",
  "or",
  "not",
  "weight",
  "param",
  "dims",
  "x",
  "B",
  "f32",
  "id",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "<",
  ">",
  "=",
  "==",
  "=>",
  "->",
  "|>",
  ",",
  ":",
  ".",
  "...",
  "+",
  "-",
  "*",
  "**",
  "/",
  "@",
  "1",
  "2.5",
  "1_000",
  '"s"',
  '"open',
  "/*",
  "*/",
  "//",
  "///",
  "\n",
  " ",
  "&&",
  ";",
  "$",
  "é",
];

function assertWellFormed(text: string): void {
  const parsed = parseText("prop.rec", text);
  for (const d of parsed.diagnostics) {
    expect(d.primary.span.start).toBeGreaterThanOrEqual(0);
    expect(d.primary.span.end).toBeLessThanOrEqual(text.length);
    expect(d.primary.span.start).toBeLessThanOrEqual(d.primary.span.end);
    for (const label of d.secondary) expect(label.span.end).toBeLessThanOrEqual(text.length);
    expect(d.code).toMatch(/^REC\d{4}$/);
    expect(d.code).not.toBe("REC9001");
  }
  printFile(parsed.ast);
}

describe("front end never throws", () => {
  it("on random token sequences", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }), (parts) => assertWellFormed(parts.join(" "))),
      { numRuns: 400 },
    );
  });

  it("on random strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: "binary" }), assertWellFormed), { numRuns: 300 });
  });

  const corpus = validRecFiles().map((f) => readFileSync(join(ROOT, f), "utf8"));
  it("on valid files with random deletions, insertions and swaps", () => {
    const mutation = fc.record({
      file: fc.nat({ max: corpus.length - 1 }),
      at: fc.nat(),
      length: fc.nat({ max: 12 }),
      insert: fc.constantFrom("", ...FRAGMENTS),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let text = corpus[mutations[0]!.file]!;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.insert + text.slice(at + m.length);
        }
        assertWellFormed(text);
      }),
      { numRuns: 300 },
    );
  });

  it("on repaired operators at the very end of the file (spans use the source extent)", () => {
    for (const text of ["model M { let x = a &&", "fn f() { !", "model M { let y = b ||"]) assertWellFormed(text);
  });

  it("on brackets nested far deeper than any spec", () => {
    assertWellFormed(`model M { param x = ${"(".repeat(5000)}1${")".repeat(5000)} }`);
    assertWellFormed("[".repeat(20000));
  });
});

describe("the checker and the pipeline never throw", () => {
  // Seeded mutants of every example and paper module, compiled through the whole pipeline (the
  // verifier after every pass, then lowering). The reproduction tier runs thirty times as many.
  it("on 1,000 mutated specs: diagnostics or a verified graph, never an exception or REC9001", () => {
    const result = fuzzSpecs(1_000, 11);
    expect(result.crashed).toEqual([]);
    expect(result.accepted + result.rejected).toBe(result.tried);
    // Both outcomes occur, so the mutants neither all break nor all leave the specs alone.
    expect(result.accepted).toBeGreaterThan(100);
    expect(result.rejected).toBeGreaterThan(100);
  });
});
