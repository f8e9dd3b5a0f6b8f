// Model summaries: `rec check --summary` for every example matches the golden summary.txt
// beside it (UPDATE_GOLDEN=1 rewrites them), and --json, --set and shared weights behave.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { checkSource, compileFiles } from "../app/compile.js";
import { summarize } from "../compiler/src/semantics/summary.js";
import { expectGolden } from "./harness/golden.js";
import { exampleModels, ROOT } from "./harness/repo.js";

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, cwd: ROOT, env: {} });
  return { code, stdout, stderr };
}

describe("model summaries", () => {
  for (const example of exampleModels()) {
    it(`examples/${example} matches summary.txt`, async () => {
      const result = await run(["check", "--summary", `examples/${example}/model.rec`]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("0 errors, 0 warnings");
      expectGolden(join(ROOT, "examples", example, "summary.txt"), result.stdout);
    });
  }

  it("separates the FLOPs only metrics need, and estimates the activations training keeps", () => {
    const text =
      `import { Dense } from "std/nn"\nmodel M {\n  dims B\n  input x: f32[B, 8]\n  head h = ` +
      `Dense(4)(x)\n  loss l = mean(h * h)\n  metric gram = mean(x @ transpose(x))\n}\n`;
    const bare = text.replace("  metric gram = mean(x @ transpose(x))\n", "");
    const [withMetric, without] = [text, bare].map((t) => summarize(checkSource(join(ROOT, "m.rec"), t).models[0]!));
    // The metric's B×8×B product: 2·8 FLOPs per pair of examples, and its mean.
    expect(withMetric!.metricFlops.perBatch).toBe("17*B*B");
    expect(without!.metricFlops.perBatch).toBe("0");
    expect(without!.flops.perBatch).toBe("76*B");
    expect(withMetric!.flops.perBatch).toBe("17*B*B + 76*B");
    // The training graph's forward values — B×4 floats for each op of Dense and h·h — and the
    // scalar loss; the metric's values are not kept for a backward pass.
    expect(withMetric!.activations.perBatch).toBe(without!.activations.perBatch);
    expect(without!.activations.perBatch).toMatch(/^\d+\*B \+ 4$/);
  });

  it("counts exactly the weights the plan trains (a weight nothing reads is not a parameter)", () => {
    for (const example of exampleModels()) {
      const result = compileFiles([join(ROOT, "examples", example, "model.rec")]);
      const summary = summarize(result.models[0]!);
      expect(summary.parameters.map((p) => p.name).sort(), example).toEqual(result.plans[0]!.params.map((p) => p.name).sort());
    }
    // Attention's projections are Dense(bias = false): their offsets are declared and never read.
    const names = summarize(compileFiles([join(ROOT, "examples/sasrec/model.rec")]).models[0]!).parameters.map((p) => p.name);
    expect(names).toContain("blocks.0.attn.wq.kernel");
    expect(names).not.toContain("blocks.0.attn.wq.offset");
  });

  it("counts neither the FLOPs nor the parameters of a branch nothing reads, and an op computed twice once", () => {
    const model = (extra: string) => `import { Dense } from "std/nn"
model M {
  dims B
  input x: f32[B, 16]
  let used = Dense(8)
  head h = used(x)
  loss l = mean(used(x))
${extra}}
`;
    const cost = (text: string) => {
      const checked = checkSource(join(ROOT, "dead.rec"), text);
      expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const summary = summarize(checked.models[0]!);
      return { flops: summary.flops.perBatch, parameters: summary.totals.count };
    };
    const live = cost(model(""));
    // A wide layer whose result nothing outputs: never run, so never counted.
    const dead = cost(model("  let unused = Dense(512)(relu(x @ transpose(x)))\n"));
    expect(dead).toEqual(live);
    // \`used(x)\` twice is one computation (hash-consed), counted once; a used branch does count.
    const more = cost(model("  head g = Dense(4)(x)\n"));
    expect(more.parameters).toBe(live.parameters! + 16 * 4 + 4);
    expect(more.flops).not.toBe(live.flops);
  });

  it("prints JSON for tools", async () => {
    const result = await run(["check", "--summary", "--json", "examples/two_tower/model.rec"]);
    const [summary] = JSON.parse(result.stdout) as ReturnType<typeof summarize>[];
    expect(summary!.model).toBe("TwoTower");
    expect(summary!.parameters.find((p) => p.name === "item_table.table")).toMatchObject({ shape: "[5000, 32]", count: 160_000, bytes: 640_000 });
  });

  it("shares the weights of a bound instance used twice, and creates new ones per instantiation", () => {
    const text = `import { Dense } from "std/nn"
model M {
  dims B
  input a: f32[B, 4]
  input b: f32[B, 4]
  let shared = Dense(8)
  encoder x = shared(a) + shared(b)
  encoder y = Dense(8)(a) + Dense(8)(b)
}
`;
    const result = checkSource(join(ROOT, "shared.rec"), text);
    expect(result.diagnostics.map((d) => d.code)).toEqual([]);
    expect(result.models[0]!.weights.map((w) => w.path)).toEqual([
      "shared.kernel",
      "shared.offset",
      "y.dense.kernel",
      "y.dense.offset",
      "y.dense_1.kernel",
      "y.dense_1.offset",
    ]);
  });

  it("applies --set overrides, type-checked", async () => {
    const bigger = await run(["check", "--summary", "--json", "--set", "dim=16", "examples/two_tower/model.rec"]);
    const [summary] = JSON.parse(bigger.stdout) as ReturnType<typeof summarize>[];
    expect(summary!.parameters.find((p) => p.name === "item_table.table")!.shape).toBe("[5000, 16]");
    const wrongType = await run(["check", "--diagnostics=short", "--set", "dim=0.5", "examples/two_tower/model.rec"]);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stdout).toContain("error[REC3015]: `dim` is an int, but the override `0.5` is a float");
    const unknown = await run(["check", "--diagnostics=short", "--set", "dims=3", "examples/two_tower/model.rec"]);
    expect(unknown.stdout).toContain("error[REC3014]: no parameter `dims` to set");
    const malformed = await run(["check", "--set", "dim", "examples/two_tower/model.rec"]);
    expect(malformed.code).toBe(2);
    // A value is parsed as one value, never pasted into source text: more text is refused.
    for (const injected of ["32, users = 5", "32\n}\nmodel Other {", "32 } model Other { dims B"]) {
      const result = await run(["check", "--diagnostics=short", "--set", `dim=${injected}`, "examples/two_tower/model.rec"]);
      expect(result.code, injected).toBe(1);
      expect(result.stdout).toContain("error[REC3015]: `dim` is an int, but the override");
    }
  });
});
