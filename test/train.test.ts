// Training: the two-tower example learns on its synthetic world, holds no tensors over time,
// repeats itself for a seed, agrees across cpu and wasm, and stops on a non-finite loss with
// the op that produced it. Schedules and optimizers are checked against their formulas.

import { floatColumn } from "../runtime/src/data/columns.js";
import { openData } from "../app/data.js";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { compile, compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor, KernelError } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { makeOptimizer } from "../runtime/src/tfjs/train/optimizers.js";
import { learningRateFactor } from "../runtime/src/train/schedule.js";
import { NonFiniteLoss, train, trainOptionsFrom, Trainer } from "../runtime/src/tfjs/train/trainer.js";
import { ROOT } from "./harness/repo.js";

const plan = compileFiles([join(ROOT, "examples/two_tower/model.rec")]).plans[0]!;
const settings = plan.train[0]!.settings;

async function run(backend: "cpu" | "wasm", steps: number, seed = 3) {
  const executor = new Executor(plan, seed);
  const data = await openData(plan, settings["data"] as string, { seed, baseDir: ROOT });
  const memory: number[] = [];
  const reports = await train(executor, settings, data, {
    ...trainOptionsFrom(settings, { steps, batch: 64, seed, evalEvery: 0, evalBatches: 2 }),
    onStep: () => memory.push(tf.memory().numTensors),
  });
  executor.dispose();
  void backend;
  return { losses: reports.map((r) => r.loss), memory, final: reports[reports.length - 1]!.metrics! };
}

describe("training the two-tower example", () => {
  it("lowers the loss and holds a constant number of tensors (wasm)", async () => {
    await useBackend("wasm");
    const { losses, memory } = await run("wasm", 80);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) - 0.1);
    expect(memory[9]).toBe(memory[memory.length - 1]);
  });

  it("repeats its loss curve for a seed, and cpu agrees with wasm", async () => {
    await useBackend("wasm");
    const a = (await run("wasm", 12)).losses;
    const b = (await run("wasm", 12)).losses;
    expect(b).toEqual(a);
    await useBackend("cpu");
    const c = (await run("cpu", 12)).losses;
    c.forEach((loss, i) => expect(Math.abs(loss - a[i]!)).toBeLessThan(1e-3 * Math.abs(a[i]!)));
  });
});

describe("seeded randomness", () => {
  it("initializes the same weights for every seed, 0 included (tfjs reads a seed of 0 as none)", () => {
    for (const seed of [0, 1]) {
      const [a, b] = [new Executor(plan, seed), new Executor(plan, seed)];
      for (const [name, value] of a.params) expect([...value.dataSync()], `${name}, seed ${seed}`).toEqual([...b.params.get(name)!.dataSync()]);
      a.dispose();
      b.dispose();
    }
  });

  it("gives each random op of a step its own draws, the same again for the same seed", async () => {
    await useBackend("cpu");
    const text =
      `model TwoDropouts {\n  dims B\n  input x: f32[B, 64]\n  head first = dropout(x, rate = ` +
      `0.5)\n  head second = dropout(x, rate = 0.5)\n  loss l = mean(first) + mean(second)\n}\n`;
    const executor = new Executor(compile({ path: join(ROOT, "two_dropouts.rec"), text }).plans[0]!, 0);
    const x = tf.ones([4, 64]);
    const masks = (seed: number) => {
      const heads = executor.run("predict", new Map([["x", x]]), { training: true, seed });
      const out = ["first", "second"].map((h) => [...heads.get(h)!.dataSync()]);
      tf.dispose([...heads.values()]);
      return out;
    };
    for (const seed of [0, 7]) {
      const [first, second] = masks(seed);
      expect(first, `seed ${seed}`).not.toEqual(second);
      expect(masks(seed)).toEqual([first, second]);
    }
    x.dispose();
    executor.dispose();
  });
});

describe("embedding dropout", () => {
  it("drops whole rows while training (each looked-up vector all zero or all scaled), and is the identity at evaluation", async () => {
    await useBackend("cpu");
    const text = `import { EmbeddingDropout } from "std/nn"\nmodel Rows {\n  dims B\n  input x: f32[B, 6, 8]\n  head y = EmbeddingDropout(0.5)(x)\n}\n`;
    const executor = new Executor(compile({ path: join(ROOT, "rows.rec"), text }).plans[0]!, 0);
    const x = tf.ones([16, 6, 8]);
    const run = (training: boolean) => {
      const heads = executor.run("predict", new Map([["x", x]]), { training, seed: 5 });
      const out = [...heads.get("y")!.dataSync()];
      tf.dispose([...heads.values()]);
      return out;
    };
    const rows = Array.from({ length: 16 * 6 }, (_, r) => run(true).slice(r * 8, r * 8 + 8));
    for (const row of rows) expect(new Set(row).size, JSON.stringify(row)).toBe(1);
    const dropped = rows.filter((row) => row[0] === 0).length;
    expect(dropped).toBeGreaterThan(16);
    expect(dropped).toBeLessThan(80);
    rows.filter((row) => row[0] !== 0).forEach((row) => expect(row[0]).toBeCloseTo(2, 5));
    expect(run(false).every((v) => v === 1)).toBe(true);
    x.dispose();
    executor.dispose();
  });
});

