// bench/train: milliseconds per training step of SASRec (examples/sasrec/model.rec: 2 layers,
// d = 64, 2 heads, length 50, 20,000 items, batch 128, in-batch softmax, Adam) compiled from
// .rec, against the same model hand-written in tfjs (bench/sasrec-handwritten.ts), on the same
// backend in the same run, for each backend present. Target: compiled / hand-written ≤ 1.0.

import { join } from "node:path";
import { compileFiles } from "../compiler/src/driver.js";
import { useBackend } from "../runtime/src/backends.js";
import { Executor } from "../runtime/src/executor.js";
import { tf } from "../runtime/src/tf.js";
import { Trainer } from "../runtime/src/train/trainer.js";
import { handWrittenSasrec } from "./sasrec-handwritten.js";

const BATCH = 128;
const LENGTH = 50;
const ITEMS = 20_000;

function batch(seed: number) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const history = tf.tensor2d(Int32Array.from({ length: BATCH * LENGTH }, () => Math.floor(next() * ITEMS)), [BATCH, LENGTH], "int32");
  const mask = tf.tensor2d(Uint8Array.from({ length: BATCH * LENGTH }, (_, i) => (i % LENGTH >= 5 ? 1 : 0)), [BATCH, LENGTH], "bool");
  const target = tf.tensor1d(Int32Array.from({ length: BATCH }, () => Math.floor(next() * ITEMS)), "int32");
  return { history, mask, target };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchTrain(backends: readonly ("wasm" | "cpu")[] = ["wasm", "cpu"], steps = { wasm: 8, cpu: 3 }): Promise<string> {
  const plan = compileFiles([join(process.cwd(), "examples/sasrec/model.rec")]).plans[0]!;
  const lines = ["train: SASRec, 2 layers, d=64, 2 heads, length 50, 20,000 items, batch 128, Adam"];
  for (const backend of backends) {
    await useBackend(backend);
    const data = batch(1);
    const n = steps[backend];
    // Compiled.
    const executor = new Executor(plan, 0);
    const trainer = new Trainer(executor, { optimizer: "adam(lr = 0.001)" }, n + 2);
    const feeds = new Map<string, tf.Tensor>([["history", data.history], ["history_mask", data.mask], ["target", data.target]]);
    const compiledTimes: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      const start = performance.now();
      await trainer.step(i, feeds, 0);
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
    lines.push(`  ${backend.padEnd(4)}  compiled ${compiled.toFixed(0)} ms/step, hand-written ${hand.toFixed(0)} ms/step, ratio ${(compiled / hand).toFixed(2)} (target ≤ 1.0; median of ${n} steps after 2 warm-up)`);
  }
  return lines.join("\n");
}
