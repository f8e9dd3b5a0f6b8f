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
import { matchWeights, valuesFor, type NameMap } from "./weight-names.js";

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

/** How a checkpoint from elsewhere is read: the spec's name map, and where to put the notes on what was renamed or converted. */
export interface LoadOptions {
  readonly map?: NameMap;
  readonly notes?: string[];
}

/** How many values of a weight are not finite: a NaN or an infinity would make every score it touches meaningless. */
function nonFinite(name: string, data: Float32Array): string | undefined {
  let bad = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) bad++;
  return bad ? `\`${name}\` holds ${bad} non-finite value${bad === 1 ? "" : "s"} (NaN or infinity) of ${data.length}` : undefined;
}

/**
 * Copies `tensors` into the executor's weights under `prefixes` ("" for all), by the names
 * weight-names.ts matches; checks everything first and throws listing every mismatch, so a
 * model is never half loaded. `complete`: every tensor of the table must be used.
 */
function assignWeights(
  executor: Executor,
  tensors: ReadonlyMap<string, StoredTensor>,
  prefixes: readonly string[],
  options: LoadOptions & { readonly complete: boolean; readonly where: string },
): string[] {
  const under = (name: string) => prefixes.some((p) => p === "" || name === p || name.startsWith(`${p}.`));
  const weights = new Map([...executor.params].filter(([name]) => under(name)).map(([name, v]) => [name, v.shape]));
  const { sources, problems, notes } = matchWeights(weights, tensors, options.map ?? new Map(), options.complete);
  const values = new Map<string, Float32Array>();
  for (const [name, { source, transpose }] of sources) {
    const data = valuesFor(tensors.get(source)!, transpose);
    const problem = nonFinite(source, data);
    if (problem) problems.push(problem);
    values.set(name, data);
  }
  if (problems.length || values.size === 0)
    throw new CheckpointError(
      `${options.where} does not load into model ${executor.plan.model}` +
        `${prefixes.join() ? ` (\`${prefixes.join("`, `")}\`)` : ""}:\n  ` +
        `${problems.length ? problems.join("\n  ") : "no weight of this model has that prefix"}`,
    );
  for (const [name, data] of values) executor.params.get(name)!.assign(tf.tensor(data, executor.params.get(name)!.shape, "float32"));
  options.notes?.push(...notes);
  return [...values.keys()];
}

/** Loads every parameter of the plan from `path` (by the map and PyTorch's names where the file uses others); throws listing each mismatch. */
export function loadCheckpoint(executor: Executor, path: string, options: LoadOptions = {}): Record<string, string> {
  const { tensors: all, metadata, notes } = readSafetensors(path);
  const tensors = new Map([...all].filter(([name]) => !name.startsWith(OPTIMIZER)));
  assignWeights(executor, tensors, [""], { ...options, complete: true, where: path });
  options.notes?.push(...notes);
  return metadata;
}

/** A train block's `init { from | model, prefix, rename, map }`: where a new run's first weights come from. */
export interface InitSettings {
  /** A checkpoint file (relative to the working directory). */
  readonly from?: string;
  /** Another model of the same file, trained first. */
  readonly model?: string;
  /** The qualified-name prefixes copied ("" for every weight). */
  readonly prefix: string | readonly string[];
  readonly rename?: string;
  /** Checkpoint name or prefix → model name or prefix, for a file whose names are not the model's. */
  readonly map?: NameMap;
}

export function initSettingsOf(settings: PlanSettings): InitSettings | undefined {
  const init = settings["init"] as Record<string, unknown> | undefined;
  if (!init || typeof init !== "object") return undefined;
  const text = (key: string) => (typeof init[key] === "string" ? { [key]: init[key] as string } : {});
  const map = init["map"];
  return {
    ...text("from"),
    ...text("model"),
    ...text("rename"),
    prefix: Array.isArray(init["prefix"]) ? init["prefix"].map(String) : String(init["prefix"] ?? ""),
    ...(map && typeof map === "object" && !Array.isArray(map) ? { map: new Map(Object.entries(map).map(([k, v]) => [k, String(v)])) } : {}),
  };
}

/**
 * Multi-stage training: copies the weights under `prefix` (a qualified-name prefix such as
 * `item_table`, or "" for all) from another model's checkpoint, by name. `rename` maps the
 * prefix in the checkpoint to the one in this model when they differ; `map` maps any names.
 * Returns what was loaded; throws when nothing matches or a shape differs.
 */
export function loadWeightsFrom(executor: Executor, path: string, init: InitSettings, notes?: string[]): string[] {
  const file = readSafetensors(path);
  notes?.push(...file.notes);
  return loadWeightsFromTable(executor, file.tensors, init.prefix, init.rename, path, { ...(init.map ? { map: init.map } : {}), ...(notes ? { notes } : {}) });
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
  options: LoadOptions = {},
): string[] {
  const list = typeof prefixes === "string" ? [prefixes] : prefixes.length ? prefixes : [""];
  // `rename = "old"` with one prefix `new` is the map entry "old" → "new".
  const renamed = rename !== undefined && list.length === 1 && rename !== list[0] ? [[rename, list[0]!] as const] : [];
  const map = new Map([...renamed, ...(options.map ?? [])]);
  return assignWeights(executor, tensors, list, { ...options, map, complete: false, where });
}

/** A copy of an executor's weights by name, as loadWeightsFromTable reads them. */
export function snapshotWeights(executor: Executor): Map<string, StoredTensor> {
  return new Map([...executor.params].map(([name, v]) => [name, { dtype: "F32", shape: [...v.shape], data: Float32Array.from(v.dataSync()) } as StoredTensor]));
}

/**
 * Loads the weights a command was given (`--checkpoint`): reclang's names, or another tool's by
 * the spec's `init { map }` and PyTorch's parameter names. The notes (renames, conversions) are
 * returned for the command to print.
 */
export function loadServingWeights(executor: Executor, path: string): string[] {
  const notes: string[] = [];
  const map = initSettingsOf(executor.plan.train[0]?.settings ?? {})?.map;
  loadCheckpoint(executor, path, { notes, ...(map ? { map } : {}) });
  return notes;
}
