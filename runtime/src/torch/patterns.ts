// Patterns the torch lowering computes with one fused torch function instead of op by op. In: a
// plan. Out: the steps to compute differently, each with the inputs its fused form reads (the
// pattern's intermediate steps are then needed only where something else reads them). Each
// rewrite computes exactly what its ops compute; the conformance tests run both.
//
// layer_norm: std/nn's LayerNorm, (x − mean(x)) / sqrt(mean((x − mean(x))²) + eps) · gain +
// shift over the last axis, as torch.nn.functional.layer_norm (one kernel forward and backward,
// where the ops make nine of each). dense: x @ kernel + offset as one addmm. cross_entropy:
// std/losses' softmax_cross_entropy as torch's fused kernel.

import type { Plan, PlanStep } from "../plan.js";

export interface Rewrite {
  /** The steps the fused form reads. */
  readonly inputs: readonly number[];
  /** The Python expression, given each input's variable name. */
  python(names: readonly string[]): string;
  readonly label: string;
}

export function torchRewrites(plan: Plan): Map<number, Rewrite> {
  const rewrites = new Map<number, Rewrite>();
  for (const step of plan.steps) {
    const rewrite = matchLayerNorm(plan, step) ?? matchDense(plan, step) ?? matchCrossEntropy(plan, step);
    if (rewrite) rewrites.set(step.id, rewrite);
  }
  return rewrites;
}

/** std/losses' softmax_cross_entropy, mean(logsumexp(z) − z[label]) over rows of z [B, C], as one kernel. */
function matchCrossEntropy(plan: Plan, out: PlanStep): Rewrite | undefined {
  if (out.op !== "mean" || out.type.shape.length !== 0) return undefined;
  const difference = plan.steps[out.inputs[0]!];
  if (difference?.op !== "sub" || difference.type.shape.length !== 1) return undefined;
  const [lse, picked] = [plan.steps[difference.inputs[0]!]!, plan.steps[difference.inputs[1]!]!];
  if (lse.op !== "logsumexp" || picked.op !== "take_along" || lse.inputs[0] !== picked.inputs[0]) return undefined;
  const logits = plan.steps[lse.inputs[0]!]!;
  if (logits.type.shape.length !== 2 || logits.type.dtype !== "f32" || lse.attrs["keepdims"] || !lastAxis(lse.attrs["axis"], 2) || !lastAxis(picked.attrs["axis"], 2)) return undefined;
  return {
    inputs: [logits.id, picked.inputs[1]!],
    label: "cross_entropy (logsumexp, take_along, sub, mean)",
    python: ([z, labels]) => `torch.nn.functional.cross_entropy(${z}, ${labels}.to(torch.int64))`,
  };
}

const lastAxis = (axis: unknown, rank: number) => {
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (Number(a) < 0 ? Number(a) + rank : Number(a)));
  return axes.length === 1 && axes[0] === rank - 1;
};

/** std/nn's Dense, x @ kernel + offset with weights [K, N] and [N], as one addmm (bias fused). */
function matchDense(plan: Plan, out: PlanStep): Rewrite | undefined {
  if (out.op !== "add" || out.type.dtype !== "f32" || out.type.shape.length < 2) return undefined;
  const product = plan.steps[out.inputs[0]!];
  const offset = plan.steps[out.inputs[1]!];
  if (product?.op !== "matmul" || !isVectorParam(offset, out)) return undefined;
  const [x, kernel] = [plan.steps[product.inputs[0]!]!, plan.steps[product.inputs[1]!]!];
  if (kernel.op !== "param" || kernel.type.shape.length !== 2 || x.type.dtype !== "f32" || x.type.shape.length < 2) return undefined;
  return {
    inputs: [x.id, kernel.id, offset!.id],
    label: "dense (matmul, add)",
    python: ([xs, w, b]) => `R.dense(${xs}, ${w}, ${b})`,
  };
}

function matchLayerNorm(plan: Plan, out: PlanStep): Rewrite | undefined {
  const at = (id: number | undefined) => (id === undefined ? undefined : plan.steps[id]);
  const is = (s: PlanStep | undefined, op: string): s is PlanStep => s?.op === op;
  const rank = out.type.shape.length;
  if (!is(out, "add") || rank === 0) return undefined;
  const scaled = at(out.inputs[0]);
  const shift = at(out.inputs[1]);
  if (!is(scaled, "mul") || !isVectorParam(shift, out)) return undefined;
  const normalized = at(scaled.inputs[0]);
  const gain = at(scaled.inputs[1]);
  if (!is(normalized, "div") || !isVectorParam(gain, out)) return undefined;
  const centered = at(normalized.inputs[0]);
  const root = at(normalized.inputs[1]);
  if (!is(centered, "sub") || !is(root, "sqrt")) return undefined;
  const shifted = at(root.inputs[0]);
  if (!is(shifted, "add")) return undefined;
  const variance = at(shifted.inputs[0]);
  const eps = scalarConstant(at(shifted.inputs[1]));
  if (!is(variance, "mean") || eps === undefined || !lastAxisKept(variance, rank)) return undefined;
  const squared = at(variance.inputs[0]);
  if (!is(squared, "pow") || squared.inputs[0] !== centered.id || scalarConstant(at(squared.inputs[1])) !== 2) return undefined;
  const x = centered.inputs[0]!;
  const mean = at(centered.inputs[1]);
  if (!is(mean, "mean") || mean.inputs[0] !== x || !lastAxisKept(mean, rank)) return undefined;
  const width = out.type.shape[rank - 1];
  if (plan.steps[x]!.type.dtype !== "f32" || typeof width !== "number") return undefined;
  return {
    inputs: [x, gain!.id, shift!.id],
    label: "layer_norm (mean, sub, pow, mean, add, sqrt, div, mul, add)",
    python: ([xs, g, b]) => `torch.nn.functional.layer_norm(${xs}, (${width},), ${g}, ${b}, ${eps})`,
  };
}

/** A weight of shape [D], D the last dim of `out`. */
function isVectorParam(step: PlanStep | undefined, out: PlanStep): boolean {
  return step?.op === "param" && step.type.dtype === "f32" && step.type.shape.length === 1 && step.type.shape[0] === out.type.shape[out.type.shape.length - 1];
}

function scalarConstant(step: PlanStep | undefined): number | undefined {
  const value = step?.attrs["value"];
  return step?.op === "const" && step.type.shape.length === 0 && typeof value === "number" ? value : undefined;
}

/** A reduction over the last axis only, keeping it. */
function lastAxisKept(step: PlanStep, rank: number): boolean {
  const axis = step.attrs["axis"];
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (Number(a) < 0 ? Number(a) + rank : Number(a)));
  return Boolean(step.attrs["keepdims"]) && axes.length === 1 && axes[0] === rank - 1;
}
