// The reference interpreter: runs an IR graph on plain Float64Arrays with loops simple enough
// to trust. It is the yardstick for passes (a pass must not change its results) and, later,
// for every backend. Dims are given concrete sizes; inputs and params are fed by name.

import { HASH_PRIME, hashId } from "../../../runtime/src/hashing.js";
import { accuracy, auc, calibration, groupAuc, ips, logLoss, normalizedEntropy, snips } from "../../../runtime/src/metrics/classification.js";
import { diagonalQueries, hitRateAtK, meanReciprocalRank, ndcgAtK } from "../../../runtime/src/metrics/ranking.js";
import { evaluateDim, type Dim } from "../semantics/dims.js";
import { parseSubscripts } from "../../../stdlib/ops/index-op.js";
import type { Attr, IrModel, IrNode } from "./ir.js";

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export { HASH_PRIME };

/** Every op the interpreter has a kernel for; a test checks it covers the registry. */
export const INTERPRETED_OPS: ReadonlySet<string> = new Set([
  "const", "input", "param", "where", "cast", "as_ids", "clip", "sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax",
  "matmul", "transpose", "reshape", "squeeze", "expand_dims", "broadcast_to", "concat", "stack", "index", "arange", "eye",
  "causal_mask", "gather", "one_hot", "masked_mean", "take_along", "in_batch_recall", "recall_at", "hit_rate_at", "ndcg_at", "cumsum", "argmax",
  "take", "topk", "hash_ngrams", "hash_ids", "roc_auc", "group_auc", "binary_log_loss", "normalized_entropy", "calibration", "accuracy", "mrr", "reinforce", "snips", "ips", "sample_categorical",
  "categorical",
]);

export class InterpretError extends Error {
  override readonly name = "InterpretError";
}

/** The ops whose gradient treats an input as a constant: `stop_gradient`, and `reinforce`'s importance weight (its policy input). */
export const GRADIENT_STOPS: ReadonlySet<string> = new Set(["stop_gradient", "reinforce"]);

/**
 * Evaluates every node. `frozen` holds, for the nodes of GRADIENT_STOPS, the input values of
 * an earlier evaluation: their constant parts use those instead of the current ones, so finite
 * differences of the result are the gradient a framework computes with stop-gradient semantics.
 * `stopped` (when given) receives the values to freeze on a later evaluation.
 */
export function interpret(
  model: IrModel,
  sizes: Readonly<Record<string, number>>,
  feeds: ReadonlyMap<string, Tensor>,
  gradientStops: { frozen?: ReadonlyMap<number, Tensor>; stopped?: Map<number, Tensor> } = {},
): Map<number, Tensor> {
  const dim = (d: Dim) => {
    const n = evaluateDim(d, (s) => sizes[s]);
    if (n === undefined) throw new InterpretError(`no size for a dimension of ${model.name}`);
    return n;
  };
  const values = new Map<number, Tensor>();
  for (const node of model.nodes) {
    const shape = node.type.shape.map(dim);
    const inputs = node.inputs.map((i) => values.get(i)!);
    if (GRADIENT_STOPS.has(node.op)) {
      gradientStops.stopped?.set(node.id, inputs[0]!);
      const frozen = gradientStops.frozen?.get(node.id);
      if (frozen) {
        values.set(node.id, node.op === "stop_gradient" ? frozen : run(node, inputs, shape, feeds, dim, frozen));
        continue;
      }
    }
    values.set(node.id, run(node, inputs, shape, feeds, dim));
  }
  return values;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const strides = (shape: readonly number[]) => {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
};
const make = (shape: readonly number[], f: (i: number) => number): Tensor => {
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = f(i);
  return { shape, data };
};
/** The flat index into `t` for output position `index` of `outShape`, broadcasting from the right. */
function broadcastIndex(t: Tensor, outShape: readonly number[], index: number): number {
  const outStrides = strides(outShape);
  const tStrides = strides(t.shape);
  const offset = outShape.length - t.shape.length;
  let flat = 0;
  for (let axis = 0; axis < t.shape.length; axis++) {
    const coordinate = Math.floor(index / outStrides[axis + offset]!) % outShape[axis + offset]!;
    flat += (t.shape[axis] === 1 ? 0 : coordinate) * tStrides[axis]!;
  }
  return flat;
}

export const UNARY: Record<string, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, log1p: Math.log1p, sqrt: Math.sqrt, abs: Math.abs,
  relu: (x) => Math.max(x, 0), sigmoid: (x) => 1 / (1 + Math.exp(-x)), tanh: Math.tanh, sin: Math.sin, cos: Math.cos,
  gelu: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  silu: (x) => x / (1 + Math.exp(-x)), softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  identity: (x) => x, stop_gradient: (x) => x, dropout: (x) => x, logical_not: (x) => (x ? 0 : 1),
  square: (x) => x * x, rsqrt: (x) => 1 / Math.sqrt(x), log_sigmoid: (x) => -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)))),
};
export const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  mod: (a, b) => ((a % b) + b) % b, pow: (a, b) => a ** b, maximum: Math.max, minimum: Math.min,
  eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b), lt: (a, b) => +(a < b), le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b), logical_and: (a, b) => +(a && b), logical_or: (a, b) => +(a || b),
};

