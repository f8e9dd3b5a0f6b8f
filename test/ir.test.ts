// The IR: text round trips for every model in the examples and corpora, verification before
// and after each pass, pass behaviour written in IR text (test/corpus/passes/*.ir, expected
// output after `// EXPECT:`), golden plans for the examples, and the runtime's independence.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFiles, compileFiles } from "../app/compile.js";
import { parseModels } from "../compiler/src/ir/parser.js";
import { printModel, printModels } from "../compiler/src/ir/printer.js";
import { verify } from "../compiler/src/ir/verify.js";
import { formatPlan } from "../compiler/src/lower/format-plan.js";
import { runPasses } from "../compiler/src/passes/pass.js";
import { PASSES, STANDARD_PIPELINE } from "../compiler/src/passes/pipeline.js";
import { validatePlan } from "../runtime/src/plan.js";
import { expectGolden, inCi, updating } from "./harness/golden.js";
import { exampleModels, recFilesUnder, ROOT } from "./harness/repo.js";

const specs = [...recFilesUnder("examples"), ...recFilesUnder("test/corpus/typing")];

describe("IR text", () => {
  for (const spec of specs) {
    it(`${spec}: print(parse(print(m))) == print(m), before and after every pass`, () => {
      const result = checkFiles([join(ROOT, spec)]);
      expect(result.diagnostics.map((d) => d.code)).toEqual([]);
      for (const model of result.models) {
        const report = runPasses(model.graph, STANDARD_PIPELINE, { verify: true, printAfter: "all" });
        for (const m of [model.graph, report.model]) {
          const text = printModel(m);
          expect(printModel(parseModels(text)[0]!)).toBe(text);
          expect(verify(parseModels(text)[0]!)).toEqual([]);
        }
      }
    });
  }

  it("rejects malformed text with the line", () => {
    expect(() => parseModels("model M [B] {\n  %0 = exp(%1) : f32[B]\n}\n")).toThrow(/line 2: %1 is used before/);
    expect(() => parseModels('model M [B] {\n  %0 = input {name = "x"} : f33[B]\n}\n')).toThrow(/line 2/);
  });

  it("the verifier catches a node whose type disagrees with its op's rule", () => {
    const [model] = parseModels('model M [B] {\n  %0 = input {name = "x"} : f32[B, 4]\n  %1 = sum(%0) {axis = 1, keepdims = false} : f32[4]\n}\n');
    expect(verify(model!)).toEqual(["M %1 (sum): type f32[4], but its rule gives f32[B]"]);
  });
});

describe("passes, in IR text", () => {
  const dir = join(ROOT, "test/corpus/passes");
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".ir"))
    .sort()) {
    it(name, () => {
      const path = join(dir, name);
      const text = readFileSync(path, "utf8");
      const [source, expected] = text.split("// EXPECT:\n");
      const run = /^\/\/ RUN: ([a-z-]+)/m.exec(source!)?.[1];
      const pass = PASSES.get(run ?? "");
      expect(pass, `${name} names a pass`).toBeDefined();
      const input = parseModels(source!);
      const output = printModels(input.map((m) => runPasses(m, [pass!], { verify: true }).model));
      if (expected === undefined && inCi && !updating)
        expect.fail(`${name} has no \`// EXPECT:\` section: run the tests once outside CI, review it and commit it`);
      if (updating || expected === undefined) writeFileSync(path, `${source!.trimEnd()}\n// EXPECT:\n${output}`);
      else expect(output).toBe(expected);
    });
  }
});

describe("plans", () => {
  for (const example of exampleModels()) {
    it(`examples/${example}/plan.json is the golden plan, and valid`, () => {
      const result = compileFiles([join(ROOT, "examples", example, "model.rec")]);
      expect(result.diagnostics.map((d) => d.code)).toEqual([]);
      const [plan] = result.plans;
      expect(validatePlan(plan)).toEqual([]);
      expectGolden(join(ROOT, "examples", example, "plan.json"), formatPlan(plan!));
      // Every intermediate is freed exactly once, after its last use.
      const freed = Object.values(plan!.freeAfter).flat();
      expect(new Set(freed).size).toBe(freed.length);
      for (const [step, values] of Object.entries(plan!.freeAfter)) {
        for (const v of values) expect(plan!.steps.filter((s) => s.inputs.includes(v)).every((s) => s.id <= Number(step))).toBe(true);
      }
    });
  }
});

describe("architecture", () => {
  it("the runtime imports nothing from the compiler", () => {
    const files = recFilesUnderTs(join(ROOT, "runtime/src"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file, "utf8"), file).not.toMatch(/from\s+["'][^"']*compiler\//);
  });
});

function recFilesUnderTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? recFilesUnderTs(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}
