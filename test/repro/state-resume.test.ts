// Module state through a crash: a training run of a model with BatchNorm, Dice and a moving
// average, killed at a random point and resumed from its last checkpoint (`--resume`), ends with
// the same running statistics and the same metrics.jsonl as an uninterrupted run: the states
// travel in checkpoints like weights.

import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { readSafetensors } from "../../runtime/src/checkpoint/safetensors.js";
import { killTrainingAfter } from "../harness/kill-run.js";
import { ROOT } from "../harness/repo.js";

const SPEC = "test/corpus/state/batchnorm.rec";

describe("module state", () => {
  it("is saved in checkpoints and restored by --resume: a killed run ends as an uninterrupted one", async () => {
    const scratch = join(ROOT, ".tmp", "state-resume");
    rmSync(scratch, { recursive: true, force: true });
    const io = { stdout: () => undefined, stderr: () => undefined, isTTY: false, cwd: ROOT, env: {} };
    const common = ["--steps", "200", "--batch", "64", "--checkpoint-every", "10", "--backend", "cpu", "--seed", "3"];
    const whole = join(scratch, "whole");
    expect(await main(["train", ...common, "--out", whole, SPEC], io)).toBe(0);
    const killed = join(scratch, "killed");
    expect(await killTrainingAfter([...common, SPEC], killed, 15), "the run was killed before it finished").toBeLessThan(200);
    expect(await main(["train", "--resume", killed, "--backend", "cpu"], io)).toBe(0);
    const states = (dir: string) => {
      const { tensors } = readSafetensors(join(dir, "checkpoint.safetensors"));
      return ["norm.running_mean", "dice.norm.running_var"].map((n) => [...tensors.get(n)!.data]);
    };
    expect(states(killed)).toEqual(states(whole));
    expect(states(whole)[0]!.some((v) => v !== 0)).toBe(true);
    const curve = (dir: string) => readFileSync(join(dir, "metrics.jsonl"), "utf8");
    expect(curve(killed)).toEqual(curve(whole));
  });
});
