// Whole-set values of the metrics that are not means of per-example quantities. In: the op's
// inputs gathered over every evaluation batch (rows concatenated; `width` values per row).
// Out: the metric of the whole set, by the definitions in classification.ts.

import { auc, calibration, groupAuc, normalizedEntropy, snips } from "./classification.js";
import { finiteOrNaN } from "./finite.js";

export interface Gathered {
  readonly data: number[];
  /** Values per example (the product of the dimensions after the first). */
  readonly width: number;
}

/** Importance weights π(a|s)/μ(a|s) from log-probabilities [N, A], actions and propensities. */
function importanceWeights(policy: Gathered, action: Gathered, propensity: Gathered): number[] {
  return action.data.map((a, i) => Math.exp(policy.data[i * policy.width + a]!) / propensity.data[i]!);
}

const EXACT: Record<string, (args: Readonly<Record<string, Gathered>>) => number> = {
  roc_auc: (a) => auc(a["predictions"]!.data, a["labels"]!.data),
  group_auc: (a) => groupAuc(a["predictions"]!.data, a["labels"]!.data, a["groups"]!.data),
  normalized_entropy: (a) => normalizedEntropy(a["predictions"]!.data, a["labels"]!.data),
  calibration: (a) => calibration(a["predictions"]!.data, a["labels"]!.data),
  snips: (a) => snips(importanceWeights(a["policy"]!, a["action"]!, a["propensity"]!), a["reward"]!.data),
};

export function exactMetric(op: string, args: Readonly<Record<string, Gathered>>): number {
  const f = EXACT[op];
  if (!f) throw new Error(`no whole-set definition for metric op \`${op}\``);
  return finiteOrNaN(
    Object.values(args).map((a) => a.data),
    () => f(args),
  );
}

export function hasExactMetric(op: string): boolean {
  return op in EXACT;
}