describe("a kernel that fails on the values it is given", () => {
  it("names the op and the line of the user's file that led to it, even inside a library block", async () => {
    for (const backend of ["cpu", "wasm"] as const) {
      await useBackend(backend);
      const text =
        `import { Embedding } from "std/nn"\nmodel Ids {\n  dims B\n  input item: id<100>[B]\n  ` + `head score = sum(Embedding(100, 4)(item), axis = -1)\n}\n`;
      const executor = new Executor(compile({ path: join(ROOT, "ids.rec"), text }).plans[0]!, 0);
      const item = tf.tensor1d([3, 234], "int32");
      expect(() => executor.run("predict", new Map([["item", item]]))).toThrow(
        new KernelError(
          "`gather` at line 5:20 failed on inputs of shapes [100, 4], [2]: GatherV2: the index value " +
            "234 is not in [0, 99] (the values do not fit what the spec declares: an id beyond its " +
            "space, or a shape the data broke)",
        ),
      );
      item.dispose();
      executor.dispose();
    }
  });
});

describe("a non-finite loss", () => {
  const source = { next: async (n: number) => ({ size: n, columns: new Map([["x", floatColumn(new Float32Array(n).fill(-1), [1])]]) }) };
  const data = { train: () => source, heldOut: () => source, heldOutBatches: 1, skipped: { count: 0, examples: [] } };
  const weightsOf = async (executor: Executor) =>
    Object.fromEntries(await Promise.all([...executor.params].map(async ([k, v]) => [k, [...(await v.data())]] as const)));

  it("stops before the update, naming the step and the op that first produced it", async () => {
    await useBackend("cpu");
    const text = `import { Dense } from "std/nn"\nmodel Bad {\n  dims B\n  input x: f32[B, 1]\n  loss l = mean(log(-(square(Dense(1)(x)) + 1.0)))\n}\n`;
    const executor = new Executor(compile({ path: join(ROOT, "bad.rec"), text }).plans[0]!, 0);
    const before = await weightsOf(executor);
    await expect(train(executor, { optimizer: "sgd(lr = 0.1)" }, data, { steps: 3, batch: 4, seed: 0, evalEvery: 0, evalBatches: 1 })).rejects.toThrow(
      new NonFiniteLoss(
        "the loss is NaN at step 1; the first non-finite value of the forward pass came from `log` " +
          "at line 5:17; the step was not applied, so the weights are those of step 0",
      ),
    );
    expect(await weightsOf(executor)).toEqual(before);
    executor.dispose();
  });

  it("stops on a finite loss whose gradients are not, naming the weights", async () => {
    await useBackend("cpu");
    // sqrt at 0: the forward value is 0, its derivative infinite, and ∞ · 0 is NaN.
    const text = `import { Dense } from "std/nn"\nmodel Steep {\n  dims B\n  input x: f32[B, 1]\n  loss l = mean(sqrt(Dense(1)(x) * 0.0))\n}\n`;
    const executor = new Executor(compile({ path: join(ROOT, "steep.rec"), text }).plans[0]!, 0);
    const before = await weightsOf(executor);
    await expect(train(executor, { optimizer: "sgd(lr = 0.1)" }, data, { steps: 3, batch: 4, seed: 0, evalEvery: 0, evalBatches: 1 })).rejects.toThrow(
      /the loss is finite \(0\) but the gradients of `l\.dense\.kernel`, `l\.dense\.offset` are not at step 1; the step was not applied/,
    );
    expect(await weightsOf(executor)).toEqual(before);
    executor.dispose();
  });
});

