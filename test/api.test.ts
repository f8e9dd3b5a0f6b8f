// The variant API (api/spec.ts) and its example: a variant printed back as .rec compiles to the
// same model as the overrides it came from; a swap names a module; and examples/api/variants.mjs
// type-checks against the package's types and runs as a user would run it.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { Spec, SpecError } from "../api/spec.js";
import { ROOT } from "./harness/repo.js";

const example = join(ROOT, "examples/sweep/model.rec");

describe("Spec", () => {
  const base = Spec.fromFile(example);

  it("reads params with their kinds and values, costs and a hash", () => {
    const model = base.model();
    expect(model.params.find((p) => p.name === "pool")).toEqual({ name: "pool", kind: "module", value: "MeanPool" });
    expect(model.params.find((p) => p.name === "temperature")).toEqual({ name: "temperature", kind: "float", value: "0.05" });
    expect(model.costs.parameters).toBe(234_432);
    expect(model.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("prints a variant back as .rec, through the formatter, that compiles to the variant's own model", async () => {
    const variant = base.with({ dim: 24, hidden: "48" }).swap("pool", "AttentionPool");
    const text = await variant.toRec();
    const printed = Spec.fromSource(example, text);
    expect(printed.overrides.size).toBe(0);
    expect(printed.model().hash).toBe(variant.model().hash);
    expect(printed.model().hash).not.toBe(base.model().hash);
    expect(text).toContain("// A capacity sweep of a two-tower retriever");
    // A long list of params breaks as the formatter breaks it.
    const long = await base.with({ temperature: `0.05${"0".repeat(60)}1` }).toRec();
    expect(long).toMatch(/param users = 2_000,\n\s+items = 5_000,\n\s+temperature = 0.050+1\n/);
  });

  it("refuses to swap a param that is not a module, and explains a variant that does not check", () => {
    expect(() => base.swap("dim", "AttentionPool")).toThrow(SpecError);
    const broken = base.with({ dim: '"wide"' });
    expect(broken.ok).toBe(false);
    expect(() => broken.model()).toThrow(/does not check: REC3015 .*\(with dim="wide"\)/);
  });
});

describe("examples/api/variants.mjs", () => {
  it("type-checks against the package's API", () => {
    const program = ts.createProgram([join(ROOT, "examples/api/variants.mjs")], {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node"],
      skipLibCheck: true,
      // The package's declarations as `npm run build` emits them (npm test builds first).
      baseUrl: ROOT,
      paths: { reclang: ["dist/api/index.d.ts"] },
    });
    const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName.includes("examples/api"));
    expect(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  });

  it("runs: variants, merged graphs, .rec text, a diff, and a short training run", () => {
    const run = spawnSync(process.execPath, ["examples/api/variants.mjs", "--train"], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("8 variants, 6 distinct graphs");
    expect(run.stdout).toContain("as .rec: param dim = 48, hidden = 64, pool = AttentionPool, heads = 1");
    expect(run.stdout).toContain("diff: dim 32 → 48, pool MeanPool → AttentionPool; +5 weights");
    const trained = /loss ([\d.]+) → ([\d.]+)/.exec(run.stdout);
    expect(Number(trained![2])).toBeLessThan(Number(trained![1]));
  });
});
