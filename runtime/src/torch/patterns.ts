// The patterns (../patterns.ts) the torch lowering computes with one fused torch function
// instead of op by op. In: a plan. Out: the steps to compute differently, each with the inputs
// its fused form reads and its Python expression.
//
// layer_norm as torch.nn.functional.layer_norm (one kernel forward and backward, where the ops
// make nine of each); dense as one addmm; cross_entropy as torch's fused kernel.

import { findFusions, FUSION_LABELS, type Fusion } from "../patterns.js";
import type { Plan } from "../plan.js";

export interface Rewrite {
  /** The steps the fused form reads. */
  readonly inputs: readonly number[];
  /** The Python expression, given each input's variable name. */
  python(names: readonly string[]): string;
  readonly label: string;
}

const PYTHON: { readonly [K in Fusion["kind"]]: (fusion: Extract<Fusion, { kind: K }>, names: readonly string[]) => string } = {
  layer_norm: (fusion, [xs, g, b]) => `torch.nn.functional.layer_norm(${xs}, (${fusion.width},), ${g}, ${b}, ${fusion.eps})`,
  dense: (_fusion, [xs, w, b]) => `R.dense(${xs}, ${w}, ${b})`,
  cross_entropy: (_fusion, [z, labels]) => `torch.nn.functional.cross_entropy(${z}, ${labels}.to(torch.int64))`,
};

export function torchRewrites(plan: Plan): Map<number, Rewrite> {
  const rewrites = new Map<number, Rewrite>();
  for (const [id, fusion] of findFusions(plan, new Set(["layer_norm", "dense", "cross_entropy"]))) {
    const python = PYTHON[fusion.kind] as (f: Fusion, names: readonly string[]) => string;
    rewrites.set(id, { inputs: fusion.inputs, label: FUSION_LABELS[fusion.kind], python: (names) => python(fusion, names) });
  }
  return rewrites;
}