describe("schedules and optimizers", () => {
  it("warms up linearly, then decays by a cosine to the floor", () => {
    const s = { warmup: 10, decay: "cosine" as const, minRatio: 0.1, steps: 110 };
    expect(learningRateFactor(s, 0)).toBeCloseTo(0.1);
    expect(learningRateFactor(s, 9)).toBeCloseTo(1);
    expect(learningRateFactor(s, 60)).toBeCloseTo(0.1 + 0.9 * 0.5);
    expect(learningRateFactor(s, 110)).toBeCloseTo(0.1);
    expect(learningRateFactor({ ...s, decay: "linear" }, 60)).toBeCloseTo(0.55);
  });

  it("sgd steps against the gradient; adamw also shrinks the weights", async () => {
    await useBackend("cpu");
    const w = tf.variable(tf.tensor1d([1, -2]));
    makeOptimizer("sgd(lr = 0.5)").apply(new Map([[w, tf.tensor1d([0.2, -0.4])]]));
    expect([...w.dataSync()]).toEqual([0.8999999761581421, -1.7999999523162842]);
    const v = tf.variable(tf.tensor1d([1, 1]));
    makeOptimizer("adamw(lr = 0.1, weight_decay = 0.5)").apply(new Map([[v, tf.tensor1d([0, 0])]]));
    // A zero gradient moves Adam nowhere; the decoupled decay multiplies by 1 − lr·wd = 0.95.
    expect([...v.dataSync()].map((x) => x.toFixed(5))).toEqual(["0.95000", "0.95000"]);
  });

  it("weights losses and clips the global gradient norm", async () => {
    await useBackend("cpu");
    const text =
      `model Two {\n  dims B\n  input x: f32[B, 2]\n  let w = Dense(1, bias = false)\n  loss a = ` +
      `mean(w(x))\n  loss b = mean(w(x) * 3.0)\n}\nimport { Dense } from "std/nn"\n`;
    const compiled = compile({ path: join(ROOT, "two.rec"), text });
    expect(compiled.diagnostics.map((d) => d.code)).toEqual([]);
    const p = compiled.plans[0]!;
    const executor = new Executor(p, 0);
    const kernel = executor.params.get("w.kernel")!;
    kernel.assign(tf.tensor2d([[0], [0]]));
    const trainer = new Trainer(executor, { optimizer: "sgd(lr = 1.0)", loss_weights: { a: 1, b: 0 }, clip_norm: 0.5 }, 1);
    const loss = await trainer.stepFeeds(0, new Map([["x", tf.tensor2d([[3, 4]])]]), 0);
    expect(loss).toBe(0);
    // d(mean(x·w))/dw = x = (3, 4), norm 5, clipped to 0.5: the step is −(0.3, 0.4).
    expect([...kernel.dataSync()].map((v) => v.toFixed(4))).toEqual(["-0.3000", "-0.4000"]);
  });
});

describe("rec train", () => {
  it("trains from the command line and reports JSON", async () => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: ROOT, env: {} };
    const code = await main(
      ["train", "--steps", "20", "--batch", "32", "--backend", "wasm", "--json", "--overwrite", "--out", ".tmp/train-test", "examples/two_tower/model.rec"],
      io,
    );
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as { backend: string; steps: number; metrics: Record<string, number> };
    expect(summary.backend).toBe("wasm");
    expect(summary.steps).toBe(20);
    expect(summary.metrics["recall_at_10"]).toBeGreaterThan(0);
    const { readFileSync } = await import("node:fs");
    const resolved = JSON.parse(readFileSync(join(ROOT, ".tmp/train-test/resolved.json"), "utf8")) as { params: Record<string, unknown> };
    expect(resolved.params).toEqual({ users: 2000, dim: 32, items: 5000, temperature: 0.05 });
    const missing = await main(["train", "--backend", "tensorflow", "examples/two_tower/model.rec"], io);
    expect(missing).toBe(1);
    expect(stderr).toContain("the tensorflow backend needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node");
  });
});

describe("sample_categorical", () => {
  // Random, so no exact conformance: instead, draws must follow the policy. With 20,000 draws
  // the count of an action with probability p has standard deviation sqrt(n p (1 − p)) ≤ 71; a
  // bias of 1% of n (200) is about 3–6 deviations, far outside the 4.5-deviation band allowed.
  for (const backend of ["cpu", "wasm"] as const) {
    it(`draws actions with the policy's probabilities on ${backend}, and a temperature flattens them`, async () => {
      await useBackend(backend);
      const { KERNELS } = await import("../runtime/src/tfjs/kernels/index.js");
      const probabilities = [0.1, 0.2, 0.7];
      const n = 20_000;
      const draw = async (temperature: number, seed: number) => {
        const policy = tf.log(tf.tile(tf.tensor2d([probabilities]), [n, 1]));
        const step = { id: 1, op: "sample_categorical", inputs: [0], attrs: { temperature }, type: { dtype: "id" as const, shape: [n] } };
        const actions = KERNELS["sample_categorical"]!([policy], { step, dim: (v) => Number(v), training: false, seed, inputSteps: [] });
        const counts = [0, 0, 0];
        for (const a of await actions.data()) counts[a]!++;
        tf.dispose([policy, actions]);
        return counts;
      };
      const counts = await draw(1, 11);
      probabilities.forEach((p, a) => expect(Math.abs(counts[a]! - n * p), `action ${a}: ${counts[a]} of ${n}`).toBeLessThan(4.5 * Math.sqrt(n * p * (1 - p))));
      // Temperature 2: probabilities ∝ p^(1/2) = [0.316, 0.447, 0.837] / 1.6 → [0.198, 0.280, 0.523].
      const flat = await draw(2, 12);
      const tempered = probabilities.map(Math.sqrt);
      const total = tempered.reduce((x, y) => x + y, 0);
      tempered.forEach((q, a) => expect(Math.abs(flat[a]! - (n * q) / total)).toBeLessThan(4.5 * Math.sqrt(n * (q / total) * (1 - q / total))));
      expect(await draw(1, 11)).toEqual(counts); // Seeded.
    });
  }
});
