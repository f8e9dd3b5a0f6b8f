// Batches and their sources: what the trainer and the evaluation loop consume. In: encoded
// rows (files) or generated tensors (synthetic worlds). Out: a map of input name → tensor
// whose first dimension is the batch.

import { tf, tfDtype, type Tensor } from "../tfjs/tf.js";
import type { PlanDataField } from "../plan.js";
import type { EncodedRow } from "./encode.js";
import type { Examples } from "./examples.js";

export interface Batch {
  readonly feeds: Map<string, Tensor>;
  /** Examples in the batch (the last batch of a finite pass may be short). */
  readonly size: number;
}

export interface BatchSource {
  /** The next batch of up to `batchSize` examples; undefined when a finite pass is over. */
  next(batchSize: number): Promise<Batch | undefined>;
}

/** Training data (endless) and fresh passes over held-out data. */
export interface DataSet {
  train(): BatchSource;
  /** A new pass over the validation examples (or the test examples), from their start. */
  heldOut(split?: "valid" | "test"): BatchSource;
  /** For generated data, whose held-out stream never ends: the batches one evaluation reads by default. */
  readonly heldOutBatches?: number;
  /** Bad rows skipped so far (with `--skip-bad-rows`), and the first few of them. */
  readonly skipped: { count: number; examples: string[]; /** The skipped rows' numbers, so a row read again is counted once. */ readonly rows?: Set<number> };
  /**
   * The training split held in memory, for data that ends (files, finite worlds): what
   * `epochs = N` passes over and label privacy rewrites once. Absent for endless worlds.
   */
  finite?(): Promise<Examples>;
  /** The model's constant inputs, read once (the same tensors every call): a constants file, or a world's whole fields. */
  constants?(): Promise<ReadonlyMap<string, Tensor>>;
}

/**
 * The same data with other training data (label privacy, epochs over the examples in memory):
 * held-out passes and the skipped-row count stay the data set's own, whatever class it is.
 */
export function withTraining(data: DataSet, train: () => BatchSource, finite: (() => Promise<Examples>) | undefined): DataSet {
  return {
    train,
    heldOut: (split) => data.heldOut(split),
    ...(data.heldOutBatches !== undefined ? { heldOutBatches: data.heldOutBatches } : {}),
    skipped: data.skipped,
    ...(finite ? { finite } : {}),
    ...(data.constants ? { constants: () => data.constants!() } : {}),
  };
}

/**
 * Packs encoded rows into one tensor per model input: a field's own, or for the columns of a
 * `columns([…])` group one [rows, count] tensor, column `index` from each part.
 */
export function packRows(rows: readonly EncodedRow[], fields: readonly PlanDataField[]): Batch {
  const feeds = new Map<string, Tensor>();
  const groups = new Map<string, PlanDataField[]>();
  for (const field of fields) if (field.part) groups.set(field.part.of, [...(groups.get(field.part.of) ?? []), field]);
  for (const [input, parts] of groups) {
    const count = parts[0]!.part!.count;
    const dtype = tfDtype(parts[0]!);
    const data =
      dtype === "float32"
        ? new Float32Array(rows.length * count)
        : dtype === "int32"
          ? new Int32Array(rows.length * count)
          : new Uint8Array(rows.length * count);
    rows.forEach((row, r) => parts.forEach((part) => (data[r * count + part.part!.index] = row.fields.get(part.name)![0]!)));
    feeds.set(input, tf.tensor(data, [rows.length, count], dtype));
  }
  for (const field of fields) {
    if ((field.kind === "timestamp" && !field.feeds) || field.part) continue;
    const width = field.shape.reduce((a, b) => a * b, 1);
    const dtype = tfDtype(field);
    const data =
      dtype === "float32"
        ? new Float32Array(rows.length * width)
        : dtype === "int32"
          ? new Int32Array(rows.length * width)
          : new Uint8Array(rows.length * width);
    rows.forEach((row, r) => data.set(row.fields.get(field.name)!, r * width));
    feeds.set(field.name, tf.tensor(data, [rows.length, ...field.shape], dtype));
  }
  return { feeds, size: rows.length };
}
