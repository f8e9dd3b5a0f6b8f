// `rec diff` (compiler/src/diff/semantic-diff.ts): each file of test/corpus/diff/ is compared
// with base.rec, and the output must equal the golden file beside it (NAME.diff). A first line
// `// expect: no difference in meaning` marks a pair that differs only in text: its diff must
// say so and exit 0; every other pair must differ in meaning and exit 1. Two `--set` variants of
// one file are compared the same way.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { expectGolden } from "./harness/golden.js";
import { ROOT } from "./harness/repo.js";

const dir = join(ROOT, "test/corpus/diff");

async function diff(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), isTTY: false, cwd: ROOT, env: {} };
  const code = await main(["diff", ...args], io);
  return { code, ...out };
}

describe("rec diff over the corpus", () => {
  const cases = readdirSync(dir).filter((f) => f.endsWith(".rec") && f !== "base.rec");

  it("has pairs that differ only in text and pairs that differ in meaning", () => {
    const same = cases.filter((f) => readFileSync(join(dir, f), "utf8").startsWith("// expect: no difference in meaning"));
    expect(same.length).toBeGreaterThanOrEqual(1);
    expect(cases.length - same.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of cases) {
    it(file, async () => {
      const sameMeaning = readFileSync(join(dir, file), "utf8").startsWith("// expect: no difference in meaning");
      const result = await diff([join("test/corpus/diff/base.rec"), join("test/corpus/diff", file)]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(sameMeaning ? 0 : 1);
      if (sameMeaning) expect(result.stdout).toBe("model Ranker: no difference in meaning\n");
      expectGolden(join(dir, file.replace(/\.rec$/, ".diff")), result.stdout);
    });
  }
});

describe("rec diff of two variants of one file", () => {
  it("shows a param that changes nothing as having no effect", async () => {
    const result = await diff(["examples/sweep/model.rec", "--set-a", "heads=1", "--set-b", "heads=2"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("~ heads: 1 → 2");
    expect(result.stdout).toContain("these params have no effect on this model");
  });

  it("lists the weights a module swap adds, with shapes and counts, as JSON for tools", async () => {
    const result = await diff(["examples/sweep/model.rec", "--set-b", "pool=AttentionPool", "--json"]);
    const [model] = JSON.parse(result.stdout) as { weights: { name: string; a?: string; b?: string }[]; outputs: { name: string }[]; sameModel: boolean }[];
    expect(model!.sameModel).toBe(false);
    expect(model!.weights).toContainEqual({ name: "user.attention_pool.query", b: "f32[1, 1, 32] (32)" });
    expect(model!.weights.every((w) => w.a === undefined)).toBe(true);
    expect(model!.outputs.map((o) => o.name)).toContain("encoder user");
    expect(model!.outputs.map((o) => o.name)).not.toContain("encoder item");
  });

  it("finds no difference between a file and itself", async () => {
    expect((await diff(["examples/two_tower/model.rec"])).code).toBe(0);
  });
});
