// Op patterns an engine may compute as one fused kernel instead of op by op. In: a plan. Out:
// the steps that end a pattern, each with the steps its fused form reads and the facts the
// fused form needs; the pattern's intermediate steps are then needed only where something else
// reads them. Each pattern is exactly what its ops compute; which engine fuses which pattern,
// and how, is the engine's choice (torch/patterns.ts, kernels/fused/). The conformance tests
// run every example both ways.
//
// layer_norm: std/nn's LayerNorm, (x − mean(x)) / sqrt(mean((x − mean(x))²) + eps) · gain +
// shift over the last axis (nine ops forward, more backward). dense: x @ kernel + offset.
// cross_entropy: std/losses' softmax_cross_entropy, mean(logsumexp(z) − z[label]) over rows.

import type { Plan, PlanStep } from "./plan.js";

export type Fusion =
  | { readonly kind: "layer_norm"; readonly inputs: readonly [x: number, gain: number, shift: number]; readonly eps: number; readonly width: number }
  | { readonly kind: "dense"; readonly inputs: readonly [x: number, kernel: number, offset: number] }
  | { readonly kind: "cross_entropy"; readonly inputs: readonly [logits: number, labels: number] };

/** The fusable patterns of a plan, by the step that ends each; `kinds` picks which to look for. */
export function findFusions(plan: Plan, kinds: ReadonlySet<Fusion["kind"]>): Map<number, Fusion> {
  const fusions = new Map<number, Fusion>();
  for (const step of plan.steps) {
    const fusion =
      (kinds.has("layer_norm") ? matchLayerNorm(plan, step) : undefined) ??
      (kinds.has("dense") ? matchDense(plan, step) : undefined) ??
      (kinds.has("cross_entropy") ? matchCrossEntropy(plan, step) : undefined);
    if (fusion) fusions.set(step.id, fusion);
  }
  return fusions;
}

/** What a plan step reads once fusions replace their patterns. */
export function fusedInputs(plan: Plan, fusions: ReadonlyMap<number, Fusion>): (id: number) => readonly number[] {
  return (id) => fusions.get(id)?.inputs ?? plan.steps[id]!.inputs;
}

export const FUSION_LABELS: Readonly<Record<Fusion["kind"], string>> = {
  layer_norm: "layer_norm (mean, sub, pow, mean, add, sqrt, div, mul, add)",
  dense: "dense (matmul, add)",
  cross_entropy: "cross_entropy (logsumexp, take_along, sub, mean)",
};

function matchCrossEntropy(plan: Plan, out: PlanStep): Fusion | undefined {
  if (out.op !== "mean" || out.type.shape.length !== 0) return undefined;
  const difference = plan.steps[out.inputs[0]!];
  if (difference?.op !== "sub" || difference.type.shape.length !== 1) return undefined;
  const [lse, picked] = [plan.steps[difference.inputs[0]!]!, plan.steps[difference.inputs[1]!]!];
  if (lse.op !== "logsumexp" || picked.op !== "take_along" || lse.inputs[0] !== picked.inputs[0]) return undefined;
  const logits = plan.steps[lse.inputs[0]!]!;
  if (
    logits.type.shape.length !== 2 ||
    logits.type.dtype !== "f32" ||
    lse.attrs["keepdims"] ||
    !lastAxis(lse.attrs["axis"], 2) ||
    !lastAxis(picked.attrs["axis"], 2)
  )
    return undefined;
  return { kind: "cross_entropy", inputs: [logits.id, picked.inputs[1]!] };
}

const lastAxis = (axis: unknown, rank: number) => {
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (Number(a) < 0 ? Number(a) + rank : Number(a)));
  return axes.length === 1 && axes[0] === rank - 1;
};

/** std/nn's Dense, x @ kernel + offset with weights [K, N] and [N]. */
function matchDense(plan: Plan, out: PlanStep): Fusion | undefined {
  if (out.op !== "add" || out.type.dtype !== "f32" || out.type.shape.length < 2) return undefined;
  const product = plan.steps[out.inputs[0]!];
  const offset = plan.steps[out.inputs[1]!];
  if (product?.op !== "matmul" || !isVectorParam(offset, out)) return undefined;
  const [x, kernel] = [plan.steps[product.inputs[0]!]!, plan.steps[product.inputs[1]!]!];
  if (kernel.op !== "param" || kernel.type.shape.length !== 2 || x.type.dtype !== "f32" || x.type.shape.length < 2) return undefined;
  return { kind: "dense", inputs: [x.id, kernel.id, offset!.id] };
}

function matchLayerNorm(plan: Plan, out: PlanStep): Fusion | undefined {
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
  if (plan.steps[x]!.type.dtype !== "f32" || plan.steps[x]!.type.shape.length !== rank || typeof width !== "number") return undefined;
  return { kind: "layer_norm", inputs: [x, gain!.id, shift!.id], eps, width };
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
