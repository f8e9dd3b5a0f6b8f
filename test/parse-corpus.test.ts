// The parse corpus: test/corpus/parse/ok/*.rec parse without diagnostics and match their
// `.snap` tree; err/*.rec report errors and match their `.snap` diagnostics and partial tree.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "./harness/golden.js";
import { parseText, snapshot } from "./harness/front-end.js";
import { ROOT } from "./harness/repo.js";
import { DIAGNOSTIC_CATALOG } from "../compiler/src/diagnostics/catalog.js";

for (const kind of ["ok", "err"] as const) {
  const dir = join(ROOT, "test/corpus/parse", kind);
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith(".rec"))
    .sort();
  describe(`parse corpus: ${kind}`, () => {
    for (const name of cases) {
      it(name, () => {
        const path = join(dir, name);
        const parsed = parseText(`${kind}/${name}`, readFileSync(path, "utf8"));
        if (kind === "ok") expect(parsed.diagnostics.map((d) => d.code)).toEqual([]);
        else expect(parsed.diagnostics.length).toBeGreaterThan(0);
        expectGolden(path.replace(/\.rec$/, ".snap"), snapshot(parsed));
      });
    }
  });
}

describe("parse corpus coverage", () => {
  it("has at least 30 syntax-error cases reporting every syntax code that source text can trigger", () => {
    const dir = join(ROOT, "test/corpus/parse/err");
    const files = readdirSync(dir).filter((f) => f.endsWith(".rec"));
    const codes = new Set(files.flatMap((f) => parseText(f, readFileSync(join(dir, f), "utf8")).diagnostics.map((d) => d.code)));
    expect(files.length).toBeGreaterThanOrEqual(30);
    const textCodes = DIAGNOSTIC_CATALOG.map((e) => e.code).filter((c) => c.startsWith("REC10") && !["REC1022", "REC1023"].includes(c));
    expect([...textCodes].filter((c) => !codes.has(c))).toEqual([]);
  });
});
