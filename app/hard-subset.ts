// The hard subset of an experiment (`hard_subset { reference = baseline, correct = "head" }`):
// the held-out examples the reference arm gets wrong — its per-example head `correct` (1 right,
// 0 wrong, such as "greedy decoding found the whole SID") is below one half — and each arm's
// mean of the same head on exactly those examples. The subset of a seed's world comes from a
// probe: an extra run of the reference on that world's data with another initialization, so
// every arm, the reference's own run included, is scored on examples chosen by an independent
// run (the reference's value is not 0 by construction), and no run is scored on another seed's
// world. In: each run's per-example head values and the probes'. Out: one number per arm and
// seed, and the subsets' sizes.

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import type { BatchSource } from "../runtime/src/data/batch.js";
import type { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";

/** The row name the hard subset's values are reported under (and `paper { hard_subset = … }`). */
export const HARD_SUBSET_ROW = "hard_subset";

/** The head `correct` on `batches` held-out batches, example by example. */
export async function headPerExample(executor: Executor, source: BatchSource, batchSize: number, batches: number, correct: string): Promise<Float32Array> {
  const values: number[] = [];
  for (let i = 0; i < batches; i++) {
    const batch = await source.next(batchSize);
    if (!batch) break;
    const feeds = feedsOf(batch);
    const heads = executor.run("predict", feeds);
    values.push(...(await heads.get(correct)!.data()));
    tf.dispose([...new Set([...heads.values(), ...feeds.values()])]);
  }
  return Float32Array.from(values);
}

/** The seed offset of the probe runs' initialization (their data is the seed's own). */
export const PROBE_SEED_OFFSET = 100_003;

/**
 * Each arm's mean of `correct` on the examples of seed i's held-out data where the probe's value
 * is below one half. `byArm`: arm → one array per seed; `probes`: one array per seed; all of a
 * seed's arrays are over the same examples.
 */
export function hardSubsetScores(
  byArm: ReadonlyMap<string, readonly Float32Array[]>,
  probes: readonly Float32Array[],
): { scores: Map<string, number[]>; sizes: number[] } {
  const subsets = probes.map((values) => [...values].flatMap((v, i) => (v < 0.5 ? [i] : [])));
  const scores = new Map([...byArm].map(([arm, values]) => [arm, subsets.map((subset, i) => subset.reduce((a, e) => a + values[i]![e]!, 0) / subset.length)]));
  return { scores, sizes: subsets.map((s) => s.length) };
}
