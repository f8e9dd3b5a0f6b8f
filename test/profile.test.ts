// `rec train --profile`: steps 3–7 run under the profiler and train like the others (the same
// curve as without it); the profile attributes the forward pass to the spec's own lines and ops,
// lists every kernel of the step with the matrix products' share, and counts allocations. No
// timings are asserted: only where time is attributed, never how much.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import type { StepProfile } from "../runtime/src/tfjs/train/profile.js";
import { ROOT } from "./harness/repo.js";
import { findTorchPython } from "../runtime/src/torch/python.js";

const torch = findTorchPython();

async function train(out: string, extra: string[]) {
  rmSync(out, { recursive: true, force: true });
  let stderr = "";
  const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), isTTY: false, cwd: ROOT, env: {} };
  const code = await main(["train", "--backend", "cpu", "--steps", "8", "--batch", "32", "--out", out, ...extra, "examples/ctr/model.rec"], io);
  return { code, stderr };
}

describe("rec train --profile", () => {
  it("attributes the forward pass to the spec's lines and ops, and trains as without it", async () => {
    const dir = join(ROOT, ".tmp", "profile");
    const profiled = await train(join(dir, "profiled"), ["--profile"]);
    expect(profiled.code, profiled.stderr).toBe(0);
    expect(profiled.stderr).toMatch(/profile of steps 3, 4, 5, 6, 7 on cpu: .* ms a step; .*% in matrix products/);
    const profile = JSON.parse(readFileSync(join(dir, "profiled", "profile.json"), "utf8")) as StepProfile;
    expect(profile.steps).toEqual([3, 4, 5, 6, 7]);
    const spec = readFileSync(join(ROOT, "examples/ctr/model.rec"), "utf8").split("\n");
    // Every attributed line is a line of the spec holding code; the MLP's line is among them.
    for (const row of profile.forwardByLine) {
      const line = Number(/^line (\d+)$/.exec(row.name)?.[1]);
      expect(spec[line - 1], row.name).toMatch(/\S/);
    }
    const mlpLine = spec.findIndex((l) => l.includes("MLP([64, 32, 1])")) + 1;
    expect(profile.forwardByLine.map((r) => r.name)).toContain(`line ${mlpLine}`);
    expect(profile.forwardByOp.map((r) => r.name)).toEqual(expect.arrayContaining(["matmul", "gather"]));
    expect(
      profile.kernels.some((r) => /MatMul/.test(r.name)),
      profile.kernels.map((r) => r.name).join(),
    ).toBe(true);
    expect(profile.matmulShare).toBeGreaterThan(0);
    expect(profile.matmulShare).toBeLessThanOrEqual(1);
    expect(profile.tensorsPerStep).toBeGreaterThan(0);
    const plain = await train(join(dir, "plain"), []);
    expect(plain.code, plain.stderr).toBe(0);
    const curve = (d: string) => readFileSync(join(dir, d, "metrics.jsonl"), "utf8");
    expect(curve("profiled")).toEqual(curve("plain"));
  });

  it.skipIf(typeof torch === "string")(`refuses the torch engine with a clear message${typeof torch === "string" ? ` (skipped: ${torch})` : ""}`, async () => {
    const result = await train(join(ROOT, ".tmp", "profile", "torch"), ["--profile", "--backend", "torch"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--profile measures the tfjs engines");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("rec compare --profile", () => {
  it("profiles each arm's run of the first seed and writes profile-<arm>.json beside results.json", async () => {
    const dir = join(ROOT, ".tmp", "profile", "compare");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const spec = join(dir, "ctr.rec");
    const experiment =
      "\nexperiment Widths {\n  model = CTR\n  variants {\n    narrow {}\n    wide { dim = 32 " + '}\n  }\n  seeds = [1, 2]\n  report = ["auc"]\n}\n';
    const ctr = readFileSync(join(ROOT, "examples/ctr/model.rec"), "utf8").replace(
      '"data/impressions.parquet"',
      JSON.stringify(join(ROOT, "examples/ctr/data/impressions.parquet")),
    );
    writeFileSync(spec, ctr + experiment);
    let stderr = "";
    const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), isTTY: false, cwd: ROOT, env: {} };
    const common = ["compare", "--backend", "cpu", "--steps", "8", "--batch", "32", "--eval-batches", "1", "--results", join(dir, "results.json")];
    expect(await main([...common, "--profile", spec], io), stderr).toBe(0);
    for (const arm of ["narrow", "wide"]) {
      const profile = JSON.parse(readFileSync(join(dir, `profile-${arm}.json`), "utf8")) as StepProfile;
      expect(profile.steps).toEqual([3, 4, 5, 6, 7]);
      expect(profile.forwardByOp.map((r) => r.name)).toContain("matmul");
      expect(stderr).toContain(`${arm}, seed 1: profile of steps 3, 4, 5, 6, 7 on cpu`);
    }
    // One profile per arm: the second seed trains unprofiled.
    expect(stderr.match(/profile of steps/g)).toHaveLength(2);
    if (typeof torch !== "string") {
      stderr = "";
      expect(await main([...common, "--backend", "torch", "--profile", spec], io)).toBe(1);
      expect(stderr).toContain("--profile measures the tfjs engines");
    }
  });
});
