// Reference implementations of the metric ops (rules: compiler/src/ops/metrics.ts): each calls the
// runtime's one definition of its metric (runtime/src/metrics/) on plain arrays.

import { accuracy, auc, calibration, groupAuc, logLoss, normalizedEntropy } from "../../../../runtime/src/metrics/classification.js";
import { diagonalQueries, hitRateAtK, meanReciprocalRank, ndcgAtK } from "../../../../runtime/src/metrics/ranking.js";
import { allFinite } from "../../../../runtime/src/metrics/finite.js";
import { make, num, type Reference, type Tensor } from "./reference.js";

/** A metric of in-batch scores f32[B, B] whose row i's positive is column i. */
const ranking =
  (metric: (queries: ReturnType<typeof diagonalQueries>, k: number) => number): Reference =>
  ([s], { node, shape, dim }) =>
    make(shape, () => metric(diagonalQueries(s!.data, s!.shape[0]!, s!.shape[1]!), num(node.attrs.get("k"), dim)));

/** A metric of whole tensors (predictions, labels, …) to one number. */
const whole =
  (metric: (...xs: Float64Array[]) => number): Reference =>
  (xs: readonly Tensor[], { shape }) =>
    make(shape, () => metric(...xs.map((x) => x.data)));

/** The reference's value, or NaN when an input holds a non-finite value (runtime/src/metrics/finite.ts). */
export const nanOnNonFinite =
  (reference: Reference): Reference =>
  (inputs, ctx) =>
    allFinite(...inputs.map((t) => t.data)) ? reference(inputs, ctx) : make(ctx.shape, () => Number.NaN);

const REFERENCES: Readonly<Record<string, Reference>> = {
  in_batch_recall: ranking(hitRateAtK),
  recall_at: ranking(hitRateAtK),
  hit_rate_at: ranking(hitRateAtK),
  ndcg_at: ranking(ndcgAtK),
  mrr: ranking((queries) => meanReciprocalRank(queries)),
  roc_auc: whole((p, l) => auc(p!, l!)),
  group_auc: whole((p, l, g) => groupAuc(p!, l!, g!)),
  binary_log_loss: whole((p, l) => logLoss(p!, l!)),
  normalized_entropy: whole((p, l) => normalizedEntropy(p!, l!)),
  calibration: whole((p, l) => calibration(p!, l!)),
  accuracy: whole((p, l) => accuracy(p!, l!)),
};

export const METRICS_REFERENCE: Readonly<Record<string, Reference>> = Object.fromEntries(
  Object.entries(REFERENCES).map(([name, reference]) => [name, nanOnNonFinite(reference)]),
);
