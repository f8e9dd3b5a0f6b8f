// A killed torch run resumes to the same loss curve and metrics as an uninterrupted one (400
// steps of the CTR example, killed after 25; in the long tier for its length). Skipped, with the
// reason, where no Python with torch is installed.

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { decodeSafetensors, encodeSafetensors } from "../../runtime/src/checkpoint/safetensors.js";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTorchPython } from "../../runtime/src/torch/python.js";
import { killTrainingAfter } from "../harness/kill-run.js";
import { curve, rec } from "../harness/rec-cli.js";
import { ROOT } from "../harness/repo.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const scratch = join(ROOT, ".tmp", "torch-resume");
rmSync(scratch, { recursive: true, force: true });

describe.skipIf(typeof torch === "string")(`rec train --backend torch --resume${skip}`, () => {
  it("continues a killed run to the same loss curve and metrics as an uninterrupted one", async () => {
    const common = ["--steps", "400", "--batch", "128", "--checkpoint-every", "10", "--backend", "torch", "--threads", "1", "--seed", "4"];
    const whole = join(scratch, "whole");
    expect((await rec(["train", ...common, "--out", whole, "examples/ctr/model.rec"])).code).toBe(0);
    const killed = join(scratch, "killed");
    expect(await killTrainingAfter([...common, "examples/ctr/model.rec"], killed, 25), "the run was killed before it finished").toBeLessThan(400);
    const resumed = await rec(["train", "--resume", killed, "--backend", "torch", "--threads", "1"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming CTR in .* at step \d+0 of 400/);
    expect(curve(killed)).toEqual(curve(whole));
  });

  it("refuses optimizer state that does not fit (a transposed slot, a missing one, none), naming the slot and the weight", async () => {
    const out = join(scratch, "state");
    expect(
      (await rec(["train", "--steps", "4", "--batch", "16", "--checkpoint-every", "2", "--backend", "torch", "--out", out, "examples/ctr/model.rec"])).code,
    ).toBe(0);
    const path = join(out, "checkpoint.safetensors");
    const original = readFileSync(path);
    const { tensors, metadata } = decodeSafetensors(original);
    const slot = "optimizer.torch.0.logit.mlp.layers.0.kernel.exp_avg";
    const transposed = new Map(tensors).set(slot, { ...tensors.get(slot)!, shape: [...tensors.get(slot)!.shape].reverse() });
    const missing = new Map([...tensors].filter(([n]) => n !== slot));
    const absent = new Map([...tensors].filter(([n]) => !n.startsWith("optimizer.")));
    for (const [what, damaged, message] of [
      [
        "transposed",
        transposed,
        new RegExp(
          /the optimizer slot `optimizer\.torch\.0\.logit\.mlp\.layers\.0\.kernel\.exp_avg` has shape \[64, 61\], /.source +
            /but its weight `logit\.mlp\.layers\.0\.kernel` is \[61, 64\]/.source,
        ),
      ],
      [
        "missing",
        missing,
        /the optimizer slot `optimizer\.torch\.0\.logit\.mlp\.layers\.0\.kernel\.exp_avg` of the weight `logit\.mlp\.layers\.0\.kernel` is missing/,
      ],
      ["absent", absent, /holds no optimizer state for the torch engine/],
    ] as const) {
      writeFileSync(path, encodeSafetensors(damaged, metadata));
      const resumed = await rec(["train", "--resume", out, "--backend", "torch"]);
      expect(resumed.code, what).toBe(1);
      expect(resumed.stderr, what).toMatch(message);
    }
  });
});
