// `--backend auto` for training: the fastest engine present, by measurement on the model itself.
// In: the plan and its .rec file, its train settings, its data set, the batch size and seed, the tfjs backend
// `auto` picked (wasm here), and where a torch package may be written. Out: "torch" or that tfjs
// backend, and a line saying what was measured. Each engine trains a few steps on its own copy of
// the initial weights and its own stream of batches (the run's stream and weights are untouched;
// bad rows skipped while measuring are not counted against the run); the median of the steps
// after the first two decides. Without a Python with torch, the tfjs backend is the answer.

import { bindConstants } from "../runtime/src/tfjs/feeds.js";
import type { DataSet } from "../runtime/src/data/batch.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import type { Plan, PlanSettings } from "../runtime/src/plan.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { Trainer, type StepEngine } from "../runtime/src/tfjs/train/trainer.js";
import { startTorchEngine } from "./torch-engine.js";
import { pipelineSettingsOf } from "../runtime/src/tfjs/train/gradient-pipeline.js";

const STEPS = 5;
const WARM_UP = 2;

export interface EngineChoice {
  readonly engine: string;
  readonly line: string;
}

export async function fastestEngine(
  plan: Plan,
  source: string,
  settings: PlanSettings,
  data: DataSet,
  batch: number,
  seed: number,
  tfjsBackend: string,
  torchFolder: string,
): Promise<EngineChoice> {
  if (typeof findTorchPython() === "string") return { engine: tfjsBackend, line: "" };
  if (pipelineSettingsOf(settings))
    return { engine: tfjsBackend, line: `auto: training on ${tfjsBackend} (the gradient pipeline runs on TensorFlow.js only)\n` };
  const skipped = { count: data.skipped.count, examples: data.skipped.examples.length, rows: new Set(data.skipped.rows) };
  const onTfjs = await medianStepMs(plan, data, batch, seed, async (executor) => new Trainer(executor, settings, STEPS, seed));
  const onTorch = await medianStepMs(plan, data, batch, seed, (executor) =>
    startTorchEngine({ plan, source, executor, settings, steps: STEPS, folder: torchFolder, device: "cpu", threads: 0, seed }),
  );
  data.skipped.count = skipped.count;
  data.skipped.examples.splice(skipped.examples);
  data.skipped.rows?.clear();
  for (const row of skipped.rows) data.skipped.rows?.add(row);
  const engine = onTorch < onTfjs ? "torch" : tfjsBackend;
  return {
    engine,
    line:
      `auto: ${tfjsBackend} ${onTfjs.toFixed(1)} ms/step, torch ${onTorch.toFixed(1)} ms/step ` +
      `(median of ${STEPS - WARM_UP} steps after ${WARM_UP}): training on ${engine}\n`,
  };
}

/**
 * The median milliseconds of a training step on one engine, over the steps after the first
 * two, on a fresh copy of the initial weights and the data's own stream of batches (the sweep's
 * `step_ms` cost uses it too).
 */
export async function medianStepMs(
  plan: Plan,
  data: DataSet,
  batch: number,
  seed: number,
  engineFor: (executor: Executor) => Promise<StepEngine & { close?(): Promise<void> }>,
): Promise<number> {
  const executor = new Executor(plan, seed);
  await bindConstants(executor, data);
  const engine = await engineFor(executor);
  const stream = data.train();
  const times: number[] = [];
  try {
    for (let step = 0; step < STEPS; step++) {
      const next = await stream.next(batch);
      if (!next) break;
      const started = performance.now();
      await engine.step(step, next, seed);
      if (step >= WARM_UP) times.push(performance.now() - started);
    }
  } finally {
    await engine.close?.();
    executor.dispose();
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.POSITIVE_INFINITY;
}
