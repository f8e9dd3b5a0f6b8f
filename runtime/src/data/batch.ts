// Batches and their sources: what the trainers and the evaluation loop consume. In: encoded
// rows (files) or generated columns (synthetic worlds). Out: a map of input name → column, the
// engine-neutral values of the batch's examples; each engine makes its own tensors from them
// (runtime/src/tfjs/feeds.ts, the torch trainer's wire format).

import type { PlanDataField } from "../plan.js";
import type { Column, ColumnData } from "./columns.js";
import type { EncodedRow } from "./encode.js";
import type { Examples } from "./examples.js";

export interface Batch {
  /** Input name → its values, one row per example (a world may give a task of its own fewer rows). */
  readonly columns: ReadonlyMap<string, Column>;
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
  /**
   * A new pass over held-out examples, from their start: `valid` the validation split, `test` the
   * test split; without a split, the data's default (files: validation; finite worlds: test).
   */
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
  constants?(): Promise<ReadonlyMap<string, Column>>;
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

/** The dtype an engine holds a field in: floats, ids and integers, booleans. */
export function dtypeOf(field: PlanDataField): Column["dtype"] {
  return field.dtype === "f32" ? "float32" : field.dtype === "bool" ? "bool" : "int32";
}

const allocate = (dtype: Column["dtype"], size: number): ColumnData =>
  dtype === "float32" ? new Float32Array(size) : dtype === "int32" ? new Int32Array(size) : new Uint8Array(size);

/**
 * Packs encoded rows into one column per model input: a field's own, or for the columns of a
 * `columns([…])` group one [count] column per row, column `index` from each part.
 */
export function packRows(rows: readonly EncodedRow[], fields: readonly PlanDataField[]): Batch {
  const columns = new Map<string, Column>();
  const groups = new Map<string, PlanDataField[]>();
  for (const field of fields) if (field.part) groups.set(field.part.of, [...(groups.get(field.part.of) ?? []), field]);
  for (const [input, parts] of groups) {
    const count = parts[0]!.part!.count;
    const dtype = dtypeOf(parts[0]!);
    const data = allocate(dtype, rows.length * count);
    rows.forEach((row, r) => parts.forEach((part) => (data[r * count + part.part!.index] = row.fields.get(part.name)![0]!)));
    columns.set(input, { data, shape: [count], dtype });
  }
  for (const field of fields) {
    if ((field.kind === "timestamp" && !field.feeds) || field.part) continue;
    const width = field.shape.reduce((a, b) => a * b, 1);
    const dtype = dtypeOf(field);
    const data = allocate(dtype, rows.length * width);
    rows.forEach((row, r) => data.set(row.fields.get(field.name)!, r * width));
    columns.set(field.name, { data, shape: [...field.shape], dtype });
  }
  return { columns, size: rows.length };
}
