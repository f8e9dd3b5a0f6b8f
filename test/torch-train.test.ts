// Training on the torch engine through `rec train --backend torch`: it starts from the same
// weights as the tfjs backends (so the first steps' losses match cpu's), its checkpoints load on
// tfjs (eval of a torch run reports the metric the run reported), and a non-finite loss names
// the op. (A killed torch run resuming to the same curve: test/repro/torch-resume.test.ts.) Skipped, with the
// reason, where no Python with torch is installed.

import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { curve, rec } from "./harness/rec-cli.js";
import { ROOT } from "./harness/repo.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const scratch = join(ROOT, ".tmp", "torch-train");
rmSync(scratch, { recursive: true, force: true });

describe.skipIf(typeof torch === "string")(`rec train --backend torch${skip}`, () => {
  it("starts from the tfjs backends' weights: the first steps' losses match cpu's", async () => {
    const common = ["--steps", "5", "--batch", "64", "--seed", "3", "examples/two_tower/model.rec"];
    const onCpu = join(scratch, "cpu");
    const onTorch = join(scratch, "torch");
    expect((await rec(["train", "--backend", "cpu", "--out", onCpu, ...common])).code).toBe(0);
    const run = await rec(["train", "--backend", "torch", "--out", onTorch, ...common]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("on torch");
    const [a, b] = [curve(onCpu), curve(onTorch)];
    expect(b.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 0; i < a.length; i++)
      expect(Math.abs(b[i]!.loss - a[i]!.loss), `step ${i + 1}: ${b[i]!.loss} vs ${a[i]!.loss}`).toBeLessThan(1e-3 * Math.abs(a[i]!.loss));
    // The run folder carries the generated PyTorch package.
    expect(existsSync(join(onTorch, "torch", "rec_two_tower", "model.py"))).toBe(true);
  });

  it("writes checkpoints tfjs loads: eval on wasm reports the metric the torch run ended with", async () => {
    const out = join(scratch, "ctr");
    expect((await rec(["train", "--backend", "torch", "--steps", "60", "--out", out, "examples/ctr/model.rec"])).code).toBe(0);
    const last = curve(out).at(-1)!.metrics!;
    const evaluated = await rec(["eval", "--backend", "wasm", "--json", "--checkpoint", join(out, "checkpoint.safetensors"), "examples/ctr/model.rec"]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const metrics = JSON.parse(evaluated.stdout) as Record<string, number>;
    for (const [name, value] of Object.entries(last)) expect(Math.abs(metrics[name]! - value), name).toBeLessThan(1e-4);
  });

  it("stops before a non-finite update and names the op, as the tfjs backends do", async () => {
    const run = await rec(["train", "--backend", "torch", "--out", join(scratch, "log"), "log_of_zero.rec"], join(ROOT, "test", "hostile"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("came from `log` at line 10:17; the step was not applied");
  });

  it("auto measures both engines on the model and trains on the faster, saying so", async () => {
    const out = join(scratch, "auto");
    const run = await rec(["train", "--steps", "6", "--batch", "64", "--json", "--out", out, "examples/two_tower/model.rec"]);
    expect(run.code, run.stderr).toBe(0);
    const measured = /auto: (\w+) ([\d.]+) ms\/step, torch ([\d.]+) ms\/step .*: training on (\w+)/.exec(run.stderr);
    expect(measured, run.stderr).not.toBeNull();
    const [, tfjs, tfjsMs, torchMs, chosen] = measured!;
    expect(chosen).toBe(Number(torchMs) < Number(tfjsMs) ? "torch" : tfjs);
    expect((JSON.parse(run.stdout) as { backend: string }).backend).toBe(chosen);
  });
});
