// The spec stays in step with the code: the generated grammar (language.md, grammar.html)
// and diagnostics.md match what the parser and the catalog produce now, every catalog
// example reports its own code first, and every code the compiler can report is catalogued.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CATALOG } from "../compiler/src/diagnostics/catalog.js";
import { specFiles } from "../app/gen-spec.js";
import { WORLDS } from "../app/worlds.js";
import { renderExample } from "../compiler/src/tools/spec-artifacts.js";
import { ROOT } from "./harness/repo.js";

describe("spec", () => {
  for (const file of specFiles(ROOT)) {
    it(`${file.path.slice(ROOT.length)} is up to date (run npm run spec:gen)`, () => {
      expect(readFileSync(file.path, "utf8")).toBe(file.content);
    });
  }

  for (const entry of DIAGNOSTIC_CATALOG) {
    if (entry.code === "REC9001") continue;
    it(`${entry.code}'s example reports ${entry.code} first`, () => {
      const example = renderExample(entry.code, WORLDS);
      expect(example).toBeDefined();
      expect(example!.codes[0]).toBe(entry.code);
    });
  }

  it("catalogs every code the compiler source mentions", () => {
    const catalogued = new Set(DIAGNOSTIC_CATALOG.map((e) => e.code));
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".ts")) for (const m of readFileSync(join(ROOT, path), "utf8").matchAll(/"(REC\d{4})"/g)) used.add(m[1]!);
      }
    };
    walk("compiler/src");
    expect([...used].filter((c) => !catalogued.has(c))).toEqual([]);
    expect(used.size).toBeGreaterThan(20);
  });

  it("names every grammar rule in the language reference's grammar section", () => {
    const language = readFileSync(join(ROOT, "spec/language.md"), "utf8");
    for (const rule of ["file", "modelDecl", "moduleDecl", "roleDecl", "trainDecl", "namedType", "operand", "compClause"]) {
      expect(language).toMatch(new RegExp(`^${rule}\\s+::=`, "m"));
    }
  });
});
