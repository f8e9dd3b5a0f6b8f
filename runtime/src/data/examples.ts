// Finite data held in memory: a split's examples as one typed column per input, and passes over
// them in a seeded order. In: columns (from a finite world) or one pass of a BatchSource (a
// file's training split). Out: batches of up to `batchSize` examples, the last one of a pass
// short, and columns that transforms (label privacy) may rewrite once, before any pass.

import type { Batch, BatchSource } from "./batch.js";
import { mulberry32 } from "./random.js";
import { widthOf, type Column, type ColumnData, type Examples } from "./columns.js";

export type { Column, ColumnData, Examples } from "./columns.js";
export { widthOf } from "./columns.js";

/** The examples at `rows` (positions into `examples`, repeats allowed), as examples of their own. */
export function rowsOf(examples: Examples, rows: ArrayLike<number>): Examples {
  const columns = new Map<string, Column>();
  for (const [name, column] of examples.columns) {
    const width = widthOf(column);
    const out = new (column.data.constructor as new (n: number) => ColumnData)(rows.length * width);
    for (let r = 0; r < rows.length; r++) out.set(column.data.subarray(rows[r]! * width, (rows[r]! + 1) * width), r * width);
    columns.set(name, { ...column, data: out });
  }
  return { count: rows.length, columns };
}

/** The examples at `rows` (positions into `examples`), as one batch. */
export function batchOf(examples: Examples, rows: ArrayLike<number>): Batch {
  const picked = rowsOf(examples, rows);
  return { columns: picked.columns, size: rows.length };
}

/** One pass over the examples in stored order (held-out scoring). */
export function inOrder(examples: Examples): BatchSource {
  let at = 0;
  return {
    async next(batchSize) {
      if (at >= examples.count) return undefined;
      const rows = Array.from({ length: Math.min(batchSize, examples.count - at) }, (_, i) => at + i);
      at += rows.length;
      return batchOf(examples, rows);
    },
  };
}

/** The order of epoch `epoch`: a Fisher–Yates permutation seeded by the run's seed and the epoch. */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  const random = mulberry32((seed * 1_000_003 + epoch * 7_919 + 12_345) >>> 0);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** One shuffled pass (epoch `epoch`, counted from 0). */
export function shuffledPass(examples: Examples, seed: number, epoch: number): BatchSource {
  const order = epochOrder(examples.count, seed, epoch);
  let at = 0;
  return {
    async next(batchSize) {
      if (at >= examples.count) return undefined;
      const rows = order.subarray(at, Math.min(at + batchSize, examples.count));
      at += rows.length;
      return batchOf(examples, rows);
    },
  };
}

/** Epoch after epoch, each shuffled anew; a batch never spans two epochs. */
export function endlessEpochs(examples: Examples, seed: number, firstEpoch = 0): BatchSource {
  let epoch = firstEpoch;
  let pass = shuffledPass(examples, seed, epoch);
  return {
    async next(batchSize) {
      const batch = await pass.next(batchSize);
      if (batch) return batch;
      pass = shuffledPass(examples, seed, ++epoch);
      return pass.next(batchSize);
    },
  };
}

/** Reads a finite source to its end and keeps its examples as columns. */
export async function materialize(source: BatchSource, chunk = 4096): Promise<Examples> {
  const parts = new Map<string, { column: Omit<Column, "data">; chunks: ColumnData[] }>();
  let count = 0;
  for (let batch = await source.next(chunk); batch; batch = await source.next(chunk)) {
    for (const [name, column] of batch.columns) {
      const part = parts.get(name) ?? parts.set(name, { column: { shape: column.shape, dtype: column.dtype }, chunks: [] }).get(name)!;
      part.chunks.push(column.data);
    }
    count += batch.size;
  }
  const columns = new Map<string, Column>();
  for (const [name, { column, chunks }] of parts) {
    const total = chunks.reduce((a, c) => a + c.length, 0);
    const data = new (chunks[0]!.constructor as new (n: number) => ColumnData)(total);
    let offset = 0;
    for (const c of chunks) {
      data.set(c, offset);
      offset += c.length;
    }
    columns.set(name, { ...column, data });
  }
  return { count, columns };
}