function num(attr: Attr | undefined, dim: (d: Dim) => number): number {
  if (attr?.kind === "int") return dim(attr.dim);
  if (attr?.kind === "float") return attr.value;
  if (attr?.kind === "bool") return +attr.value;
  return 0;
}

function axesOf(attr: Attr | undefined, rank: number, dim: (d: Dim) => number): number[] {
  if (!attr || attr.kind === "none") return [...Array(rank).keys()];
  const items = attr.kind === "list" ? attr.items : [attr];
  return items.map((a) => {
    const n = num(a, dim);
    return n < 0 ? n + rank : n;
  });
}

function run(node: IrNode, x: Tensor[], shape: number[], feeds: ReadonlyMap<string, Tensor>, dim: (d: Dim) => number, frozenPolicy?: Tensor): Tensor {
  const a = node.attrs;
  const unary = UNARY[node.op];
  if (unary) return make(shape, (i) => unary(x[0]!.data[i]!));
  const binary = BINARY[node.op];
  if (binary) return make(shape, (i) => binary(x[0]!.data[broadcastIndex(x[0]!, shape, i)]!, x[1]!.data[broadcastIndex(x[1]!, shape, i)]!));
  switch (node.op) {
    case "const":
      return make(shape, () => num(a.get("value"), dim));
    case "input":
    case "param": {
      const name = a.get("name")?.kind === "string" ? (a.get("name") as { value: string }).value : "";
      const fed = feeds.get(name);
      if (!fed) throw new InterpretError(`no value fed for ${node.op} \`${name}\``);
      if (fed.shape.join() !== shape.join()) throw new InterpretError(`\`${name}\` fed as [${fed.shape}], declared [${shape}]`);
      return fed;
    }
    case "where":
      return make(shape, (i) => (x[0]!.data[broadcastIndex(x[0]!, shape, i)] ? x[1]!.data[broadcastIndex(x[1]!, shape, i)]! : x[2]!.data[broadcastIndex(x[2]!, shape, i)]!));
    case "cast":
      return make(shape, (i) => (node.type.dtype === "bool" ? +(x[0]!.data[i] !== 0) : node.type.dtype === "f32" ? x[0]!.data[i]! : Math.trunc(x[0]!.data[i]!)));
    case "as_ids":
      return make(shape, (i) => Math.trunc(x[0]!.data[i]!));
    case "clip":
      return make(shape, (i) => Math.min(Math.max(x[0]!.data[i]!, num(a.get("low"), dim)), num(a.get("high"), dim)));
    case "sum": case "mean": case "max": case "min": case "logsumexp":
      return reduce(node.op, x[0]!, axesOf(a.get("axis"), x[0]!.shape.length, dim), shape);
    case "softmax": case "log_softmax": {
      const [axis] = axesOf(a.get("axis"), x[0]!.shape.length, dim);
      const lse = reduce("logsumexp", x[0]!, [axis!], x[0]!.shape.map((s, i) => (i === axis ? 1 : s)));
      return make(shape, (i) => {
        const v = x[0]!.data[i]! - lse.data[broadcastIndex(lse, shape, i)]!;
        return node.op === "softmax" ? Math.exp(v) : v;
      });
    }
    case "matmul": {
      const [p, q] = x as [Tensor, Tensor];
      const m = shape[shape.length - 2]!;
      const n = shape[shape.length - 1]!;
      const k = p.shape[p.shape.length - 1]!;
      const batchShape = shape.slice(0, -2);
      const out = new Float64Array(size(shape));
      const pBatch = { shape: [...p.shape.slice(0, -2), 1, 1], data: p.data };
      const qBatch = { shape: [...q.shape.slice(0, -2), 1, 1], data: q.data };
      for (let b = 0; b < size(batchShape); b++) {
        const pOff = broadcastIndex({ ...pBatch, shape: pBatch.shape.slice(0, -2) }, batchShape, b) * m * k;
        const qOff = broadcastIndex({ ...qBatch, shape: qBatch.shape.slice(0, -2) }, batchShape, b) * k * n;
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let t = 0; t < k; t++) acc += p.data[pOff + i * k + t]! * q.data[qOff + t * n + j]!;
          out[b * m * n + i * n + j] = acc;
        }
      }
      return { shape, data: out };
    }
    case "transpose": {
      const rank = x[0]!.shape.length;
      const perm = a.get("perm")?.kind === "none" ? [...Array(rank).keys()].map((i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i)) : axesOf(a.get("perm"), rank, dim);
      const inStrides = strides(x[0]!.shape);
      const outStrides = strides(shape);
      return make(shape, (i) => {
        let flat = 0;
        for (let axis = 0; axis < rank; axis++) flat += (Math.floor(i / outStrides[axis]!) % shape[axis]!) * inStrides[perm[axis]!]!;
        return x[0]!.data[flat]!;
      });
    }
    case "reshape": case "squeeze": case "expand_dims": case "stop_gradient":
      return { shape, data: x[0]!.data };
    case "broadcast_to":
      return make(shape, (i) => x[0]!.data[broadcastIndex(x[0]!, shape, i)]!);
    case "concat": case "stack":
      return join(node.op, x, shape, axesOf(a.get("axis"), shape.length, dim)[0]!);
    case "index":
      return index(x[0]!, (a.get("spec") as { value: string }).value, shape, dim);
    case "arange":
      return make(shape, (i) => i);
    case "eye":
      return make(shape, (i) => +(Math.floor(i / shape[1]!) === i % shape[1]!));
    case "causal_mask":
      return make(shape, (i) => +(i % shape[1]! <= Math.floor(i / shape[1]!)));
    case "gather": {
      const d = x[0]!.shape[1]!;
      return make(shape, (i) => x[0]!.data[x[1]!.data[Math.floor(i / d)]! * d + (i % d)]!);
    }
    case "one_hot":
      return make(shape, (i) => +(x[0]!.data[Math.floor(i / shape[shape.length - 1]!)] === i % shape[shape.length - 1]!));
    case "masked_mean": {
      const [v, mask] = x as [Tensor, Tensor];
      const d = v.shape[v.shape.length - 1]!;
      const l = v.shape[v.shape.length - 2]!;
      return make(shape, (i) => {
        const row = Math.floor(i / d);
        let total = 0;
        let count = 0;
        for (let t = 0; t < l; t++) {
          if (!mask.data[row * l + t]) continue;
          total += v.data[(row * l + t) * d + (i % d)]!;
          count++;
        }
        return count ? total / count : 0;
      });
    }
    case "take_along": {
      const n = x[0]!.shape[x[0]!.shape.length - 1]!;
      return make(shape, (i) => x[0]!.data[i * n + x[1]!.data[i]!]!);
    }
    case "in_batch_recall": case "recall_at": case "hit_rate_at": case "ndcg_at": case "mrr": {
      const s = x[0]!;
      const queries = diagonalQueries(s.data, s.shape[0]!, s.shape[1]!);
      const k = node.op === "mrr" ? 0 : num(a.get("k"), dim);
      const value = node.op === "ndcg_at" ? ndcgAtK(queries, k) : node.op === "mrr" ? meanReciprocalRank(queries) : hitRateAtK(queries, k);
      return make(shape, () => value);
    }
    case "cumsum": {
      const [axis] = axesOf(a.get("axis"), shape.length, dim);
      const st = strides(shape);
      const out = new Float64Array(x[0]!.data);
      for (let i = 0; i < out.length; i++) if (Math.floor(i / st[axis!]!) % shape[axis!]! > 0) out[i] = out[i]! + out[i - st[axis!]!]!;
      return { shape, data: out };
    }
    case "argmax": {
      const t = x[0]!;
      const [axis] = axesOf(a.get("axis"), t.shape.length, dim);
      const n = t.shape[axis!]!;
      const inner = strides(t.shape)[axis!]!;
      return make(shape, (i) => {
        const base = Math.floor(i / inner) * inner * n + (i % inner);
        let best = 0;
        for (let j = 1; j < n; j++) if (t.data[base + j * inner]! > t.data[base + best * inner]!) best = j;
        return best;
      });
    }
    case "take": {
      const [v, idx] = x as [Tensor, Tensor];
      const [axis] = axesOf(a.get("axis"), v.shape.length, dim);
      const inner = strides(v.shape)[axis!]!;
      const k = size(idx.shape);
      return make(shape, (i) => {
        const outer = Math.floor(i / (k * inner));
        const j = Math.floor(i / inner) % k;
        return v.data[(outer * v.shape[axis!]! + idx.data[j]!) * inner + (i % inner)]!;
      });
    }
    case "topk": {
      const t = x[0]!;
      const n = t.shape[t.shape.length - 1]!;
      const k = shape[shape.length - 1]!;
      const wantIndices = num(a.get("output"), dim) === 1;
      return make(shape, (i) => {
        const row = Math.floor(i / k);
        const order = [...Array(n).keys()].sort((p, q) => t.data[row * n + q]! - t.data[row * n + p]! || p - q);
        const j = order[i % k]!;
        return wantIndices ? j : t.data[row * n + j]!;
      });
    }
    case "hash_ids": {
      const buckets = num(a.get("buckets"), dim);
      const seed = a.get("seed") ? num(a.get("seed"), dim) : 0;
      return make(shape, (i) => hashId(x[0]!.data[i]!, seed, buckets));
    }
    case "hash_ngrams": {
      // Position t hashes the ids t−order+1 … t (fewer at the start) into `buckets`.
      const ids = x[0]!;
      const order = num(a.get("order"), dim);
      const buckets = num(a.get("buckets"), dim);
      const l = ids.shape[ids.shape.length - 1]!;
      return make(shape, (i) => {
        let h = 0;
        for (let j = Math.max(0, (i % l) - order + 1); j <= i % l; j++) h = (h * 31 + (ids.data[i - (i % l) + j]! % HASH_PRIME) + 1) % HASH_PRIME;
        return h % buckets;
      });
    }
    case "roc_auc": return make(shape, () => auc(x[0]!.data, x[1]!.data));
    case "group_auc": return make(shape, () => groupAuc(x[0]!.data, x[1]!.data, x[2]!.data));
    case "binary_log_loss": return make(shape, () => logLoss(x[0]!.data, x[1]!.data));
    case "normalized_entropy": return make(shape, () => normalizedEntropy(x[0]!.data, x[1]!.data));
    case "calibration": return make(shape, () => calibration(x[0]!.data, x[1]!.data));
    case "accuracy": return make(shape, () => accuracy(x[0]!.data, x[1]!.data));
    case "reinforce": case "snips": case "ips": {
      const [logp, action, reward, propensity] = x as [Tensor, Tensor, Tensor, Tensor];
      const actions = logp.shape[1]!;
      const rows = logp.shape[0]!;
      // The importance weight is a constant to the gradient (reinforce's stop-gradient).
      const weightPolicy = frozenPolicy ?? logp;
      const weight = (r: number) => Math.exp(weightPolicy.data[r * actions + action.data[r]!]!) / propensity.data[r]!;
      if (node.op === "reinforce") {
        const baseline = (a.get("baseline") as { value?: string } | undefined)?.value === "batch_mean" ? reward.data.reduce((p, q) => p + q, 0) / rows : 0;
        const clip = num(a.get("clip"), dim);
        let total = 0;
        for (let r = 0; r < rows; r++) {
          const w = clip > 0 ? Math.min(weight(r), clip) : weight(r);
          total += w * (reward.data[r]! - baseline) * logp.data[r * actions + action.data[r]!]!;
        }
        return make(shape, () => -total / rows);
      }
      const weights = Array.from({ length: rows }, (_, r) => weight(r));
      return make(shape, () => (node.op === "snips" ? snips(weights, reward.data) : ips(weights, reward.data)));
    }
    case "sample_categorical": {
      // The reference samples deterministically: the most likely action (temperature → 0).
      const p = x[0]!;
      const n = p.shape[1]!;
      return make(shape, (r) => {
        let best = 0;
        for (let j = 1; j < n; j++) if (p.data[r * n + j]! > p.data[r * n + best]!) best = j;
        return best;
      });
    }
    case "categorical":
      return run({ ...node, op: "log_softmax", attrs: new Map([["axis", { kind: "int", dim: { terms: new Map([["", -1]]) } }]]) }, x, shape, feeds, dim);
    default:
      throw new InterpretError(`the reference interpreter has no kernel for \`${node.op}\` yet`);
  }
}

