// The metrics of a tfjs executor's eval entry (runtime/src/train/evaluate.ts aggregates them):
// each batch's columns become tensors here, run through the eval entry and read back.

import type { Executor } from "../executor.js";
import { tf, type Tensor } from "../tf.js";
import type { BatchSource } from "../../data/batch.js";
import { aggregateMetrics } from "../../train/evaluate.js";
import { feedsOf } from "../feeds.js";

/** The metrics of a tfjs executor's eval entry. */
export function evaluateMetrics(executor: Executor, source: BatchSource, batches: number, batchSize: number): Promise<Record<string, number>> {
  return aggregateMetrics(executor.plan, source, batches, batchSize, async (batch) => {
    const feeds = feedsOf(batch);
    const outputs = tf.tidy(() => Object.fromEntries(executor.run("eval", feeds)) as Record<string, Tensor>);
    // Several exact metrics often gather one tensor (the predictions): read each back once.
    const read = new Map<Tensor, Promise<ArrayLike<number>>>();
    const dataOf = (t: Tensor) => read.get(t) ?? read.set(t, t.data()).get(t)!;
    const values: Record<string, { data: ArrayLike<number>; shape: readonly number[] }> = {};
    for (const [name, tensor] of Object.entries(outputs)) values[name] = { data: await dataOf(tensor), shape: tensor.shape };
    tf.dispose([...new Set([...Object.values(outputs), ...feeds.values()])]);
    return values;
  });
}
