// The formatter (compiler/src/format/: prettier with the .rec plugin) and `rec fmt`. Every .rec
// file of the repository, formatted, parses to the same syntax tree (doc comments included) with
// the same ordinary comments in the same order, and formatting twice changes nothing; the same
// holds for seeded mutants of the specs with comments inserted at random places (the property
// test). test/corpus/format/NAME.rec formats to the golden NAME.formatted beside it.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatRec } from "../compiler/src/format/format.js";
import { recPlugin } from "../compiler/src/format/prettier-plugin.js";
import { SourceFile } from "../compiler/src/source/source-file.js";
import { stripSpans } from "../compiler/src/syntax/ast-dump.js";
import { parseSource } from "../compiler/src/syntax/parse-source.js";
import { main } from "../cli/main.js";
import { fuzzFormat } from "./harness/format-fuzz.js";
import { compareMeaning, meaningOf } from "../compiler/src/format/meaning.js";
import { expectGolden } from "./harness/golden.js";
import { recFilesUnder, ROOT } from "./harness/repo.js";

/**
 * What formatting must keep: the tree without positions, and the comments' texts in order (a doc
 * comment's text after its `///`, which the formatter writes with one space: `///x` is `/// x`).
 */
function meaning(path: string, text: string) {
  const parsed = parseSource(new SourceFile(path, text));
  const commentText = (image: string) => image.trimEnd().replace(/^\/\/\/(?=[^ /])/, "/// ");
  return {
    errors: parsed.diagnostics.filter((d) => d.severity === "error").length,
    tree: JSON.stringify(stripSpans(parsed.ast)),
    comments: parsed.comments.map((c) => commentText(c.image)),
  };
}

async function expectFaithful(path: string, text: string): Promise<string> {
  const before = meaning(path, text);
  const first = await formatRec(text, path);
  if (!first.ok) throw new Error(`${path}: ${first.reason}`);
  const after = meaning(path, first.text);
  expect(after.errors, path).toBe(0);
  expect(after.tree, `${path}: the tree changed`).toBe(before.tree);
  expect(after.comments, `${path}: the comments changed`).toEqual(before.comments);
  const second = await formatRec(first.text, path);
  expect(second.ok && second.text, `${path}: formatting twice changed it`).toBe(first.text);
  return first.text;
}

describe("formatting every .rec file of the repository", () => {
  const files = [
    "examples",
    "stdlib",
    "test/corpus/parse/ok",
    "test/corpus/check",
    "test/corpus/typing",
    "test/corpus/diff",
    "test/corpus/format",
    "tools/fixtures/cases",
  ].flatMap(recFilesUnder);

  it("keeps each file's tree and comments, and is idempotent", async () => {
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), "utf8");
      if (meaning(file, text).errors) continue; // semantic-error corpora parse; syntax errors are not formatted
      await expectFaithful(file, text);
    }
  });
});

describe("formatting mutants with comments after random tokens (160 here; 16,000 in test/repro/format-fuzz.test.ts)", () => {
  it("never breaks a file, changes its meaning, loses or moves a comment, or formats twice differently", async () => {
    const result = await fuzzFormat(160, 29);
    expect(result.failures).toEqual([]);
    expect(result.formatted).toBeGreaterThan(80);
    expect(result.refused).toBeLessThanOrEqual(result.formatted / 100);
  });
});

describe("the formatter's proof (compiler/src/format/meaning.ts)", () => {
  it("sees a comment that moved to another token, and one that was lost", () => {
    const before = meaningOf("a.rec", "model M {\n  dims B, D\n  input x: f32[B, // c\n D]\n}\n");
    const moved = meaningOf("a.rec", "model M {\n  dims B, D\n  input x: f32[B, D] // c\n}\n");
    expect(compareMeaning(before, moved)).toMatchObject({ what: "a comment would move away from the token it follows", offset: 40, comment: 0 });
    const lost = meaningOf("a.rec", "model M {\n  dims B, D\n  input x: f32[B, D]\n}\n");
    expect(compareMeaning(before, lost)?.what).toBe("a comment would be lost or changed");
    const other = meaningOf("a.rec", "model M {\n  dims B, D\n  input x: f32[D, // c\n B]\n}\n");
    expect(compareMeaning(before, other)?.what).toBe("the output would mean something else");
  });
});