function reduce(op: string, t: Tensor, axes: number[], outShape: readonly number[]): Tensor {
  const keptShape = t.shape.map((s, i) => (axes.includes(i) ? 1 : s));
  const count = axes.reduce((n, ax) => n * t.shape[ax]!, 1);
  const out = new Float64Array(size(keptShape)).fill(op === "max" || op === "logsumexp" ? -Infinity : op === "min" ? Infinity : 0);
  const inStrides = strides(t.shape);
  const keptStrides = strides(keptShape);
  const target = (i: number) => {
    let flat = 0;
    for (let axis = 0; axis < t.shape.length; axis++) if (!axes.includes(axis)) flat += (Math.floor(i / inStrides[axis]!) % t.shape[axis]!) * keptStrides[axis]!;
    return flat;
  };
  if (op === "logsumexp") {
    for (let i = 0; i < t.data.length; i++) out[target(i)] = Math.max(out[target(i)]!, t.data[i]!);
    const sums = new Float64Array(out.length);
    for (let i = 0; i < t.data.length; i++) sums[target(i)]! += Math.exp(t.data[i]! - out[target(i)]!);
    for (let j = 0; j < out.length; j++) out[j] = out[j]! + Math.log(sums[j]!);
  } else {
    for (let i = 0; i < t.data.length; i++) {
      const j = target(i);
      const v = t.data[i]!;
      out[j] = op === "max" ? Math.max(out[j]!, v) : op === "min" ? Math.min(out[j]!, v) : out[j]! + v;
    }
    if (op === "mean") for (let j = 0; j < out.length; j++) out[j] = out[j]! / count;
  }
  return { shape: outShape, data: out };
}

