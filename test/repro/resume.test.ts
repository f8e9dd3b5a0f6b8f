// Crashes: a process killed while writing a checkpoint leaves the previous one whole (tried
// many times at random moments), and a training run killed midway and resumed with
// `rec train --resume` ends with the same loss curve and metrics as a run never interrupted.

import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { writeFileAtomic } from "../../runtime/src/atomic-write.js";
import { encodeSafetensors, readSafetensors } from "../../runtime/src/checkpoint/safetensors.js";
import { killTrainingAfter } from "../harness/kill-run.js";
import { ROOT } from "../harness/repo.js";

const scratch = join(ROOT, ".tmp", "resume-test");
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A child that saves ever-newer 16 MB checkpoints (every value = the version), saying "w" just
 * before each write and "d" after it (stdout to a pipe is synchronous on Linux).
 */
const WRITER = `
import { writeFileAtomic } from "${join(ROOT, "dist/runtime/src/atomic-write.js")}";
import { encodeSafetensors } from "${join(ROOT, "dist/runtime/src/checkpoint/safetensors.js")}";
const path = process.argv[2];
for (let version = 1; ; version++) {
  const data = new Float32Array(4_000_000).fill(version);
  const bytes = encodeSafetensors(new Map([["w", { dtype: "F32", shape: [data.length], data }]]), { version: String(version) });
  process.stdout.write("w\\n");
  writeFileAtomic(path, bytes);
  process.stdout.write("d\\n");
}
`;

describe("a checkpoint write killed midway", () => {
  it("leaves the last complete checkpoint, every time", async () => {
    const path = join(scratch, "killed.safetensors");
    writeFileAtomic(path, encodeSafetensors(new Map([["w", { dtype: "F32", shape: [1], data: Float32Array.of(0) }]]), { version: "0" }));
    writeFileSync(join(scratch, "writer.mjs"), WRITER);
    let previous = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      const child = spawn(process.execPath, [join(scratch, "writer.mjs"), path], { stdio: ["ignore", "pipe", "inherit"] });
      let saved = 0;
      let writing = false;
      child.stdout.on("data", (chunk: Buffer) => {
        for (const mark of String(chunk).split("\n").filter(Boolean)) {
          writing = mark === "w";
          if (mark === "d") saved++;
        }
      });
      // After a save or two, kill a few milliseconds into a write.
      while (saved < 1 + (attempt % 2) || !writing) await sleep(1);
      await sleep(Math.random() * 8);
      child.kill("SIGKILL");
      await new Promise((r) => child.on("exit", r));
      const { tensors, metadata } = readSafetensors(path);
      const version = Number(metadata["version"]);
      const values = tensors.get("w")!.data;
      expect(values.length).toBe(4_000_000);
      expect(values.every((v) => v === version)).toBe(true);
      expect(version).toBeGreaterThanOrEqual(1);
      previous = version;
    }
    expect(previous).toBeGreaterThan(0);
    // The kills did land mid-save: the temporary files of interrupted writes are left behind.
    expect(readdirSync(scratch).filter((f) => f.startsWith(".killed.safetensors.") && f.endsWith(".tmp")).length).toBeGreaterThanOrEqual(3);
  });
});

describe("rec train --resume", () => {
  it("continues a killed run to the same loss curve and metrics as an uninterrupted one", async () => {
    const io = { stdout: () => undefined, stderr: () => undefined, isTTY: false, cwd: ROOT, env: {} };
    const common = ["--steps", "160", "--batch", "128", "--checkpoint-every", "10", "--backend", "wasm", "--seed", "4"];
    const whole = join(scratch, "whole");
    expect(await main(["train", ...common, "--out", whole, "examples/ctr/model.rec"], io)).toBe(0);

    const killed = join(scratch, "killed");
    expect(await killTrainingAfter([...common, "examples/ctr/model.rec"], killed, 25), "the run was killed before it finished").toBeLessThan(160);

    let stderr = "";
    expect(await main(["train", "--resume", killed, "--backend", "wasm"], { ...io, stderr: (t: string) => (stderr += t) }), stderr).toBe(0);
    expect(stderr).toMatch(/resuming CTR in .* at step \d+0 of 160/);
    const curve = (dir: string) =>
      readFileSync(join(dir, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { step: number; loss: number; metrics?: object });
    const a = curve(whole);
    const b = curve(killed);
    expect(b.map((r) => r.step)).toEqual(a.map((r) => r.step));
    expect(b).toEqual(a);
  });

  it("continues a killed run with sparse embedding tables (row-wise Adagrad) to the same curve and metrics", async () => {
    const io = { stdout: () => undefined, stderr: () => undefined, isTTY: false, cwd: ROOT, env: {} };
    // The two-tower example with its tables under rowwise_adagrad: a copy of the spec beside it.
    const spec = join(scratch, "two_tower_rowwise.rec");
    writeFileSync(
      spec,
      readFileSync(join(ROOT, "examples/two_tower/model.rec"), "utf8").replace("embeddings = adagrad(lr = 0.05)", "embeddings = rowwise_adagrad(lr = 0.05)"),
    );
    const common = ["--steps", "60", "--batch", "64", "--checkpoint-every", "10", "--backend", "wasm", "--seed", "2"];
    const whole = join(scratch, "sparse-whole");
    expect(await main(["train", ...common, "--out", whole, spec], io)).toBe(0);
    const killed = join(scratch, "sparse-killed");
    expect(await killTrainingAfter([...common, spec], killed, 25), "the run was killed before it finished").toBeLessThan(60);
    expect(await main(["train", "--resume", killed, "--backend", "wasm"], io)).toBe(0);
    const curve = (dir: string) =>
      readFileSync(join(dir, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as object);
    expect(curve(killed)).toEqual(curve(whole));
  });
});
