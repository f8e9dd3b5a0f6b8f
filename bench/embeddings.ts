// bench/embeddings: the two-tower example (examples/two_tower/model.rec: user and item tables of
// dim 32, Adagrad on the tables) trained with 5,000, 100,000, 1,000,000 and 10,000,000 items on
// wasm: examples per second and peak resident memory, each size in a process of its own (so
// peaks do not mix), all in the same run, tables trained sparsely (the default for adagrad) and,
// as the baseline, densely (`sparse = false`). Targets (issue 23): the 1,000,000-row step within
// 1.3× of the 5,000-row step, and peak memory at most 1.5 × (weights + optimizer state) plus the
// 5,000-row run's footprint.
//
// `node dist/bench/embeddings.js` runs it all; `node dist/bench/embeddings.js <items> <sparse|dense>`
// is one measurement (what the driver spawns), printing one JSON line.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { Trainer } from "../runtime/src/tfjs/train/trainer.js";
import type { PlanSettings } from "../runtime/src/plan.js";

const BATCH = 256;
const HISTORY = 20;
const USERS = 2_000;
const WARMUP = 3;
const STEPS = 15;

interface Measurement {
  readonly items: number;
  readonly mode: "sparse" | "dense";
  readonly msPerStep: number;
  readonly examplesPerSecond: number;
  readonly peakBytes: number;
  /** The tables' and layers' weights plus the optimizers' state, as trained. */
  readonly modelBytes: number;
}

/** A batch of ids drawn uniformly (every step touches new rows, the worst case for a sparse table). */
function batch(items: number, seed: number): Map<string, tf.Tensor> {
  let s = seed;
  const next = (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((s / 2 ** 31) * n);
  };
  return new Map<string, tf.Tensor>([
    [
      "user_id",
      tf.tensor1d(
        Int32Array.from({ length: BATCH }, () => next(USERS)),
        "int32",
      ),
    ],
    [
      "history",
      tf.tensor2d(
        Int32Array.from({ length: BATCH * HISTORY }, () => next(items)),
        [BATCH, HISTORY],
        "int32",
      ),
    ],
    [
      "history_mask",
      tf.tensor2d(
        Uint8Array.from({ length: BATCH * HISTORY }, (_, i) => (i % HISTORY >= 4 ? 1 : 0)),
        [BATCH, HISTORY],
        "bool",
      ),
    ],
    [
      "item_id",
      tf.tensor1d(
        Int32Array.from({ length: BATCH }, () => next(items)),
        "int32",
      ),
    ],
    ["item_logq", tf.fill([BATCH], -Math.log(items))],
  ]);
}

async function measureOne(items: number, mode: "sparse" | "dense"): Promise<Measurement> {
  await useBackend("wasm");
  const plan = compileFiles([join(process.cwd(), "examples/two_tower/model.rec")], { set: { items } }).plans[0]!;
  const settings: PlanSettings = { ...plan.train[0]!.settings, embeddings: mode === "sparse" ? "adagrad(lr = 0.05)" : "adagrad(lr = 0.05, sparse = false)" };
  const executor = new Executor(plan, 0);
  const trainer = new Trainer(executor, settings, WARMUP + STEPS, 0);
  let started = 0;
  for (let step = 0; step < WARMUP + STEPS; step++) {
    if (step === WARMUP) started = performance.now();
    const feeds = batch(items, step + 1);
    await trainer.stepFeeds(step, feeds, 0);
    tf.dispose([...feeds.values()]);
  }
  const msPerStep = (performance.now() - started) / STEPS;
  const weights = [...executor.params.values()].reduce((n, v) => n + v.size * 4, 0);
  const state = (await trainer.optimizerState()).reduce((n, s) => n + s.tensor.size * 4, 0);
  return {
    items,
    mode,
    msPerStep,
    examplesPerSecond: (BATCH * 1000) / msPerStep,
    peakBytes: process.resourceUsage().maxRSS * 1024,
    modelBytes: weights + state,
  };
}

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;

/** Every size in its own process, sparse then dense; the table with the ratios against 5,000 items. */
export function benchEmbeddings(sizes: readonly number[] = [5_000, 100_000, 1_000_000, 10_000_000]): string {
  const script = fileURLToPath(import.meta.url);
  const rows: Measurement[] = [];
  const failed: string[] = [];
  for (const mode of ["sparse", "dense"] as const) {
    for (const items of sizes) {
      const run = spawnSync(process.execPath, ["--max-old-space-size=16384", script, String(items), mode], { encoding: "utf8" });
      const line = run.stdout.trim().split("\n").pop() ?? "";
      if (run.status === 0 && line.startsWith("{")) rows.push(JSON.parse(line) as Measurement);
      else
        failed.push(
          `${items.toLocaleString("en-US")} items, ${mode}: ` +
            `${
              (run.stderr || run.stdout)
                .split("\n")
                .find((l) => /Error/.test(l))
                ?.trim() ?? `exit ${run.status}`
            }`,
        );
    }
  }
  const lines = [
    `embeddings: two-tower (examples/two_tower), dim 32, batch ${BATCH}, history ${HISTORY}, adagrad on the tables, wasm, ${STEPS} steps after ${WARMUP}`,
  ];
  lines.push(
    "| items | tables | ms/step | examples/s | step ÷ 5,000-row step | peak memory | weights + optimizer state | peak ÷ (1.5 × model + 5,000-row peak) |",
  );
  lines.push("|---:|---|---:|---:|---:|---:|---:|---:|");
  for (const row of rows) {
    const base = rows.find((r) => r.mode === row.mode && r.items === sizes[0]);
    const stepRatio = base ? (row.msPerStep / base.msPerStep).toFixed(2) : "–";
    const budget = base ? 1.5 * row.modelBytes + base.peakBytes : Number.NaN;
    lines.push(
      `| ${row.items.toLocaleString("en-US")} | ${row.mode} | ${row.msPerStep.toFixed(1)} | ` +
        `${row.examplesPerSecond.toFixed(0)} | ${stepRatio} | ${MiB(row.peakBytes)} | ` +
        `${MiB(row.modelBytes)} | ${(row.peakBytes / budget).toFixed(2)} |`,
    );
  }
  for (const f of failed) lines.push(`not measured: ${f}`);
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [items, mode] = process.argv.slice(2);
  if (items && (mode === "sparse" || mode === "dense")) process.stdout.write(`${JSON.stringify(await measureOne(Number(items), mode))}\n`);
  else process.stdout.write(`${benchEmbeddings()}\n`);
}
