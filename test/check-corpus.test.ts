// The semantic corpus: each test/corpus/check/*.rec states the diagnostics it must produce
// in comments — `// error[REC2001]@+1: text` means an error with that code on the next line
// whose message contains the text; `@stdlib` means inside a standard-library file. A case
// passes when the diagnostics are exactly the expected ones.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFiles } from "../app/compile.js";
import { STDLIB_ROOT } from "../compiler/src/semantics/program.js";
import { ROOT } from "./harness/repo.js";

interface Expectation {
  readonly severity: string;
  readonly code: string;
  /** A line of the case file, or "stdlib". */
  readonly where: number | "stdlib";
  readonly text: string;
}

const DIRECTIVE = /\/\/\s*(error|warning)\[(REC\d{4})\]@(\+\d+|-\d+|stdlib)(?::\s*(.*))?$/;

export function expectationsOf(text: string): Expectation[] {
  return text.split("\n").flatMap((line, i) => {
    const m = DIRECTIVE.exec(line.trim());
    if (!m) return [];
    const where = m[3] === "stdlib" ? "stdlib" : i + 1 + Number(m[3]);
    return [{ severity: m[1]!, code: m[2]!, where, text: (m[4] ?? "").trim() }];
  });
}

const dir = join(ROOT, "test/corpus/check");
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".rec"))
  .sort();

describe("check corpus", () => {
  it("has at least 40 cases, each expecting at least one diagnostic", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const name of cases) expect(expectationsOf(readFileSync(join(dir, name), "utf8")).length, name).toBeGreaterThan(0);
  });

  for (const name of cases) {
    it(name, () => {
      const path = join(dir, name);
      const expected = expectationsOf(readFileSync(path, "utf8"));
      const result = checkFiles([path]);
      const actual = result.diagnostics.map((d) => {
        const source = result.sources.get(d.file);
        const where = d.file.startsWith(STDLIB_ROOT) ? "stdlib" : (source?.position(d.primary.span.start).line ?? 0);
        return { severity: d.severity, code: d.code, where, message: d.message, file: d.file };
      });
      const describeAll = (xs: { severity: string; code: string; where: number | string; message?: string; text?: string }[]) =>
        xs.map((x) => `${x.severity}[${x.code}]@${x.where} ${x.message ?? x.text ?? ""}`).join("\n");
      expect(actual.map((a) => `${a.severity}[${a.code}]@${a.where}`).sort(), `expected:\n${describeAll(expected)}\nactual:\n${describeAll(actual)}`).toEqual(
        expected.map((e) => `${e.severity}[${e.code}]@${e.where}`).sort(),
      );
      for (const e of expected) {
        const match = actual.find((a) => a.code === e.code && a.where === e.where);
        expect(match?.message, `message of ${e.code}@${e.where}`).toContain(e.text);
      }
    });
  }
});

describe("typing corpus", () => {
  const typing = join(ROOT, "test/corpus/typing");
  for (const name of readdirSync(typing)
    .filter((f) => f.endsWith(".rec"))
    .sort()) {
    it(`${name}: every declared type is the inferred one`, () => {
      const result = checkFiles([join(typing, name)]);
      expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(result.models.length).toBeGreaterThan(0);
    });
  }
});
