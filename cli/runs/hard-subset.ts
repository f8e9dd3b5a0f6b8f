// The hard subset of an experiment (`hard_subset { reference = baseline, correct = "head" }`):
// the held-out examples the reference arm gets wrong — its per-example head `correct` (1 right,
// 0 wrong, such as "greedy decoding found the whole SID") is below one half — and each arm's
// mean of the same head on exactly those examples. Every run is scored on the same held-out
// examples; the subset comes from the reference's run with one seed and is scored with every
// arm's run with the next seed (cyclically), so the reference arm's own value is an independent
// run's and not 0 by construction. In: each run's per-example head values. Out: one number per
// arm and seed pairing, and the subsets' sizes.

import type { BatchSource } from "../../runtime/src/data/batch.js";
import type { Executor } from "../../runtime/src/executor.js";
import { tf } from "../../runtime/src/tf.js";

/** The row name the hard subset's values are reported under (and `paper { hard_subset = … }`). */
export const HARD_SUBSET_ROW = "hard_subset";

/** The head `correct` on `batches` held-out batches, example by example. */
export async function headPerExample(executor: Executor, source: BatchSource, batchSize: number, batches: number, correct: string): Promise<Float32Array> {
  const values: number[] = [];
  for (let i = 0; i < batches; i++) {
    const batch = await source.next(batchSize);
    if (!batch) break;
    const heads = executor.run("predict", batch.feeds);
    values.push(...(await heads.get(correct)!.data()));
    tf.dispose([...heads.values(), ...batch.feeds.values()]);
  }
  return Float32Array.from(values);
}

/**
 * Each arm's mean of `correct` over the examples where the reference's run with seed i is below
 * one half, from the arm's run with seed i + 1 (cyclically; the same run with one seed). Values:
 * arm → one array per seed, in seed order, all over the same examples.
 */
export function hardSubsetScores(byArm: ReadonlyMap<string, readonly Float32Array[]>, reference: string): { scores: Map<string, number[]>; sizes: number[] } {
  const runs = byArm.get(reference) ?? [];
  const subsets = runs.map((values) => [...values].flatMap((v, i) => (v < 0.5 ? [i] : [])));
  const scores = new Map(
    [...byArm].map(([arm, values]) => [arm, subsets.map((subset, i) => subset.reduce((a, e) => a + values[(i + 1) % values.length]![e]!, 0) / subset.length)]),
  );
  return { scores, sizes: subsets.map((s) => s.length) };
}
