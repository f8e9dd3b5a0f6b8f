// Starting the torch engine for a run or an experiment's arm: the generated package written to a
// folder, a Python process training it from the executor's weights. In: the plan, its source,
// the executor, the train block's settings, the folder, device, threads, seed. Out: a
// TorchTrainer the training loop drives; trainClosing ends its process whatever happens.

import { BackendUnavailable } from "../runtime/src/tfjs/backends.js";
import type { Executor } from "../runtime/src/tfjs/executor.js";
import type { Plan, PlanSettings } from "../runtime/src/plan.js";
import { writeTorchPackage } from "../runtime/src/torch/package.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { TorchTrainer } from "../runtime/src/torch/torch-trainer.js";
import { pipelineSettingsOf } from "../runtime/src/tfjs/train/gradient-pipeline.js";

export interface TorchEngineRequest {
  readonly plan: Plan;
  readonly source: string;
  readonly executor: Executor;
  readonly settings: PlanSettings;
  readonly steps: number;
  readonly folder: string;
  readonly device: "cpu" | "cuda";
  readonly threads: number;
  readonly seed: number;
}

export async function startTorchEngine(request: TorchEngineRequest): Promise<TorchTrainer> {
  if (pipelineSettingsOf(request.settings)) {
    throw new BackendUnavailable(
      "the torch engine does not run the gradient pipeline (`gradients { … }` in the train " +
        "block) yet; train this model on a TensorFlow.js backend (--backend wasm, or auto)",
    );
  }
  const python = findTorchPython();
  if (typeof python === "string") throw new BackendUnavailable(`--backend torch: ${python}`);
  const { package: packageName } = writeTorchPackage(request.plan, request.source, request.folder);
  return TorchTrainer.start(request.executor, request.settings, request.steps, {
    python: python.python,
    folder: request.folder,
    packageName,
    device: request.device,
    threads: request.threads,
    seed: request.seed,
  });
}

/** Runs the training loop, closing the torch process whether it ends or fails. */
export async function trainClosing<T>(engine: TorchTrainer | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    await engine?.close();
  }
}
