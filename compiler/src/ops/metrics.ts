// Evaluation metrics and RL estimators as ops: each takes batch tensors and gives a scalar.
// Their exact definitions (ties, empty groups) are the runtime's; here are their types.

import { constDim, mulDims } from "../types/dims.js";
import { numel, printShape, scalarType } from "../types/tensor-type.js";
import { exact, int, p, requireDType, requireRank, tensorArg, shapesAgree } from "./helpers.js";
import type { OpContext, OpDef, OpTensor } from "./types.js";

function sameShape(op: string, a: OpTensor, b: OpTensor, ctx: OpContext, names: [string, string]) {
  if (!shapesAgree(ctx, a.type.shape, b.type.shape)) {
    ctx.fail("REC2001", { op, left: printShape(a.type.shape), right: printShape(b.type.shape), case: "same", first: names[0], second: names[1] }, names[1]);
  }
}

function scoreMetric(name: string, doc: string): OpDef {
  return {
    name,
    category: "metrics",
    doc,
    params: [p("scores", "tensor"), p("k", "int", int(10))],
    infer(args, ctx) {
      const scores = tensorArg(args, "scores");
      requireDType(name, scores.type, ["f32"], ctx, "scores");
      requireRank(name, scores.type, 2, ctx, "scores", 2);
      return scalarType();
    },
    cost: (inputs) => ({ flops: numel(inputs[0]!.shape) }),
  };
}

function binaryMetric(name: string, doc: string): OpDef {
  return {
    name,
    category: "metrics",
    doc,
    params: [p("predictions", "tensor"), p("labels", "tensor")],
    infer(args, ctx) {
      const predictions = tensorArg(args, "predictions");
      const labels = tensorArg(args, "labels");
      requireDType(name, predictions.type, ["f32"], ctx, "predictions");
      requireDType(name, labels.type, ["f32", "bool"], ctx, "labels");
      sameShape(name, predictions, labels, ctx, ["predictions", "labels"]);
      return scalarType();
    },
    cost: (inputs) => ({ flops: mulDims(constDim(4), numel(inputs[0]!.shape)) }),
  };
}

const groupAuc: OpDef = exact({
  ...binaryMetric(
    "group_auc",
    "group_auc(predictions, labels, groups): group AUC, each group's AUC weighted by its size, " +
      "over the groups holding both classes (a one-class group has no AUC); 0.5 when no group " +
      "qualifies.",
  ),
  params: [p("predictions", "tensor"), p("labels", "tensor"), p("groups", "tensor")],
  infer(args, ctx) {
    const predictions = tensorArg(args, "predictions");
    const labels = tensorArg(args, "labels");
    const groups = tensorArg(args, "groups");
    requireDType("group_auc", predictions.type, ["f32"], ctx, "predictions");
    requireDType("group_auc", labels.type, ["f32", "bool"], ctx, "labels");
    requireDType("group_auc", groups.type, ["id", "i32"], ctx, "groups");
    sameShape("group_auc", predictions, labels, ctx, ["predictions", "labels"]);
    sameShape("group_auc", predictions, groups, ctx, ["predictions", "groups"]);
    return scalarType();
  },
});

const accuracy: OpDef = {
  name: "accuracy",
  category: "metrics",
  doc:
    "accuracy(predictions, labels): the fraction of predictions equal to their labels (ids or " +
    "integers, one shape); a metric per semantic-id level is one `accuracy` of that level's " +
    "columns.",
  params: [p("predictions", "tensor"), p("labels", "tensor")],
  infer(args, ctx) {
    const predictions = tensorArg(args, "predictions");
    const labels = tensorArg(args, "labels");
    requireDType("accuracy", predictions.type, ["id", "i32"], ctx, "predictions");
    requireDType("accuracy", labels.type, ["id", "i32"], ctx, "labels");
    sameShape("accuracy", predictions, labels, ctx, ["predictions", "labels"]);
    return scalarType();
  },
  cost: (inputs) => ({ flops: numel(inputs[0]!.shape) }),
};

export const METRIC_OPS: readonly OpDef[] = [
  scoreMetric(
    "in_batch_recall",
    "in_batch_recall(scores, k = 10): for scores f32[B, B] whose row i's positive is column i, " +
      "the fraction of rows ranking the positive in the top k (ties count against).",
  ),
  scoreMetric("recall_at", "recall_at(scores, k = 10): the same as in_batch_recall; kept for specs that read better with it."),
  scoreMetric(
    "hit_rate_at",
    "hit_rate_at(scores, k = 10): HitRate@K of in-batch scores f32[B, B] (row i's positive is column i); with one positive per row it equals Recall@K.",
  ),
  scoreMetric(
    "ndcg_at",
    "ndcg_at(scores, k = 10): NDCG@K of in-batch scores f32[B, B]: 1/log2(rank + 1) when the " +
      "diagonal positive ranks in the top k (ties count against), else 0; averaged over rows.",
  ),
  exact(
    binaryMetric(
      "roc_auc",
      "roc_auc(predictions, labels): area under the ROC curve (Mann–Whitney: a tie between a " +
        "positive and a negative counts one half); a label is positive when it is at least 0.5; " +
        "0.5 when a class is absent. Computed over the whole evaluation set.",
    ),
  ),
  groupAuc,
  exact(
    binaryMetric(
      "normalized_entropy",
      "normalized_entropy(predictions, labels): log loss over the entropy of the base rate (He " +
        "et al. 2014); below 1 beats predicting the average; NaN when the labels are one class. " +
        "Computed over the whole evaluation set.",
    ),
  ),
  exact(
    binaryMetric(
      "calibration",
      "calibration(predictions, labels): Σ predictions / Σ labels; 1 is calibrated; NaN without positives. Computed over the whole evaluation set.",
    ),
  ),
  accuracy,
  binaryMetric("binary_log_loss", "binary_log_loss(predictions, labels): mean −[y log p + (1−y) log(1−p)] with p clipped to [1e-7, 1 − 1e-7]."),
  { ...scoreMetric("mrr", "mrr(scores): mean reciprocal rank of the diagonal positive in each row of f32[B, B]."), params: [p("scores", "tensor")] },
];
