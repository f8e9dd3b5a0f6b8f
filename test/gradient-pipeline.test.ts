// The gradient pipeline (runtime/src/tfjs/train/gradient-pipeline.ts) against its contracts: top-k
// with error feedback loses nothing over time, quantisation error stays within half a level,
// clipping bounds hold; in the trainer, a pipeline with no transform trains exactly as plain
// minibatch training, per-example clipping matches an independent computation, and `only`
// trains nothing else. Label privacy flips at the rate ε asks, once per example.

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { openData } from "../app/data.js";
import fc from "fast-check";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { endlessEpochs, type Examples } from "../runtime/src/data/examples.js";
import { flipProbability, randomizedResponse, withLabelPrivacy } from "../runtime/src/data/label-privacy.js";
import { mulberry32 } from "../runtime/src/data/random.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { prepareTraining } from "../runtime/src/train/epochs.js";
import { clipToNorm, GradientPipeline, quantize, topkWithFeedback } from "../runtime/src/tfjs/train/gradient-pipeline.js";
import { Trainer, TrainingError, trainOptionsFrom } from "../runtime/src/tfjs/train/trainer.js";
import { ROOT } from "./harness/repo.js";

const vector = fc
  .array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 64 })
  .map((xs) => Float32Array.from(xs));

