// Where data becomes the tfjs engine's tensors: a batch's columns (runtime/src/data/batch.ts) as
// one tensor per input, the first axis the batch's rows, and a data set's constant columns bound
// to an executor once. In: engine-neutral columns. Out: tfjs tensors the caller disposes.

import type { Batch, DataSet } from "../data/batch.js";
import { rowCount, type Column } from "../data/columns.js";
import { constantInputs } from "../data/constants.js";
import { DataSourceError } from "../data/source-config.js";
import type { Executor } from "./executor.js";
import { tf, type Tensor } from "./tf.js";

/** One tensor per column of a batch, of shape [rows, …per-example shape]. */
export function feedsOf(batch: Pick<Batch, "columns">): Map<string, Tensor> {
  return new Map([...batch.columns].map(([name, c]) => [name, tf.tensor(c.data, [rowCount(c), ...c.shape], c.dtype)]));
}

/** Whole columns (a constants file's or a world's) as tensors of their full shapes. */
function wholeTensors(columns: ReadonlyMap<string, Column>): Map<string, Tensor> {
  return new Map([...columns].map(([name, c]) => [name, tf.tensor(c.data, [...c.shape], c.dtype)]));
}

/**
 * Gives the executor the data set's constant inputs (a constants file, or a world's whole fields;
 * a model without any: nothing). Idempotent: an executor that has its constants keeps them.
 */
export async function bindConstants(executor: Executor, data: DataSet): Promise<void> {
  const inputs = constantInputs(executor.plan);
  if (!inputs.length || executor.constants.size) return;
  if (!data.constants) {
    const names = inputs.map((i) => `\`${i.name}\``).join(", ");
    throw new DataSourceError(
      `model ${executor.plan.model} has constant inputs (${names}) but its data gives none: add \`constants = csv("…", schema = S)\` to the train block`,
    );
  }
  executor.bindConstants(wholeTensors(await data.constants()));
}

/** Tensors read back as a batch of columns (for code that holds tensors: tests, benches). */
export function batchOfTensors(feeds: ReadonlyMap<string, Tensor>): Batch {
  const columns = new Map<string, Column>();
  for (const [name, t] of feeds) {
    const values = t.dataSync();
    const data = t.dtype === "float32" ? Float32Array.from(values) : t.dtype === "bool" ? Uint8Array.from(values) : Int32Array.from(values);
    columns.set(name, { data, shape: t.shape.slice(1), dtype: t.dtype === "float32" ? "float32" : t.dtype === "bool" ? "bool" : "int32" });
  }
  return { columns, size: [...feeds.values()][0]?.shape[0] ?? 0 };
}
