// Saving and restoring an executor's parameters as a safetensors checkpoint, with the step,
// the plan's model name and the plan's hash in its metadata, and optionally the optimizer
// state (`optimizer.<group>.<name>` tensors) so training resumes exactly; restoring reports
// every name or shape that does not match instead of loading half a model.

import type { Executor } from "../tfjs/executor.js";
import type { PlanSettings } from "../plan.js";
import { createHash } from "node:crypto";
import { tf, type Tensor } from "../tfjs/tf.js";
import { writeFileAtomic } from "../atomic-write.js";
import { CheckpointError, encodeSafetensors, readSafetensors, type StoredTensor } from "./safetensors.js";

/** The prefix of optimizer-state tensors in a checkpoint. */
const OPTIMIZER = "optimizer.";

/** A hash of the plan: a checkpoint resumes only the model it was trained as. */
export function planHash(plan: Executor["plan"]): string {
  return createHash("sha256").update(JSON.stringify(plan)).digest("hex").slice(0, 16);
}

/** Reads the weights (and optimizer state) back, asynchronously as GPU backends need, and writes them atomically. */
export async function saveCheckpoint(
  executor: Executor,
  path: string,
  metadata: Record<string, string>,
  optimizer: readonly { name: string; tensor: Tensor }[] = [],
): Promise<void> {
  const tensors = new Map<string, StoredTensor>();
  for (const [name, variable] of executor.params) tensors.set(name, { dtype: "F32", shape: variable.shape, data: (await variable.data()) as Float32Array });
  for (const { name, tensor } of optimizer) {
    const data = await tensor.data();
    tensors.set(
      OPTIMIZER + name,
      tensor.dtype === "int32"
        ? { dtype: "I32", shape: tensor.shape, data: data as Int32Array }
        : { dtype: "F32", shape: tensor.shape, data: Float32Array.from(data) },
    );
  }
  writeFileAtomic(path, encodeSafetensors(tensors, { model: executor.plan.model, plan_hash: planHash(executor.plan), ...metadata }));
}

/** The optimizer state a checkpoint holds, as tensors by name (without the prefix). */
export function optimizerStateOf(path: string): Map<string, Tensor> {
  const { tensors } = readSafetensors(path);
  const out = new Map<string, Tensor>();
  for (const [name, t] of tensors)
    if (name.startsWith(OPTIMIZER)) out.set(name.slice(OPTIMIZER.length), tf.tensor(t.data, t.shape as number[], t.dtype === "I32" ? "int32" : "float32"));
  return out;
}

/**
 * Why a stored tensor cannot be a float weight, or undefined: a weight is F32, and every value is
 * finite — a NaN or an infinity would make every score it touches meaningless (a NaN score ranks
 * first or last arbitrarily), so it is refused when loading rather than discovered in a metric.
 */
function weightProblem(name: string, stored: StoredTensor): string | undefined {
  if (stored.dtype !== "F32") return `\`${name}\` is ${stored.dtype} in the checkpoint, not a float (F32) weight`;
  let bad = 0;
  for (let i = 0; i < stored.data.length; i++) if (!Number.isFinite(stored.data[i]!)) bad++;
  return bad ? `\`${name}\` holds ${bad} non-finite value${bad === 1 ? "" : "s"} (NaN or infinity) of ${stored.data.length}` : undefined;
}

/** Loads every parameter of the plan from `path`; throws listing each mismatch. */
export function loadCheckpoint(executor: Executor, path: string): Record<string, string> {
  const { tensors: all, metadata } = readSafetensors(path);
  const tensors = new Map([...all].filter(([name]) => !name.startsWith(OPTIMIZER)));
  const problems: string[] = [];
  for (const [name, variable] of executor.params) {
    const stored = tensors.get(name);
    if (!stored) problems.push(`\`${name}\` ${JSON.stringify(variable.shape)} is missing from the checkpoint`);
    else if (stored.shape.join() !== variable.shape.join())
      problems.push(`\`${name}\` is ${JSON.stringify(stored.shape)} in the checkpoint but ${JSON.stringify(variable.shape)} in the model`);
    else {
      const problem = weightProblem(name, stored);
      if (problem) problems.push(problem);
    }
  }
  for (const name of tensors.keys()) if (!executor.params.has(name)) problems.push(`\`${name}\` is in the checkpoint but not in the model`);
  if (problems.length) throw new CheckpointError(`${path} does not match model ${executor.plan.model}:\n  ${problems.join("\n  ")}`);
  for (const [name, variable] of executor.params) {
    const stored = tensors.get(name)!;
    variable.assign(tf.tensor(stored.data, stored.shape as number[], "float32"));
  }
  return metadata;
}