describe("gradient transforms", () => {
  it("top-k with error feedback sends, over the steps, everything it was given (what it holds back is the residual)", () => {
    fc.assert(
      fc.property(fc.array(vector, { minLength: 1, maxLength: 6 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (steps, fraction) => {
        const n = steps[0]!.length;
        const residual = new Float32Array(n);
        const [given, sent] = [new Float64Array(n), new Float64Array(n)];
        for (const raw of steps) {
          const g = Float32Array.from({ length: n }, (_, i) => raw[i % raw.length]!);
          g.forEach((v, i) => (given[i]! += v));
          const kept = topkWithFeedback(g, residual, fraction);
          expect(kept).toBe(Math.min(n, Math.max(1, Math.ceil(fraction * n))));
          expect(g.filter((v) => v !== 0).length).toBeLessThanOrEqual(kept);
          g.forEach((v, i) => (sent[i]! += v));
        }
        given.forEach((v, i) => expect(sent[i]! + residual[i]!).toBeCloseTo(v, 2));
      }),
    );
  });

  it("adds Gaussian noise of standard deviation σ·C / B after clipping", () => {
    const pipeline = new GradientPipeline({ perExampleClip: 2, clip: 0, noise: 1.5, topk: 1, errorFeedback: true, bits: 32, only: [] }, 9);
    const values = new Float32Array(20_000);
    pipeline.transform(new Map([["w", values]]), 4);
    const sd = Math.sqrt(values.reduce((a, v) => a + v * v, 0) / values.length);
    expect(sd).toBeCloseTo((1.5 * 2) / 4, 1);
    expect(pipeline.last).toEqual({ floats: 20_000, bytes: 80_000 });
  });

  it("keeps the entries largest in magnitude", () => {
    const g = Float32Array.from([0.1, -5, 2, 0.3, -0.2, 4]);
    topkWithFeedback(g, undefined, 0.5);
    expect([...g]).toEqual([0, -5, 2, 0, 0, 4]);
  });

  it("quantises with an error of at most half a level", () => {
    fc.assert(
      fc.property(vector, fc.integer({ min: 2, max: 16 }), (values, bits) => {
        const before = Float32Array.from(values);
        const level = quantize(values, bits);
        values.forEach((v, i) => expect(Math.abs(v - before[i]!)).toBeLessThanOrEqual(level / 2 + 1e-4 * Math.abs(before[i]!) + 1e-6));
      }),
    );
  });

  it("clips to the bound, and leaves a smaller gradient alone", () => {
    fc.assert(
      fc.property(fc.array(vector, { minLength: 1, maxLength: 3 }), fc.double({ min: 0.01, max: 50, noNaN: true }), (tensors, bound) => {
        const norm = (ts: Float32Array[]) => Math.sqrt(ts.reduce((a, t) => a + t.reduce((b, v) => b + v * v, 0), 0));
        const before = norm(tensors);
        clipToNorm(tensors, bound);
        expect(norm(tensors)).toBeLessThanOrEqual(Math.max(bound, 0) * (1 + 1e-5) + 1e-6);
        if (before <= bound) expect(norm(tensors)).toBeCloseTo(before, 4);
      }),
    );
  });
});

describe("the gradient pipeline in training", () => {
  const text =
    `import { Dense } from "std/nn"\nmodel Linear {\n  dims B\n  input x: f32[B, 3]\n  input ` +
    `y: f32[B]\n  let first = Dense(2)\n  let second = Dense(1)\n  head h = ` +
    `second(first(x))[:, 0]\n  loss l = mean((h - y) * (h - y))\n}\n`;
  const plan = compile({ path: join(ROOT, "linear.rec"), text }).plans[0]!;
  const x = [
    [1, 2, 3],
    [0.5, -1, 2],
    [3, 0, -1],
    [-2, 1, 1],
  ];
  const y = [1, -2, 0.5, 3];
  const feeds = () =>
    new Map<string, tf.Tensor>([
      ["x", tf.tensor2d(x)],
      ["y", tf.tensor1d(y)],
    ]);
  const weightsAfter = async (settings: Record<string, unknown>) => {
    const executor = new Executor(plan, 3);
    const trainer = new Trainer(executor, { optimizer: "sgd(lr = 0.1)", ...settings } as never, 1, 3);
    const batch = feeds();
    await trainer.stepFeeds(0, batch, 3);
    tf.dispose([...batch.values()]);
    const out = Object.fromEntries([...executor.params].map(([k, v]) => [k, [...v.dataSync()]]));
    executor.dispose();
    return out;
  };

  it("with no transform trains exactly as minibatch training (batch aggregation is the mean it already takes)", async () => {
    await useBackend("cpu");
    expect(await weightsAfter({ gradients: {} })).toEqual(await weightsAfter({}));
  });

  it("clips each example's gradient before the mean, as an independent per-example computation does", async () => {
    await useBackend("cpu");
    const bound = 0.5;
    const initial = new Executor(plan, 3);
    const w = Object.fromEntries([...initial.params].map(([k, v]) => [k, [...v.dataSync()]]));
    initial.dispose();
    // Independent: per example, the gradient of (h − y)² through two dense layers by hand.
    const [k1, b1, k2, b2] = [w["first.kernel"]!, w["first.offset"]!, w["second.kernel"]!, w["second.offset"]!];
    const sum: Record<"k1" | "b1" | "k2" | "b2", number[]> = { k1: new Array<number>(6).fill(0), b1: [0, 0], k2: [0, 0], b2: [0] };
    for (let e = 0; e < 4; e++) {
      const hidden = [0, 1].map((j) => x[e]!.reduce((a, v, i) => a + v * k1[i * 2 + j]!, b1[j]!));
      const h = hidden[0]! * k2[0]! + hidden[1]! * k2[1]! + b2[0]!;
      const d = 2 * (h - y[e]!);
      const g = { k1: x[e]!.flatMap((v) => [0, 1].map((j) => d * k2[j]! * v)), b1: [0, 1].map((j) => d * k2[j]!), k2: hidden.map((v) => d * v), b2: [d] };
      const norm = Math.sqrt([...g.k1, ...g.b1, ...g.k2, ...g.b2].reduce((a, v) => a + v * v, 0));
      const scale = Math.min(1, bound / norm);
      for (const key of ["k1", "b1", "k2", "b2"] as const) g[key].forEach((v, i) => (sum[key][i]! += (scale * v) / 4));
    }
    const after = await weightsAfter({ gradients: { per_example_clip: bound } });
    const step = (values: number[], grads: number[]) => values.map((v, i) => v - 0.1 * grads[i]!);
    const expected = {
      "first.kernel": step(k1, sum.k1),
      "first.offset": step(b1, sum.b1),
      "second.kernel": step(k2, sum.k2),
      "second.offset": step(b2, sum.b2),
    };
    for (const [name, values] of Object.entries(expected)) values.forEach((v, i) => expect(after[name]![i], `${name}[${i}]`).toBeCloseTo(v, 5));
  });

  it("keeps error feedback's residuals in the optimizer state a checkpoint saves and a resume restores", async () => {
    await useBackend("cpu");
    const settings = { optimizer: "adam(lr = 0.1)", gradients: { topk: 0.25 } } as never;
    const first = new Executor(plan, 3);
    const trainer = new Trainer(first, settings, 2, 3);
    for (let step = 0; step < 2; step++) {
      const batch = feeds();
      await trainer.stepFeeds(step, batch, 3);
      tf.dispose([...batch.values()]);
    }
    const state = await trainer.optimizerState();
    expect(state.some((s) => s.name === "residual.first.kernel")).toBe(true);
    const resumed = new Trainer(new Executor(plan, 3), settings, 2, 3);
    await resumed.restoreOptimizerState(new Map(state.map((s) => [s.name, s.tensor])));
    for (const [name, residual] of trainer.pipeline!.residuals) expect([...resumed.pipeline!.residuals.get(name)!], name).toEqual([...residual]);
    first.dispose();
  });

  it("trains only the weights `only` names, and counts what it sends", async () => {
    await useBackend("cpu");
    const before = await weightsAfter({ gradients: {}, optimizer: "sgd(lr = 0)" });
    const executor = new Executor(plan, 3);
    const trainer = new Trainer(executor, { optimizer: "sgd(lr = 0.1)", gradients: { only: ["second"], topk: 0.5, bits: 8 } } as never, 1, 3);
    const batch = feeds();
    await trainer.stepFeeds(0, batch, 3);
    tf.dispose([...batch.values()]);
    expect([...executor.params.get("first.kernel")!.dataSync()]).toEqual(before["first.kernel"]);
    expect([...executor.params.get("second.kernel")!.dataSync()]).not.toEqual(before["second.kernel"]);
    // second: kernel 2 values → 1 sent, offset 1 → 1; each 1 byte + 4-byte scale + 4-byte index.
    expect(trainer.pipeline!.last).toEqual({ floats: 2, bytes: 2 * (1 + 4 + 4) });
    executor.dispose();
  });
});

describe("label privacy and epochs", () => {
  const examples = (n: number): Examples => ({
    count: n,
    columns: new Map([
      ["label", { data: Float32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0)), shape: [], dtype: "float32" as const }],
      ["id", { data: Int32Array.from({ length: n }, (_, i) => i), shape: [], dtype: "int32" as const }],
    ]),
  });
  const finiteData = (n: number) => {
    const e = examples(n);
    return { train: () => endlessEpochs(e, 1), heldOut: () => endlessEpochs(e, 1), skipped: { count: 0, examples: [] }, finite: async () => e };
  };

  it("flips labels with probability 1 / (1 + e^ε), and the one-sided variant only positives", () => {
    const labels = Float32Array.from({ length: 40_000 }, (_, i) => i % 2);
    for (const epsilon of [0.5, 1, 2]) {
      const rho = flipProbability(epsilon);
      const released = randomizedResponse(labels, { label: "y", epsilon, oneSided: false }, mulberry32(7));
      const rate = released.reduce((a, v, i) => a + (v !== labels[i] ? 1 : 0), 0) / labels.length;
      expect(Math.abs(rate - rho), `ε = ${epsilon}`).toBeLessThan(4 * Math.sqrt((rho * (1 - rho)) / labels.length));
      const oneSided = randomizedResponse(labels, { label: "y", epsilon, oneSided: true }, mulberry32(7));
      oneSided.forEach((v, i) => labels[i] === 0 && expect(v).toBe(0));
    }
  });

  it("releases each example's label once: every epoch sees the same noisy labels, held-out data the true ones", async () => {
    await useBackend("cpu");
    const data = withLabelPrivacy(finiteData(256), { label: "label", epsilon: 0.5, oneSided: false }, 3);
    const stream = data.train();
    const byId = new Map<number, number>();
    let changed = 0;
    for (let b = 0; b < 8; b++) {
      const batch = (await stream.next(64))!;
      const [ids, labels] = [feedsOf(batch).get("id")!.dataSync(), feedsOf(batch).get("label")!.dataSync()];
      ids.forEach((id, i) => {
        if (byId.has(id)) expect(labels[i], `example ${id}`).toBe(byId.get(id));
        byId.set(id, labels[i]!);
        if (labels[i] !== (id % 4 === 0 ? 1 : 0)) changed++;
      });
      tf.dispose([...feedsOf(batch).values()]);
    }
    expect(changed).toBeGreaterThan(0);
    const held = (await data.heldOut().next(256))!;
    const [ids, labels] = [feedsOf(held).get("id")!.dataSync(), feedsOf(held).get("label")!.dataSync()];
    ids.forEach((id, i) => expect(labels[i]).toBe(id % 4 === 0 ? 1 : 0));
  });

  it("counts epochs over a file's training split, each a new shuffle of the same rows", async () => {
    await useBackend("cpu");
    const plan = compileFiles([join(ROOT, "examples/ctr/model.rec")]).plans[0]!;
    const settings = plan.train[0]!.settings;
    const data = await openData(plan, settings["data"] as string, { seed: 1, baseDir: join(ROOT, "examples/ctr") });
    const rows = (await data.finite!()).count;
    const { data: prepared, options } = await prepareTraining(
      data,
      { ...settings, epochs: 2 },
      trainOptionsFrom({ ...settings, epochs: 2 }, { seed: 1, batch: 1000 }),
    );
    expect([options.steps, options.stepsPerEpoch]).toEqual([2 * Math.ceil(rows / 1000), Math.ceil(rows / 1000)]);
    const stream = prepared.train();
    const epoch = async () => {
      const labels: number[] = [];
      for (let step = 0; step < options.stepsPerEpoch!; step++) {
        const batch = (await stream.next(1000))!;
        labels.push(
          ...feedsOf(batch)
            .get("dense")!
            .dataSync()
            .filter((_, i) => i % 13 === 0),
        );
        tf.dispose([...feedsOf(batch).values()]);
      }
      return labels;
    };
    const [first, second] = [await epoch(), await epoch()];
    expect(first.length).toBe(rows);
    expect(first).not.toEqual(second);
    expect([...first].sort()).toEqual([...second].sort());
  });

  it("turns epochs into steps over the training split, and refuses epochs over an endless world", async () => {
    const options = trainOptionsFrom({ epochs: 3, batch: 100 });
    const { options: prepared } = await prepareTraining(finiteData(250), { epochs: 3 }, options);
    expect([prepared.steps, prepared.stepsPerEpoch]).toEqual([9, 3]);
    const endless = { train: () => endlessEpochs(examples(4), 1), heldOut: () => endlessEpochs(examples(4), 1), skipped: { count: 0, examples: [] } };
    await expect(prepareTraining(endless, { epochs: 3 }, options)).rejects.toThrow(TrainingError);
  });
});
