// Recall@K against a full index (`rec eval --index ITEM --query QUERY`): exact search over every
// item of the catalogue, not over the other examples of a batch. In: an executor with trained
// weights, the item encoder (read by `rec embed`'s rules: one id input of a sized space) and the
// query encoder, held-out batches that feed both, K values, and optionally how often each item
// occurs in the training split. Out: per bucket of the held-out examples' target items — all,
// head, tail, cold — the examples and the share whose target ranks within the top K.
//
// A target's rank is the number of other catalogue items whose score q·v is strictly greater
// than its own (ties count in its favour), so Recall@K is rank < K; the catalogue is scored a chunk at a
// time, so no [batch, catalogue] matrix of millions of columns is ever held. Buckets by the
// training split's counts: head, the most frequent items that together hold 80% of the training
// examples; tail, the other items seen in training; cold, items it never shows.

import { feedsOf } from "./tfjs/feeds.js";
import type { BatchSource } from "./data/batch.js";
import { catalogueOf, encodedBatches } from "./embed.js";
import type { Executor } from "./tfjs/executor.js";
import { tf, type Tensor } from "./tfjs/tf.js";

export type Bucket = "all" | "head" | "tail" | "cold";

export interface FullIndexRecall {
  readonly items: number;
  readonly ks: readonly number[];
  /** Per bucket (head, tail and cold only where training counts were given). */
  readonly buckets: Partial<Record<Bucket, { examples: number; recall: Record<string, number> }>>;
}

export class IndexError extends Error {
  override readonly name = "IndexError";
}

const CHUNK = 65_536;
const HEAD_SHARE = 0.8;

/** Each item's bucket from its training count: head (80% of the examples), tail, cold (none). */
export function bucketsOf(counts: ArrayLike<number>): ("head" | "tail" | "cold")[] {
  const order = Array.from({ length: counts.length }, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const out = new Array<"head" | "tail" | "cold">(counts.length).fill("cold");
  let covered = 0;
  for (const item of order) {
    if (counts[item]! === 0) break;
    out[item] = covered < HEAD_SHARE * total ? "head" : "tail";
    covered += counts[item]!;
  }
  return out;
}

/** Every item's vector by the item encoder, [items, dim], a batch of ids at a time. */
function catalogueVectors(executor: Executor, item: string, batch: number): { vectors: Tensor; input: string } {
  const { input, size } = catalogueOf(executor.plan, item);
  const parts = [...encodedBatches(executor, item, input.name, size, batch)].map((b) => b.value);
  const vectors = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  if (parts.length > 1) tf.dispose(parts);
  return { vectors, input: input.name };
}

export async function fullIndexRecall(
  executor: Executor,
  encoders: { readonly item: string; readonly query: string },
  heldOut: BatchSource,
  options: { readonly batches: number; readonly batchSize: number; readonly ks: readonly number[]; readonly trainingCounts?: ArrayLike<number> },
): Promise<FullIndexRecall> {
  const queryStep = executor.plan.entries.encode.outputs[encoders.query];
  if (queryStep === undefined)
    throw new IndexError(
      `model ${executor.plan.model} has no encoder \`${encoders.query}\` to encode the queries ` +
        `(its encoders: ` +
        `${Object.keys(executor.plan.entries.encode.outputs)
          .map((n) => `\`${n}\``)
          .join(", ")})`,
    );
  const { vectors, input } = catalogueVectors(executor, encoders.item, options.batchSize);
  const [items, width] = vectors.shape as [number, number];
  const queryShape = executor.plan.steps[queryStep]!.type.shape;
  if (queryShape.length !== 2 || (typeof queryShape[1] === "number" && queryShape[1] !== width)) {
    vectors.dispose();
    throw new IndexError(
      `encoder \`${encoders.query}\` gives ${JSON.stringify(queryShape)} per batch; the index ` +
        `holds vectors of ${width}: the query encoder must give one vector of the same width per ` +
        `example`,
    );
  }
  const buckets = options.trainingCounts ? bucketsOf(options.trainingCounts) : undefined;
  if (options.trainingCounts && options.trainingCounts.length !== items)
    throw new IndexError(`training counts for ${options.trainingCounts.length} items, the catalogue has ${items}`);
  const tally = new Map<Bucket, { examples: number; hits: number[] }>();
  const count = (bucket: Bucket, rank: number) => {
    const entry = tally.get(bucket) ?? { examples: 0, hits: options.ks.map(() => 0) };
    entry.examples++;
    options.ks.forEach((k, i) => (entry.hits[i]! += rank < k ? 1 : 0));
    tally.set(bucket, entry);
  };
  try {
    for (let read = 0; options.batches === 0 || read < options.batches; read++) {
      const batch = await heldOut.next(options.batchSize);
      if (!batch) break;
      const targetColumn = batch.columns.get(input);
      if (!targetColumn)
        throw new IndexError(`the held-out data does not feed \`${input}\`, the ids the item encoder reads: the truth each query is scored against`);
      const feeds = feedsOf(batch);
      const targets = feeds.get(input)!;
      const ranks = tf.tidy(() => {
        const queries = executor.runNamed("encode", [encoders.query], feeds).get(encoders.query)!;
        const ids = tf.cast(targets, "int32");
        const own = tf.sum(tf.mul(queries, tf.gather(vectors, ids)), -1, true);
        let above: Tensor = tf.zeros([batch.size], "int32");
        for (let start = 0; start < items; start += CHUNK) {
          const size = Math.min(CHUNK, items - start);
          const chunk = tf.slice(vectors, [start, 0], [size, width]);
          // The target's own column is left out: the product computes its score in another
          // order than `own`, and a last-bit difference must not rank it above itself.
          const other = tf.notEqual(tf.expandDims(tf.range(start, start + size, 1, "int32"), 0), tf.expandDims(ids, 1));
          above = tf.add(above, tf.sum(tf.cast(tf.logicalAnd(tf.greater(tf.matMul(queries, chunk, false, true), own), other), "int32"), -1));
        }
        return above;
      });
      const [rankValues, targetValues] = [await ranks.data(), await targets.data()];
      ranks.dispose();
      tf.dispose([...feeds.values()]);
      for (let i = 0; i < rankValues.length; i++) {
        count("all", rankValues[i]!);
        if (buckets) count(buckets[targetValues[i]!]!, rankValues[i]!);
      }
    }
  } finally {
    vectors.dispose();
  }
  const result: FullIndexRecall["buckets"] = {};
  for (const bucket of ["all", "head", "tail", "cold"] as const) {
    const entry = tally.get(bucket);
    if (!entry && (bucket === "all" || !buckets)) continue;
    result[bucket] = {
      examples: entry?.examples ?? 0,
      recall: Object.fromEntries(options.ks.map((k, i) => [`recall_at_${k}`, entry ? entry.hits[i]! / entry.examples : NaN])),
    };
  }
  return { items, ks: options.ks, buckets: result };
}
