// `rec export --format pytorch`: a folder that trains the model with torch and nothing else.
// In: a plan, its initial weights (an executor, fresh or loaded from a checkpoint), its data
// set, the run's steps, batch and seed. Out: the package (package.ts), `train.py` (runs
// reclang_torch/train.py, alone or under torchrun), `train_config.json`, `init.safetensors`,
// the encoded training batches as `data/train/<input>.npy` (step after step, batch rows each) and
// the model's constant inputs, whole, as `data/constants/<input>.npy` (every rank reads them).

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { saveCheckpoint, planHash } from "../checkpoint/checkpoint.js";
import type { DataSet } from "../data/batch.js";
import { bindConstants } from "../tfjs/feeds.js";
import type { Executor } from "../tfjs/executor.js";
import type { PlanSettings } from "../plan.js";
import { writeFileAtomic } from "../atomic-write.js";
import { type Tensor } from "../tfjs/tf.js";
import { optimizerGroups } from "./train-config.js";
import { encodeNpy, type NpyData } from "./npy.js";
import { writeTorchPackage } from "./package.js";
import { pythonString } from "../literals.js";
import { wireTensor } from "./torch-trainer.js";

/**
 * The torchrun command that starts an exported train.py in 2 processes. `--redirects 2 --tee 1`:
 * Debian's torch 1.13 on Python 3.11 fails with torchrun's defaults for both (its enum flags);
 * every later torchrun accepts them.
 */
export const TORCHRUN = "torchrun --standalone --nproc_per_node=2 --redirects 2 --tee 1";

export interface ExportOptions {
  readonly source: string;
  readonly folder: string;
  readonly settings: PlanSettings;
  readonly steps: number;
  readonly batch: number;
  readonly seed: number;
}

export async function exportTorch(executor: Executor, data: DataSet, options: ExportOptions): Promise<{ packageName: string; rows: number }> {
  const plan = executor.plan;
  mkdirSync(join(options.folder, "data", "train"), { recursive: true });
  await bindConstants(executor, data);
  writeConstants(executor.constants, join(options.folder, "data", "constants"));
  const { package: packageName } = writeTorchPackage(plan, options.source, options.folder);
  const { setup, groups } = optimizerGroups(executor, options.settings, options.steps);
  // DistributedDataParallel must be told when a trainable weight takes no part in the losses.
  const needed = new Set(Object.values(plan.entries.train.outputs));
  for (let i = plan.steps.length - 1; i >= 0; i--) if (needed.has(i)) for (const input of plan.steps[i]!.inputs) needed.add(input);
  const trained = new Set(plan.steps.filter((s) => s.op === "param" && needed.has(s.id)).map((s) => String(s.attrs["name"])));
  const config = {
    model: plan.model,
    plan_hash: planHash(plan),
    seed: options.seed,
    steps: options.steps,
    batch: options.batch,
    groups,
    loss_weights: setup.lossWeights,
    clip_norm: setup.clipNorm,
    schedule: { warmup: setup.schedule.warmup, decay: setup.schedule.decay, min_ratio: setup.schedule.minRatio, steps: setup.schedule.steps },
    unused_in_train: groups.some((g) => g.names.some((n) => !trained.has(n))),
  };
  writeFileAtomic(join(options.folder, "train_config.json"), `${JSON.stringify(config, null, 2)}\n`);
  await saveCheckpoint(executor, join(options.folder, "init.safetensors"), { seed: String(options.seed), step: "0" });
  writeFileAtomic(
    join(options.folder, "train.py"),
    [
      pythonString(`Train the model \`${plan.model}\` of ${options.source} with PyTorch: python3 train.py, or ${TORCHRUN.replace("=2", "=N")} train.py.`),
      "",
      "import os",
      "import sys",
      "",
      "HERE = os.path.dirname(os.path.abspath(__file__))",
      "sys.path.insert(0, HERE)",
      "",
      `from ${packageName}.reclang_torch.train import main  # noqa: E402`,
      "",
      'if __name__ == "__main__":',
      `    main(${pythonString(packageName)}, HERE)`,
      "",
    ].join("\n"),
  );
  // The training batches, in the order rec train would read them.
  const columns = new Map<string, { parts: NpyData[]; shape: number[] }>();
  const stream = data.train();
  let rows = 0;
  for (let step = 0; step < options.steps; step++) {
    const batch = await stream.next(options.batch);
    if (!batch) break;
    for (const [name, values] of batch.columns) {
      const column = columns.get(name) ?? columns.set(name, { parts: [], shape: [...values.shape] }).get(name)!;
      column.parts.push(values.data);
    }
    rows += batch.size;
  }
  for (const [name, column] of columns) {
    const total = column.parts.reduce((n, p) => n + p.length, 0);
    const first = column.parts[0]!;
    const joined = first instanceof Float32Array ? new Float32Array(total) : first instanceof Int32Array ? new Int32Array(total) : new Uint8Array(total);
    let at = 0;
    for (const part of column.parts) {
      joined.set(part as never, at);
      at += part.length;
    }
    writeFileAtomic(join(options.folder, "data", "train", `${name}.npy`), encodeNpy(joined, [rows, ...column.shape]));
  }
  return { packageName, rows };
}

/** Constant inputs, one `<input>.npy` each (nothing for a model without them). */
export function writeConstants(constants: ReadonlyMap<string, Tensor>, folder: string): void {
  if (!constants.size) return;
  mkdirSync(folder, { recursive: true });
  for (const [name, tensor] of constants) {
    const wire = wireTensor(tensor);
    writeFileAtomic(join(folder, `${name}.npy`), encodeNpy(wire.data, [...wire.shape]));
  }
}
