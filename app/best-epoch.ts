// Reporting a run at its best evaluation (`best_epoch { metric = "log_loss", mode = "min" }` in an
// experiment): the run scores the test split and the validation split at every evaluation
// (`validation` in the trainer's options), the evaluation best by the metric on the validation
// split is chosen, and its test-split metrics are what the run reports. Choosing on the test
// split itself would favour every arm by the noise it picks; the validation split is drawn apart
// from both. In: a run's reports. Out: the chosen evaluation's metrics and where it was.

import type { BestEpoch } from "../compiler/src/semantics/experiment-decl.js";
import { VALIDATION_PREFIX } from "../runtime/src/tfjs/train/trainer.js";

interface Evaluation {
  readonly step: number;
  readonly epoch?: number;
  readonly metrics?: Readonly<Record<string, number>>;
}

/** The metric on the validation split, as the trainer names it. */
export const validationName = (metric: string) => `${VALIDATION_PREFIX}${metric}`;

/**
 * The evaluation best by `best.metric` on the validation split (the first of equals), with its
 * test-split metrics and its epoch (or step, for training that counts steps); undefined when no
 * evaluation scored the validation split.
 */
export function bestEvaluation(reports: readonly Evaluation[], best: BestEpoch): { readonly metrics: Record<string, number>; readonly at: number } | undefined {
  const key = validationName(best.metric);
  let chosen: Evaluation | undefined;
  for (const report of reports) {
    const value = report.metrics?.[key];
    if (value === undefined || !Number.isFinite(value)) continue;
    const current = chosen?.metrics?.[key];
    if (current === undefined || (best.mode === "min" ? value < current : value > current)) chosen = report;
  }
  if (!chosen) return undefined;
  // The reported metrics are the test split's: the validation split's stay out of the record.
  const metrics = Object.fromEntries(Object.entries(chosen.metrics!).filter(([name]) => !name.startsWith(VALIDATION_PREFIX)));
  return { metrics, at: chosen.epoch ?? chosen.step };
}
