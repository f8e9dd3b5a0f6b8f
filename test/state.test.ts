// Module state (`state` declarations and `update` statements, std/nn BatchNorm and Dice): the
// running statistics follow PyTorch's update rule step by step, normalize outside training,
// are never trained, and move alike on both engines. A killed run resumed from its checkpoint
// ends with the same statistics and metrics as an uninterrupted one: test/repro/state-resume.test.ts.

import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { readSafetensors } from "../runtime/src/checkpoint/safetensors.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { Trainer } from "../runtime/src/tfjs/train/trainer.js";
import { main } from "../cli/main.js";
import { ROOT } from "./harness/repo.js";
import { findTorchPython } from "../runtime/src/torch/python.js";

const SPEC = "test/corpus/state/batchnorm.rec";
const plan = compileFiles([join(ROOT, SPEC)]).plans[0]!;

describe("module state", () => {
  it("is a plan parameter of its own group, set by the train entry's updates", () => {
    const states = plan.params.filter((p) => p.group === "state").map((p) => p.name);
    expect(states).toEqual([
      "norm.running_mean",
      "norm.running_var",
      "dice.norm.running_mean",
      "dice.norm.running_var",
      "average.moving_average.value",
      "average.moving_average.steps",
    ]);
    expect(Object.keys(plan.entries.train.updates ?? {}).sort()).toEqual([...states].sort());
  });

  it("follows running ← 0.9 running + 0.1 statistic (unbiased variance) and normalizes with it outside training", async () => {
    await useBackend("cpu");
    const executor = new Executor(plan, 2);
    const trainer = new Trainer(executor, { optimizer: "sgd(lr = 0.0)" }, 5, 2);
    const rows = Array.from({ length: 8 }, (_, b) => Array.from({ length: 16 }, (_, j) => Math.sin(b * 16 + j) * (1 + j / 4)));
    const feeds = new Map<string, tf.Tensor>([
      ["features", tf.tensor2d(rows)],
      ["converted", tf.tensor1d([0, 1, 0, 1, 1, 0, 0, 1])],
    ]);
    for (let step = 0; step < 5; step++) await trainer.stepFeeds(step, feeds, 2);
    const column = (j: number) => rows.map((r) => r[j]!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const unbiased = (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
    const kept = 0.9 ** 5;
    const runningMean = await executor.params.get("norm.running_mean")!.data();
    const runningVar = await executor.params.get("norm.running_var")!.data();
    for (let j = 0; j < 16; j++) {
      expect(runningMean[j]).toBeCloseTo((1 - kept) * mean(column(j)), 5);
      expect(runningVar[j]).toBeCloseTo(kept + (1 - kept) * unbiased(column(j)), 4);
    }
    // MovingAverage: bias-corrected, the average of a constant batch statistic is that statistic.
    const average = [...(await executor.run("predict", feeds).get("average")!.data())];
    average.forEach((v, j) => expect(v).toBeCloseTo(mean(column(j)), 5));
    expect((await executor.params.get("average.moving_average.steps")!.data())[0]).toBe(5);
    // Outside training an example's prediction depends on the running statistics, not on the
    // rest of its batch; while training it depends on the batch's statistics.
    const half = new Map<string, tf.Tensor>([...feeds].map(([name, t]) => [name, tf.slice(t, 0, 4)]));
    const outside = [...(await executor.run("predict", feeds).get("p")!.data())].slice(0, 4);
    const outsideHalf = [...(await executor.run("predict", half).get("p")!.data())];
    outsideHalf.forEach((v, i) => expect(v).toBeCloseTo(outside[i]!, 6));
    const inside = [...(await executor.run("predict", feeds, { training: true }).get("p")!.data())].slice(0, 4);
    const insideHalf = [...(await executor.run("predict", half, { training: true }).get("p")!.data())];
    expect(insideHalf.some((v, i) => Math.abs(v - inside[i]!) > 1e-4)).toBe(true);
    tf.dispose([...half.values()]);
    executor.dispose();
    tf.dispose([...feeds.values()]);
  });
});

const torch = findTorchPython();
describe.skipIf(typeof torch === "string")(`module state on the torch engine${typeof torch === "string" ? ` (skipped: ${torch})` : ""}`, () => {
  it("moves the running statistics as the tfjs trainer does", async () => {
    const scratch = join(ROOT, ".tmp", "state-torch");
    rmSync(scratch, { recursive: true, force: true });
    const io = { stdout: () => undefined, stderr: () => undefined, isTTY: false, cwd: ROOT, env: {} };
    const common = ["--steps", "30", "--batch", "64", "--seed", "5"];
    for (const backend of ["cpu", "torch"]) expect(await main(["train", ...common, "--backend", backend, "--out", join(scratch, backend), SPEC], io)).toBe(0);
    const state = (backend: string) => [...readSafetensors(join(scratch, backend, "checkpoint.safetensors")).tensors.get("dice.norm.running_var")!.data];
    const [tfjs, torchValues] = [state("cpu"), state("torch")];
    expect(tfjs.some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
    tfjs.forEach((v, i) => expect(Math.abs(v - torchValues[i]!)).toBeLessThan(1e-3 * Math.max(1, Math.abs(v))));
  });
});
