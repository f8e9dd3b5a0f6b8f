// bench/train: milliseconds per training step of SASRec (examples/sasrec/model.rec: 2 layers,
// d = 64, 2 heads, length 50, 20,000 items, batch 128, in-batch softmax, Adam) compiled from
// .rec, against the same model hand-written in tfjs (bench/sasrec-handwritten.ts), on the same
// backend in the same run, for each backend present. Target: compiled / hand-written ≤ 1.0.

import { batchOfTensors } from "../runtime/src/tfjs/feeds.js";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { Trainer } from "../runtime/src/tfjs/train/trainer.js";
import { writeTorchPackage } from "../runtime/src/torch/package.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { TorchTrainer } from "../runtime/src/torch/torch-trainer.js";
import { handWrittenSasrec } from "./sasrec-handwritten.js";

const BATCH = 128;
const LENGTH = 50;
const ITEMS = 20_000;

function batch(seed: number) {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const history = tf.tensor2d(
    Int32Array.from({ length: BATCH * LENGTH }, () => Math.floor(next() * ITEMS)),
    [BATCH, LENGTH],
    "int32",
  );
  const mask = tf.tensor2d(
    Uint8Array.from({ length: BATCH * LENGTH }, (_, i) => (i % LENGTH >= 5 ? 1 : 0)),
    [BATCH, LENGTH],
    "bool",
  );
  const target = tf.tensor1d(
    Int32Array.from({ length: BATCH }, () => Math.floor(next() * ITEMS)),
    "int32",
  );
  return { history, mask, target };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchTrain(
  backends: readonly ("wasm" | "cpu")[] = ["wasm", "cpu"],
  steps = { wasm: 8, cpu: 3 },
): Promise<{ text: string; compiled: Partial<Record<"wasm" | "cpu", number>> }> {
  const measured: Partial<Record<"wasm" | "cpu", number>> = {};
  const plan = compileFiles([join(process.cwd(), "examples/sasrec/model.rec")]).plans[0]!;
  const lines = ["train: SASRec, 2 layers, d=64, 2 heads, length 50, 20,000 items, batch 128, Adam"];
  for (const backend of backends) {
    await useBackend(backend);
    const data = batch(1);
    const n = steps[backend];
    // Compiled.
    const executor = new Executor(plan, 0);
    const trainer = new Trainer(executor, { optimizer: "adam(lr = 0.001)" }, n + 2);
    const feeds = new Map<string, tf.Tensor>([
      ["history", data.history],
      ["history_mask", data.mask],
      ["target", data.target],
    ]);
    const compiledTimes: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      const start = performance.now();
      await trainer.stepFeeds(i, feeds, 0);
      if (i >= 2) compiledTimes.push(performance.now() - start);
    }
    executor.dispose();
    // Hand-written.
    const model = handWrittenSasrec();
    const optimizer = tf.train.adam(0.001);
    const handTimes: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      const start = performance.now();
      const loss = optimizer.minimize(() => model.loss(data.history, data.mask, data.target), true, model.variables);
      loss!.dataSync();
      loss!.dispose();
      if (i >= 2) handTimes.push(performance.now() - start);
    }
    model.variables.forEach((v) => v.dispose());
    tf.dispose([data.history, data.mask, data.target]);
    const compiled = median(compiledTimes);
    const hand = median(handTimes);
    measured[backend] = compiled;
    lines.push(
      `  ${backend.padEnd(4)}  compiled ${compiled.toFixed(0)} ms/step, hand-written ` +
        `${hand.toFixed(0)} ms/step, ratio ${(compiled / hand).toFixed(2)} (target ≤ ` +
        `${backend === "wasm" ? "0.8, issue 23" : "1.0"}; median of ${n} steps after 2 warm-up)`,
    );
  }
  return { text: lines.join("\n"), compiled: measured };
}

/**
 * The torch engine on the same SASRec: the compiled model trained through a torch process
 * (batches over the pipe, as `rec train --backend torch` feeds them) against the hand-written
 * PyTorch model (bench/sasrec_handwritten.py), same shapes, same threads, in the same run; the
 * share of a step spent feeding (the round trip minus the process's own time); and the speed-up
 * over the compiled model on wasm when that was measured.
 */
