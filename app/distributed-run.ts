// `rec train --backend torch --nproc N`: training in N processes under torchrun. In: the run's
// executor (initial weights), data, options and folder. Out: the step reports, as a run on one
// process gives them. The model is exported into `<run>/torch/` (package, batches, train.py),
// torchrun starts N ranks with DistributedDataParallel (gloo on CPU, nccl on GPUs), each rank's
// loss line becomes a step report as it arrives; the final weights come back into the executor,
// the held-out metrics are computed there, and the run folder gets the checkpoint as usual.
// Not here (yet): evaluation during training, early stopping and --resume of a distributed run.

import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { BackendUnavailable } from "../runtime/src/tfjs/backends.js";
import { loadCheckpoint } from "../runtime/src/checkpoint/checkpoint.js";
import type { DataSet } from "../runtime/src/data/batch.js";
import type { Executor } from "../runtime/src/tfjs/executor.js";
import type { PlanSettings } from "../runtime/src/plan.js";
import { TorchProcessError } from "../runtime/src/torch/bridge.js";
import { exportTorch } from "../runtime/src/torch/export.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { optimizerGroups } from "../runtime/src/torch/train-config.js";
import { evaluateMetrics } from "../runtime/src/tfjs/train/evaluate.js";
import { learningRateFactor } from "../runtime/src/train/schedule.js";
import type { StepReport, TrainOptions } from "../runtime/src/tfjs/train/trainer.js";

export interface DistributedRequest {
  readonly source: string;
  readonly folder: string;
  readonly nproc: number;
  readonly device: "cpu" | "cuda";
  readonly threads: number;
}

export async function trainDistributed(
  executor: Executor,
  settings: PlanSettings,
  data: DataSet,
  options: TrainOptions,
  request: DistributedRequest,
): Promise<StepReport[]> {
  const python = findTorchPython();
  if (typeof python === "string") throw new BackendUnavailable(`--backend torch: ${python}`);
  if (options.batch % request.nproc)
    throw new BackendUnavailable(`--nproc ${request.nproc}: the batch of ${options.batch} does not divide among ${request.nproc} processes`);
  await exportTorch(executor, data, {
    source: request.source,
    folder: request.folder,
    settings,
    steps: options.steps,
    batch: options.batch,
    seed: options.seed,
  });
  const { setup, groups } = optimizerGroups(executor, settings, options.steps);
  const out = join(request.folder, "run");
  // torch 1.13's torchrun on Python 3.11 needs explicit --redirects/--tee (reclang_torch/train.py).
  const args = [
    "-m",
    "torch.distributed.run",
    "--standalone",
    `--nproc_per_node=${request.nproc}`,
    "--redirects",
    "2",
    "--tee",
    "1",
    join(request.folder, "train.py"),
    "--out",
    out,
    "--device",
    request.device,
    ...(request.threads ? ["--threads", String(request.threads)] : []),
  ];
  const child = spawn(python.python, args, { cwd: request.folder, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-6000)));
  const reports: StepReport[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const json = /\{.*\}\s*$/.exec(line)?.[0];
    if (!json) continue;
    const { step, loss } = JSON.parse(json) as { step: number; loss: number };
    const report: StepReport = { step, loss, lr: (groups[0]?.lr ?? 0) * learningRateFactor(setup.schedule, step - 1) };
    reports.push(report);
    if (step < options.steps) options.onStep?.(report);
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", resolve)));
  if (code !== 0)
    throw new TorchProcessError(`torchrun with ${request.nproc} processes failed (exit ${code}):\n${stderr.trim().split("\n").slice(-15).join("\n")}`);
  loadCheckpoint(executor, join(out, "checkpoint.safetensors"));
  const metrics = await evaluateMetrics(executor, data.heldOut(), options.evalBatches || data.heldOutBatches || 0, options.batch);
  const last = reports.pop();
  if (last) {
    const final = { ...last, metrics };
    reports.push(final);
    options.onStep?.(final);
  }
  return reports;
}