function join(op: string, xs: Tensor[], shape: readonly number[], axis: number): Tensor {
  const outStrides = strides(shape);
  return make(shape, (i) => {
    const coords = shape.map((s, ax) => Math.floor(i / outStrides[ax]!) % s);
    let which = 0;
    let at = coords[axis]!;
    if (op === "stack") {
      which = at;
      coords.splice(axis, 1);
    } else {
      while (at >= xs[which]!.shape[axis]!) at -= xs[which++]!.shape[axis]!;
      coords[axis] = at;
    }
    const t = xs[which]!;
    const tStrides = strides(t.shape);
    return t.data[coords.reduce((f, c, ax) => f + c * tStrides[ax]!, 0)]!;
  });
}

function index(t: Tensor, spec: string, shape: readonly number[], dim: (d: Dim) => number): Tensor {
  const subs = parseSubscripts(spec) ?? [];
  const consumed = subs.filter((s) => s.kind === "index" || s.kind === "slice").length;
  // For each input axis: a fixed position, or (start, step) read from one output axis.
  const plan: ({ fixed: number } | { start: number; step: number; out: number })[] = [];
  let axis = 0;
  let out = 0;
  for (const sub of subs) {
    if (sub.kind === "new") out++;
    else if (sub.kind === "rest") for (let k = 0; k < t.shape.length - consumed; k++) plan[axis++] = { start: 0, step: 1, out: out++ };
    else if (sub.kind === "index") {
      const i = dim(sub.at);
      plan[axis] = { fixed: i < 0 ? i + t.shape[axis]! : i };
      axis++;
    } else {
      const n = t.shape[axis]!;
      const s = sub.start ? dim(sub.start) : 0;
      plan[axis++] = { start: s < 0 ? s + n : s, step: sub.step ? dim(sub.step) : 1, out: out++ };
    }
  }
  while (axis < t.shape.length) plan[axis++] = { start: 0, step: 1, out: out++ };
  const outStrides = strides(shape);
  const inStrides = strides(t.shape);
  return make(shape, (i) => {
    let flat = 0;
    plan.forEach((p, ax) => {
      const position = "fixed" in p ? p.fixed : p.start + p.step * (Math.floor(i / outStrides[p.out]!) % shape[p.out]!);
      flat += position * inStrides[ax]!;
    });
    return t.data[flat]!;
  });
}
