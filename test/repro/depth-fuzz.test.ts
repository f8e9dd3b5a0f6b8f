// Inputs that grow one grammar rule until a recursive walker would overflow: each template
// below nests (or chains) one construct n times, for n up to 5,000, and goes through every stage
// that walks a tree — `rec check` (parse, resolve, elaborate), `rec print`, `rec ir`, `rec fmt
// --check`, and the language server's analysis with a hover and a definition at every tenth
// line. Each must end in its normal result or a diagnostic with a code (REC1024, REC3026),
// never a stack overflow, an internal error or REC9001.

import { describe, expect, it } from "vitest";
import { Analysis } from "../../cli/lsp/analysis.js";
import { rec } from "../harness/rec-cli.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../harness/repo.js";

const model = (expr: string, extra = "") => `${extra}model M {\n  dims B\n  input x: f32[B]\n  input flag: bool[B]\n  head h = ${expr}\n}\n`;
const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join("");

/** Each grammar rule grown n times. */
const TEMPLATES: Readonly<Record<string, (n: number) => string>> = {
  "unary minus": (n) => model(`${"-".repeat(n)}x`),
  "unary not": (n) => model(`where(${"not ".repeat(n)}flag, x, x)`),
  "pipe stages": (n) => model(`x${" |> exp".repeat(n)}`),
  "binary chain": (n) => model(`x${" + x".repeat(n)}`),
  "power chain (right-associative)": (n) => model(`x${" ** x".repeat(n)}`),
  parentheses: (n) => model(`${"(".repeat(n)}x${")".repeat(n)}`),
  "nested calls": (n) => model(`${"exp(".repeat(n)}x${")".repeat(n)}`),
  "indexing chain": (n) => model(`x${"[:]".repeat(n)}`),
  "nested conditionals": (n) => model(`${repeat(n, () => "if true then ")}x${" else x".repeat(n)}`),
  "else-if chain": (n) => model(`${repeat(n, () => "if false then x else ")}x`),
  "nested lists": (n) => model(`x + len(${"[".repeat(n)}1.0${"]".repeat(n)})`),
  "nested lambdas": (n) => model(`fold(range(1), x, ${repeat(n, () => "fn(a, i) => ")}a)`),
  "let chain": (n) => `model M {\n  dims B\n  input x: f32[B]\n  let a0 = x\n${repeat(n, (i) => `  let a${i + 1} = a${i} + 1.0\n`)}  head h = a${n}\n}\n`,
  "function chain": (n) =>
    model(
      `f${n - 1}(x)`,
      repeat(n, (i) => `fn f${i}(v: f32[B]) -> f32[B] { ${i ? `f${i - 1}(v)` : "v"} }\n`),
    ),
  "module chain": (n) =>
    model(
      `M${n - 1}()(x)`,
      repeat(n, (i) => `module M${i}() {\n  fn (v: f32[B]) -> f32[B] { ${i ? `M${i - 1}()(v)` : "v"} }\n}\n`),
    ),
};

const SIZES = [10, 300, 1200, 5000];
const dir = join(ROOT, ".tmp", "depth-fuzz");
mkdirSync(dir, { recursive: true });

function expectClean(what: string, code: number, output: string): void {
  expect([0, 1], `${what}: exit ${code}\n${output.slice(0, 600)}`).toContain(code);
  expect(output, what).not.toMatch(/internal error|RangeError|Maximum call stack|REC9001/);
}

describe("every grammar rule grown to 5,000", () => {
  for (const [name, template] of Object.entries(TEMPLATES)) {
    it(name, async () => {
      for (const n of SIZES) {
        const file = join(dir, `${name.replace(/\W+/g, "_")}-${n}.rec`);
        const text = template(n);
        writeFileSync(file, text);
        for (const argv of [
          ["check", file],
          ["print", file],
          ["ir", file],
          ["fmt", "--check", file],
        ]) {
          const result = await rec(argv);
          expectClean(`${name} × ${n}: rec ${argv[0]}`, result.code, result.stdout + result.stderr);
          if (argv[0] === "check" && result.code === 1) expect(result.stdout + result.stderr, `${name} × ${n}`).toMatch(/error\[REC\d{4}\]/);
        }
        // The language server's analysis, a hover and a definition on every tenth line.
        let output = "";
        try {
          const analysis = new Analysis(file, text);
          const lines = text.split("\n");
          for (let line = 0, offset = 0; line < lines.length; offset += lines[line]!.length + 1, line += 10) {
            output += analysis.hover(offset + Math.floor(lines[line]!.length / 2)) ?? "";
            analysis.definition(offset + Math.floor(lines[line]!.length / 2));
          }
        } catch (error) {
          output += String(error);
        }
        expect(output, `${name} × ${n}: the language server`).not.toMatch(/RangeError|Maximum call stack/);
      }
    });
  }
});
