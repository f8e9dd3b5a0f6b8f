// Diagnostics as data: every code's prose lives in its stage's catalog, and a report passes only
// facts — names, types, numbers, lists, code — as arguments. This test wraps the one function
// that turns a code and its arguments into a diagnostic (diagnosticMaker), checks every spec the
// tests know (the check corpora, the catalog's own examples, the examples and the standard
// library), and fails when an argument carries a sentence: four or more plain lowercase words
// outside code spans. A code with several cases takes a `case` (or a key) and its catalog words
// each one; only another diagnostic's own message may travel inside one (NESTED).

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ROOT } from "./harness/repo.js";

const seen: { code: string; name: string; value: string }[] = [];

vi.mock("../compiler/src/diagnostics/code-entry.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../compiler/src/diagnostics/code-entry.js")>();
  return {
    ...original,
    diagnosticMaker: (entries: Parameters<typeof original.diagnosticMaker>[0]) => {
      const make = original.diagnosticMaker(entries);
      return (...call: Parameters<typeof make>) => {
        for (const [name, value] of Object.entries(call[3] ?? {})) seen.push({ code: call[1], name, value: String(value) });
        return make(...call);
      };
    },
  };
});

/**
 * Arguments that carry another diagnostic's own message, reported inside this one: a sweep point's
 * diagnostic (REC3025), the data contract's first bad row, worded by the runtime's row checks (REC4xxx).
 */
const NESTED: Readonly<Record<string, string>> = {
  REC3025: "error",
  REC4002: "first",
  REC4003: "first",
  REC4004: "first",
  REC4008: "first",
  REC4010: "first",
  REC4011: "first",
};

/** Four or more plain lowercase words, once code spans (`…`) are taken out: prose, not a fact. */
export function isSentence(value: string): boolean {
  const words = value
    .replace(/`[^`]*`/g, " ")
    .split(/\s+/)
    .filter((w) => /^[a-z]+$/.test(w));
  return words.length >= 4;
}

function recFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? recFiles(join(dir, e.name)) : e.name.endsWith(".rec") ? [join(ROOT, dir, e.name)] : [],
  );
}

describe("diagnostic arguments", () => {
  it("tell sentences from facts", () => {
    expect(isSentence("the world `x` does not feed it")).toBe(true);
    expect(isSentence("f32[B, 4]")).toBe(false);
    expect(isSentence("user_id, history, item_logq, spend")).toBe(false);
    expect(isSentence("`a` and `b`")).toBe(false);
  });

  it("carry no sentence: the prose of every code is in its catalog", async () => {
    const { checkFiles } = await import("../app/compile.js");
    const { renderExample } = await import("../compiler/src/tools/spec-artifacts.js");
    const { DIAGNOSTIC_CATALOG } = await import("../compiler/src/diagnostics/catalog.js");
    const { WORLDS } = await import("../app/worlds.js");
    for (const entry of DIAGNOSTIC_CATALOG) renderExample(entry.code, WORLDS);
    for (const file of [...recFiles("test/corpus"), ...recFiles("test/hostile"), ...recFiles("examples"), ...recFiles("stdlib")]) checkFiles([file]);
    expect(new Set(seen.map((s) => s.code)).size, "the specs report many codes").toBeGreaterThan(80);
    const prose = seen.filter((s) => isSentence(s.value) && NESTED[s.code] !== s.name);
    const sentences = [...new Set(prose.map((s) => `${s.code} ${s.name}: ${s.value}`))];
    expect(sentences).toEqual([]);
  });
});
