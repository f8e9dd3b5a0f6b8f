// Torch lowerings of the metric ops (rules: compiler/src/ops/metrics.ts): each NaN when a float input
// holds a non-finite value, as the tfjs kernels and the reference are.

import type { TorchLowering } from "./lowering.js";

const ranked =
  (f: string): TorchLowering =>
  (c) =>
    `R.${f}(${c.inputs[0]}, ${c.dim(c.step.attrs["k"])})`;
const pair =
  (f: string): TorchLowering =>
  (c) =>
    `R.${f}(${c.inputs.join(", ")})`;

export const METRICS_TORCH: Readonly<Record<string, TorchLowering>> = {
  in_batch_recall: ranked("recall_at"),
  recall_at: ranked("recall_at"),
  hit_rate_at: ranked("recall_at"),
  ndcg_at: ranked("ndcg_at"),
  mrr: (c) => `R.mrr(${c.inputs[0]})`,
  roc_auc: pair("group_auc"),
  group_auc: pair("group_auc"),
  binary_log_loss: pair("binary_log_loss"),
  normalized_entropy: pair("normalized_entropy"),
  calibration: pair("calibration"),
  accuracy: pair("accuracy"),
};
