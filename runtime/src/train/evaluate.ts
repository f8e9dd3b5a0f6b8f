// Metrics over held-out batches, for any engine. In: batches from a source and a way to run the
// plan's eval entry on one batch (the tfjs executor, or the torch process). Out: each metric's
// value: a per-example metric is the mean weighted by batch size; an exact one (AUC, SNIPS, …) is
// computed once from its inputs gathered over every batch.

import type { Plan } from "../plan.js";
import type { Batch, BatchSource } from "../data/batch.js";
import { exactMetric, type Gathered } from "../metrics/exact.js";

/** One batch's eval outputs, read back: values and shapes by output name. */
export type EvalOutputs = Readonly<Record<string, { readonly data: ArrayLike<number>; readonly shape: readonly number[] }>>;

/** Each metric over up to `batches` batches of `source` (all of it when 0 or the pass ends first). */
export async function aggregateMetrics(
  plan: Plan,
  source: BatchSource,
  batches: number,
  batchSize: number,
  runEval: (batch: Batch) => Promise<EvalOutputs>,
): Promise<Record<string, number>> {
  const kinds = plan.metrics ?? {};
  const sums: Record<string, number> = {};
  const gathered: Record<string, Record<string, Gathered>> = {};
  let examples = 0;
  for (let i = 0; !(batches > 0) || i < batches; i++) {
    const batch = await source.next(batchSize);
    if (!batch) break;
    const outputs = await runEval(batch);
    for (const [name, value] of Object.entries(outputs)) {
      const [metric, arg] = name.split("/") as [string, string | undefined];
      if (arg !== undefined) {
        const size = value.data.length;
        const slot = ((gathered[metric] ??= {})[arg] ??= { data: [], width: size / Math.max(1, value.shape[0] ?? 1) });
        for (const v of Array.from(value.data)) slot.data.push(v);
      } else if (kinds[metric]?.aggregate !== "exact") sums[metric] = (sums[metric] ?? 0) + value.data[0]! * batch.size;
    }
    examples += batch.size;
  }
  const out: Record<string, number> = {};
  for (const name of Object.keys(plan.entries.eval.outputs)) {
    if (name.includes("/")) continue;
    const kind = kinds[name];
    out[name] = kind?.aggregate === "exact" ? exactMetric(kind.op, gathered[name] ?? {}) : examples ? (sums[name] ?? 0) / examples : Number.NaN;
  }
  return out;
}