describe("the format corpus", () => {
  const dir = join(ROOT, "test/corpus/format");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".rec"))) {
    it(file, async () => {
      const text = await expectFaithful(file, readFileSync(join(dir, file), "utf8"));
      expectGolden(join(dir, file.replace(/\.rec$/, ".formatted")), text);
      for (const line of text.split("\n")) if (!line.trimStart().startsWith("//")) expect(line.length, line).toBeLessThanOrEqual(100);
    });
  }

  it("breaks at a narrower width when asked", async () => {
    const narrow = await formatRec(readFileSync(join(dir, "widths.rec"), "utf8"), "widths.rec", { printWidth: 60 });
    expect(narrow.ok).toBe(true);
    const lines = (narrow as { text: string }).text.split("\n").filter((l) => !l.trimStart().startsWith("//"));
    expect(lines.filter((l) => l.length > 60)).toEqual([]);
  });
});

describe("rec fmt", () => {
  const run = async (args: string[], cwd: string) => {
    const out = { stdout: "", stderr: "" };
    const code = await main(["fmt", ...args], { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), isTTY: false, cwd, env: {} });
    return { code, ...out };
  };

  it("lists what --check would change and exits 1, formats in place, then --check passes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rec-fmt-"));
    writeFileSync(join(dir, "a.rec"), readFileSync(join(ROOT, "test/corpus/format/widths.rec"), "utf8"));
    writeFileSync(join(dir, "b.rec"), "model M {\n  dims B\n}\n");
    const check = await run(["--check", "."], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe("a.rec\n");
    expect(check.stderr).toContain("1 of 2 files would be reformatted");
    expect(readFileSync(join(dir, "a.rec"), "utf8")).toBe(readFileSync(join(ROOT, "test/corpus/format/widths.rec"), "utf8"));
    expect((await run(["."], dir)).code).toBe(0);
    expect(readFileSync(join(dir, "a.rec"), "utf8")).toBe(readFileSync(join(ROOT, "test/corpus/format/widths.formatted"), "utf8"));
    expect((await run(["--check", "."], dir)).code).toBe(0);
  });

  it("passes --check on the repository's own specs (examples, the standard library, the fixture cases)", async () => {
    const result = await run(["--check", "examples", "stdlib", "tools/fixtures/cases"], ROOT);
    expect(result.stdout, "run `npx rec fmt examples stdlib tools/fixtures/cases`").toBe("");
    expect(result.code).toBe(0);
  });

  it("reads the width from the .prettierrc prettier would read, as prettier with the plugin does (--width wins)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rec-fmt-"));
    const source = readFileSync(join(ROOT, "test/corpus/format/widths.rec"), "utf8");
    writeFileSync(join(dir, ".prettierrc"), JSON.stringify({ printWidth: 60 }));
    writeFileSync(join(dir, "a.rec"), source);
    expect((await run(["a.rec"], dir)).code).toBe(0);
    const ours = readFileSync(join(dir, "a.rec"), "utf8");
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(join(dir, "a.rec")))!;
    expect(options.printWidth).toBe(60);
    expect(ours).toBe(await prettier.format(source, { ...options, parser: "rec", plugins: [recPlugin] }));
    writeFileSync(join(dir, "b.rec"), source);
    expect((await run(["--width", "100", "b.rec"], dir)).code).toBe(0);
    expect(readFileSync(join(dir, "b.rec"), "utf8")).toBe(readFileSync(join(ROOT, "test/corpus/format/widths.formatted"), "utf8"));
  });

  it("formats standard input to standard output with `-`", async () => {
    const out = { stdout: "", stderr: "" };
    const io = {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
      isTTY: false,
      cwd: ROOT,
      env: {},
      stdin: async () => "model M {\n    dims B\n}\n",
    };
    expect(await main(["fmt", "-"], io)).toBe(0);
    expect(out.stdout).toBe("model M {\n  dims B\n}\n");
    expect(await main(["fmt", "--check", "-"], io)).toBe(1);
  });

  it("leaves a file with syntax errors as it is and shows them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rec-fmt-"));
    const broken = "model M {\n  inptu x: f32[B]\n}\n";
    writeFileSync(join(dir, "bad.rec"), broken);
    const result = await run(["bad.rec"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error[REC1013]");
    expect(result.stderr).toContain("bad.rec is not formatted: it has syntax errors");
    expect(readFileSync(join(dir, "bad.rec"), "utf8")).toBe(broken);
  });
});
