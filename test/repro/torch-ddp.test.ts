// The exported PyTorch package beyond one process: `rec export --format pytorch` writes a folder
// whose train.py follows the same loss curve as `rec train --backend torch` (same initial
// weights, same batches), and under torchrun with 2 processes on CPU (gloo) the same curve as 1
// process with the same global batch; a model with constant inputs (a graph's edges from a file)
// carries them in the folder, to every rank. Skipped, with the reason, where no Python with torch
// is installed.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { findTorchPython } from "../../runtime/src/torch/python.js";
import { ROOT } from "../harness/repo.js";
import { SMALL_GRAPH_SPEC } from "../harness/small-graph.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const scratch = join(ROOT, ".tmp", "torch-ddp");
rmSync(scratch, { recursive: true, force: true });

const losses = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as { loss: number }).loss);
const io = { stdout: () => undefined, stderr: () => undefined, isTTY: false, cwd: ROOT, env: {} };

describe.skipIf(typeof torch === "string")(`the exported package trains alone and under torchrun${skip}`, () => {
  const python = typeof torch === "string" ? "" : torch.python;
  const exported = join(scratch, "ctr");
  let torchrunArgs: string[] = [];

  it("train.py follows rec train --backend torch's curve (same weights, same batches)", async () => {
    const common = ["--steps", "30", "--seed", "2", "examples/ctr/model.rec"];
    let printed = "";
    expect(await main(["export", "--format", "pytorch", "--out", exported, ...common], { ...io, stdout: (t: string) => void (printed += t) })).toBe(0);
    torchrunArgs = /or in 2 processes: torchrun (.*) \S*train\.py\n/.exec(printed)![1]!.split(" ");
    const alone = spawnSync(python, [join(exported, "train.py"), "--threads", "1", "--out", join(exported, "one")], { encoding: "utf8" });
    expect(alone.status, alone.stderr).toBe(0);
    const run = join(scratch, "rec-train");
    expect(await main(["train", "--backend", "torch", "--threads", "1", "--out", run, ...common], io)).toBe(0);
    const [a, b] = [losses(join(run, "metrics.jsonl")), losses(join(exported, "one", "metrics.jsonl"))];
    expect(b.length).toBe(30);
    for (let i = 0; i < a.length; i++) expect(Math.abs(b[i]! - a[i]!), `step ${i + 1}`).toBeLessThanOrEqual(1e-5 * Math.abs(a[i]!));
  });

  it("2 processes with DistributedDataParallel (gloo), started by the torchrun command export prints, give 1 process's loss curve", () => {
    // The flags `rec export` prints (torch 1.13's torchrun on Python 3.11 needs --redirects/--tee).
    expect(torchrunArgs).toContain("--redirects");
    const two = spawnSync(
      python,
      ["-m", "torch.distributed.run", ...torchrunArgs, join(exported, "train.py"), "--threads", "1", "--out", join(exported, "two")],
      { encoding: "utf8" },
    );
    expect(two.status, two.stderr.slice(-3000)).toBe(0);
    const [a, b] = [losses(join(exported, "one", "metrics.jsonl")), losses(join(exported, "two", "metrics.jsonl"))];
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(Math.abs(b[i]! - a[i]!), `step ${i + 1}: ${b[i]} vs ${a[i]}`).toBeLessThanOrEqual(1e-5 * Math.abs(a[i]!));
  });

  it("carries constant inputs: the folder holds them, train.py and 2 processes follow rec train's curve", async () => {
    const dir = join(scratch, "graph");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "model.rec"), SMALL_GRAPH_SPEC);
    writeFileSync(join(dir, "graph.csv"), "src,dst,weight\n0,1,0.5\n1,2,1.0\n2,3,0.25\n5,0,2.0\n4,3,1.5\n");
    writeFileSync(join(dir, "pairs.csv"), `user,item\n${Array.from({ length: 40 }, (_, i) => `${i % 6},${(i * 7) % 4}`).join("\n")}\n`);
    const common = ["--steps", "12", "--seed", "3", join(dir, "model.rec")];
    const folder = join(dir, "export");
    expect(await main(["export", "--format", "pytorch", "--out", folder, ...common], io)).toBe(0);
    expect(readFileSync(join(folder, "data", "constants", "edge_weight.npy")).length).toBeGreaterThan(0);
    const alone = spawnSync(python, [join(folder, "train.py"), "--threads", "1", "--out", join(folder, "one")], { encoding: "utf8" });
    expect(alone.status, alone.stderr).toBe(0);
    const two = spawnSync(
      python,
      [
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "--redirects",
        "2",
        "--tee",
        "1",
        join(folder, "train.py"),
        "--threads",
        "1",
        "--out",
        join(folder, "two"),
      ],
      { encoding: "utf8" },
    );
    expect(two.status, two.stderr.slice(-3000)).toBe(0);
    const run = join(dir, "rec-train");
    expect(await main(["train", "--backend", "torch", "--threads", "1", "--out", run, ...common], io)).toBe(0);
    const [a, b, c] = [losses(join(run, "metrics.jsonl")), losses(join(folder, "one", "metrics.jsonl")), losses(join(folder, "two", "metrics.jsonl"))];
    expect(b.length).toBe(12);
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(b[i]! - a[i]!), `step ${i + 1}, train.py`).toBeLessThanOrEqual(1e-5 * Math.abs(a[i]!));
      expect(Math.abs(c[i]! - a[i]!), `step ${i + 1}, 2 processes`).toBeLessThanOrEqual(1e-5 * Math.abs(a[i]!));
    }
  });

  it("rec train --backend torch --nproc 2 ends with --nproc 1's loss and metrics, and writes the run's checkpoints", async () => {
    const common = ["train", "--backend", "torch", "--threads", "1", "--steps", "20", "--seed", "5", "examples/ctr/model.rec"];
    const [one, two] = [join(scratch, "nproc1"), join(scratch, "nproc2")];
    expect(await main([...common, "--out", one], io)).toBe(0);
    expect(await main([...common, "--nproc", "2", "--out", two], io)).toBe(0);
    const last = (dir: string) =>
      JSON.parse(readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").at(-1)!) as {
        step: number;
        loss: number;
        metrics: Record<string, number>;
      };
    const [a, b] = [last(one), last(two)];
    expect(b.step).toBe(20);
    expect(Math.abs(b.loss - a.loss)).toBeLessThanOrEqual(1e-5 * a.loss);
    for (const [name, value] of Object.entries(a.metrics)) expect(Math.abs(b.metrics[name]! - value), name).toBeLessThan(1e-4);
    expect(losses(join(two, "metrics.jsonl")).length).toBe(20);
    expect(await main(["eval", "--backend", "cpu", "--checkpoint", join(two, "checkpoint.safetensors"), "examples/ctr/model.rec"], io)).toBe(0);
  });
});