/** A train block's `init { from | model, prefix, rename }`: where a new run's first weights come from. */
export interface InitSettings {
  /** A checkpoint file (relative to the working directory). */
  readonly from?: string;
  /** Another model of the same file, trained first. */
  readonly model?: string;
  /** The qualified-name prefixes copied ("" for every weight). */
  readonly prefix: string | readonly string[];
  readonly rename?: string;
}

export function initSettingsOf(settings: PlanSettings): InitSettings | undefined {
  const init = settings["init"] as Record<string, unknown> | undefined;
  if (!init || typeof init !== "object") return undefined;
  const text = (key: string) => (typeof init[key] === "string" ? { [key]: init[key] as string } : {});
  return {
    ...text("from"),
    ...text("model"),
    ...text("rename"),
    prefix: Array.isArray(init["prefix"]) ? init["prefix"].map(String) : String(init["prefix"] ?? ""),
  };
}

/**
 * Multi-stage training: copies the weights under `prefix` (a qualified-name prefix such as
 * `item_table`, or "" for all) from another model's checkpoint, by name. `rename` maps the
 * prefix in the checkpoint to the one in this model when they differ. Returns what was loaded;
 * throws when nothing matches or a shape differs.
 */
export function loadWeightsFrom(executor: Executor, path: string, prefix: string | readonly string[], rename?: string): string[] {
  return loadWeightsFromTable(executor, readSafetensors(path).tensors, prefix, rename, path);
}

/**
 * The same from weights in memory (an experiment's arm trained earlier, by name): every weight
 * of this model under one of `prefixes` (a list; one string; "" for all) is copied from `tensors`.
 * `where` names the source in errors.
 */
export function loadWeightsFromTable(
  executor: Executor,
  tensors: ReadonlyMap<string, StoredTensor>,
  prefixes: string | readonly string[],
  rename: string | undefined,
  where: string,
): string[] {
  const list = typeof prefixes === "string" ? [prefixes] : prefixes.length ? prefixes : [""];
  const under = (name: string, p: string) => p === "" || name === p || name.startsWith(`${p}.`);
  const loaded: string[] = [];
  const problems: string[] = [];
  for (const [name, variable] of executor.params) {
    const prefix = list.find((p) => under(name, p));
    if (prefix === undefined) continue;
    const source = rename === undefined || rename === prefix || list.length > 1 ? name : rename + name.slice(prefix.length);
    const stored = tensors.get(source);
    const problem = !stored
      ? `\`${source}\` is not in ${where}`
      : stored.shape.join() !== variable.shape.join()
        ? `\`${source}\` is ${JSON.stringify(stored.shape)} there but \`${name}\` is ${JSON.stringify(variable.shape)} here`
        : weightProblem(source, stored);
    if (problem) problems.push(problem);
    else {
      variable.assign(tf.tensor(stored!.data, stored!.shape as number[], "float32"));
      loaded.push(name);
    }
  }
  if (problems.length || loaded.length === 0) {
    throw new CheckpointError(
      `cannot load \`${list.join("`, `") || "every weight"}\` from ${where}:\n  ` +
        `${problems.length ? problems.join("\n  ") : "no weight of this model has that prefix"}`,
    );
  }
  return loaded;
}

/** A copy of an executor's weights by name, as loadWeightsFromTable reads them. */
export function snapshotWeights(executor: Executor): Map<string, StoredTensor> {
  return new Map([...executor.params].map(([name, v]) => [name, { dtype: "F32", shape: [...v.shape], data: Float32Array.from(v.dataSync()) } as StoredTensor]));
}
