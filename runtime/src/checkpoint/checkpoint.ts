// Saving and restoring an executor's parameters as a safetensors checkpoint, with the step and
// the plan's model name in its metadata; restoring reports every name or shape that does not
// match instead of loading half a model.

import type { Executor } from "../executor.js";
import { tf } from "../tf.js";
import { CheckpointError, encodeSafetensors, readSafetensors, writeAtomic, type StoredTensor } from "./safetensors.js";

/** Reads the weights back (asynchronously, as GPU backends need) and writes them atomically. */
export async function saveCheckpoint(executor: Executor, path: string, metadata: Record<string, string>): Promise<void> {
  const tensors = new Map<string, StoredTensor>();
  for (const [name, variable] of executor.params) tensors.set(name, { dtype: "F32", shape: variable.shape, data: (await variable.data()) as Float32Array });
  writeAtomic(path, encodeSafetensors(tensors, { model: executor.plan.model, ...metadata }));
}

/** Loads every parameter of the plan from `path`; throws listing each mismatch. */
export function loadCheckpoint(executor: Executor, path: string): Record<string, string> {
  const { tensors, metadata } = readSafetensors(path);
  const problems: string[] = [];
  for (const [name, variable] of executor.params) {
    const stored = tensors.get(name);
    if (!stored) problems.push(`\`${name}\` ${JSON.stringify(variable.shape)} is missing from the checkpoint`);
    else if (stored.shape.join() !== variable.shape.join()) problems.push(`\`${name}\` is ${JSON.stringify(stored.shape)} in the checkpoint but ${JSON.stringify(variable.shape)} in the model`);
  }
  for (const name of tensors.keys()) if (!executor.params.has(name)) problems.push(`\`${name}\` is in the checkpoint but not in the model`);
  if (problems.length) throw new CheckpointError(`${path} does not match model ${executor.plan.model}:\n  ${problems.join("\n  ")}`);
  for (const [name, variable] of executor.params) {
    const stored = tensors.get(name)!;
    variable.assign(tf.tensor(stored.data, stored.shape as number[], "float32"));
  }
  return metadata;
}

/**
 * Multi-stage training: copies the weights under `prefix` (a qualified-name prefix such as
 * `item_table`, or "" for all) from another model's checkpoint, by name. `rename` maps the
 * prefix in the checkpoint to the one in this model when they differ. Returns what was loaded;
 * throws when nothing matches or a shape differs.
 */
export function loadWeightsFrom(executor: Executor, path: string, prefix: string, rename = prefix): string[] {
  const { tensors } = readSafetensors(path);
  const under = (name: string, p: string) => p === "" || name === p || name.startsWith(`${p}.`);
  const loaded: string[] = [];
  const problems: string[] = [];
  for (const [name, variable] of executor.params) {
    if (!under(name, prefix)) continue;
    const source = rename === prefix ? name : rename + name.slice(prefix.length);
    const stored = tensors.get(source);
    if (!stored) problems.push(`\`${source}\` is not in ${path}`);
    else if (stored.shape.join() !== variable.shape.join()) problems.push(`\`${source}\` is ${JSON.stringify(stored.shape)} there but \`${name}\` is ${JSON.stringify(variable.shape)} here`);
    else {
      variable.assign(tf.tensor(stored.data, stored.shape as number[], "float32"));
      loaded.push(name);
    }
  }
  if (problems.length || loaded.length === 0) {
    throw new CheckpointError(`cannot load \`${prefix || "every weight"}\` from ${path}:\n  ${problems.length ? problems.join("\n  ") : "no weight of this model has that prefix"}`);
  }
  return loaded;
}
