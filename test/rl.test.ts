// The RL language features: a reward switched per variant by name, and frozen reference copies
// (runtime/src/tfjs/train/reference.ts): they start as the policy's weights, never train, and the
// summary counts them without gradients or optimizer state.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, compileFiles } from "../app/compile.js";
import { summarize } from "../compiler/src/semantics/summary.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { copyReferences } from "../runtime/src/tfjs/train/reference.js";
import { Trainer } from "../runtime/src/tfjs/train/trainer.js";
import { ROOT } from "./harness/repo.js";

describe("a reward switched by name", () => {
  const path = join(ROOT, "examples/drl_put/model.rec");

  it("builds another graph for `--set utility=CtrOnly`, the same for the default's own name", () => {
    const plan = (overrides: Record<string, string>) => JSON.stringify(compileFiles([path], { overrides: new Map(Object.entries(overrides)) }).plans[0]!.steps);
    expect(plan({ utility: "CtrOnly" })).not.toBe(plan({}));
    expect(plan({ utility: "Composite" })).toBe(plan({}));
  });

  it("reports a name the file does not define", () => {
    const result = compileFiles([path], { overrides: new Map([["utility", "Clicks"]]) });
    expect(result.diagnostics.map((d) => d.code)).toContain("REC3005");
  });
});

describe("a frozen reference", () => {
  const text =
    `import { Dense } from "std/nn"\nmodel Anchored {\n  dims B\n  input x: f32[B, 3]\n  let ` +
    `policy = Dense(2)\n  let anchor = Dense(2)\n  head h = policy(x)\n  loss l = ` +
    `mean(square(policy(x) - 1.0)) + mean(square(policy(x) - anchor(x)))\n  train {\n    ` +
    `optimizer = adam(lr = 0.1)\n    reference { anchor = "policy" }\n  }\n}\n`;
  const compiled = compile({ path: join(ROOT, "anchored.rec"), text });
  const plan = compiled.plans[0]!;

  it("starts as a copy of the policy's weights and stays there while the policy trains", async () => {
    await useBackend("cpu");
    const executor = new Executor(plan, 4);
    const values = (name: string) => [...executor.params.get(name)!.dataSync()];
    expect(values("anchor.kernel")).not.toEqual(values("policy.kernel"));
    copyReferences(executor, plan.train[0]!.settings);
    const start = values("policy.kernel");
    expect(values("anchor.kernel")).toEqual(start);
    const trainer = new Trainer(executor, plan.train[0]!.settings, 5, 4);
    for (let step = 0; step < 5; step++) {
      const feeds = new Map([["x", tf.randomNormal([8, 3], 0, 1, "float32", step + 1)]]);
      await trainer.stepFeeds(step, feeds, 4);
      tf.dispose([...feeds.values()]);
    }
    expect(values("anchor.kernel")).toEqual(start);
    expect(values("policy.kernel")).not.toEqual(start);
    executor.dispose();
  });

  it("counts as weights without gradients or optimizer state in the summary", () => {
    const summary = summarize(compiled.models[0]!);
    const bytes = (prefix: string) => summary.parameters.filter((p) => p.name.startsWith(prefix)).reduce((a, p) => a + p.bytes!, 0);
    // Adam: two slots per trained weight; the anchor has none and no gradient.
    expect(summary.totals.trainingBytes).toBe(bytes("policy") * 4 + bytes("anchor"));
  });

  it("is an error when its weights do not match the source's", () => {
    const bad = text.replace("let anchor = Dense(2)", "let anchor = Dense(3)").replace("policy(x) - anchor(x)", "policy(x) - anchor(x)[:, :2]");
    const result = compile({ path: join(ROOT, "anchored.rec"), text: bad });
    expect(result.diagnostics.map((d) => d.code)).toContain("REC2029");
  });
});