export async function benchTorch(steps = 10, wasmMs?: number): Promise<string> {
  const python = findTorchPython();
  if (typeof python === "string") return `train on torch: skipped (${python})`;
  await useBackend("cpu");
  const plan = compileFiles([join(process.cwd(), "examples/sasrec/model.rec")]).plans[0]!;
  const folder = join(process.cwd(), ".tmp", "bench-torch");
  mkdirSync(folder, { recursive: true });
  const { package: packageName } = writeTorchPackage(plan, "examples/sasrec/model.rec", folder);
  const executor = new Executor(plan, 0);
  const trainer = await TorchTrainer.start(executor, { optimizer: "adam(lr = 0.001)" }, steps + 2, {
    python: python.python,
    folder,
    packageName,
    device: "cpu",
    threads: 0,
    seed: 0,
  });
  const data = batch(1);
  const feeds = new Map<string, tf.Tensor>([
    ["history", data.history],
    ["history_mask", data.mask],
    ["target", data.target],
  ]);
  const wired = batchOfTensors(feeds);
  const roundTrips: number[] = [];
  const computes: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const start = performance.now();
    await trainer.step(i, wired, 0);
    if (i >= 2) (roundTrips.push(performance.now() - start), computes.push(trainer.lastStepSeconds * 1000));
  }
  await trainer.close();
  executor.dispose();
  tf.dispose([data.history, data.mask, data.target]);
  // Compute alone, compiled and hand-written alternating step by step in one process (the
  // machine's load drifts; interleaving gives both the same); the pipe adds `feeding` on top.
  const both = spawnSync(python.python, [join(process.cwd(), "bench/sasrec_handwritten.py"), String(steps * 2), "0", folder], { encoding: "utf8" });
  if (both.status !== 0) return `train on torch: the hand-written model failed: ${both.stderr}`;
  const medians = JSON.parse(both.stdout.trim()) as { hand_written: number; compiled: number };
  // Issue 23's yardstick: the compiled wasm step against the hand-written PyTorch step on one thread.
  const oneThread = wasmMs
    ? spawnSync(python.python, [join(process.cwd(), "bench/sasrec_handwritten.py"), String(steps), "1", folder], { encoding: "utf8" })
    : undefined;
  const oneThreadMs = oneThread?.status === 0 ? (JSON.parse(oneThread.stdout.trim()) as { hand_written: number }).hand_written : undefined;
  const roundTrip = median(roundTrips);
  const feeding = median(roundTrips.map((t, i) => (t - computes[i]!) / t));
  const compiled = medians.compiled / (1 - feeding);
  return [
    `train on torch ${python.torch} (${python.python}), the same SASRec:`,
    `  torch compiled ${compiled.toFixed(0)} ms/step (its compute ` +
      `${medians.compiled.toFixed(0)} ms alternating with the hand-written model's, plus ` +
      `feeding), hand-written PyTorch ${medians.hand_written.toFixed(0)} ms/step, ratio ` +
      `${(compiled / medians.hand_written).toFixed(2)} (target ≤ 1.05; medians of ${steps * 2} ` +
      `steps after 2 warm-up)`,
    `  through rec's pipe: ${roundTrip.toFixed(0)} ms/step, feeding ${(100 * feeding).toFixed(1)}% of it (target < 5%)`,
    ...(wasmMs ? [`  speed-up of torch over wasm, compiled: ${(wasmMs / roundTrip).toFixed(1)}×`] : []),
    ...(wasmMs && oneThreadMs
      ? [
          `  compiled wasm ÷ hand-written PyTorch on one thread: ${wasmMs.toFixed(0)} ÷ ` +
            `${oneThreadMs.toFixed(0)} ms = ${(wasmMs / oneThreadMs).toFixed(1)}× (issue 23's target ≤ ` +
            `4×)`,
        ]
      : []),
  ].join("\n");
}
