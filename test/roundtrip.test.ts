// The canonical printer: for every .rec file that parses cleanly (examples, stdlib, ok
// corpus), parse(print(ast)) equals ast up to spans, and printing is idempotent.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stripSpans } from "../compiler/src/syntax/ast-dump.js";
import { printFile } from "../compiler/src/syntax/printer.js";
import { parseText } from "./harness/front-end.js";
import { ROOT, validRecFiles } from "./harness/repo.js";

describe("print round trip", () => {
  const files = validRecFiles();
  it("covers the examples and the stdlib", () => {
    expect(files.some((f) => f.startsWith("examples/"))).toBe(true);
    expect(files.some((f) => f.startsWith("stdlib/"))).toBe(true);
  });
  for (const file of files) {
    it(file, () => {
      const original = parseText(file, readFileSync(join(ROOT, file), "utf8"));
      expect(original.diagnostics.map((d) => d.code)).toEqual([]);
      const printed = printFile(original.ast);
      const reparsed = parseText(file, printed);
      expect(reparsed.diagnostics.map((d) => d.code)).toEqual([]);
      expect(stripSpans(reparsed.ast)).toEqual(stripSpans(original.ast));
      expect(printFile(reparsed.ast)).toBe(printed);
    });
  }
});
