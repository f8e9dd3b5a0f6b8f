// Ops with a neural-network meaning: table lookup (`gather`), masks, pooling, hashing, top-k.

import { constDim, mulDims, printDim } from "../types/dims.js";
import { dtypeName, numel, printShape, tensorType } from "../types/tensor-type.js";
import { axes, elementwiseCost, float, idsOfShape, int, p, requireDType, requireRank, tensorArg, shapesAgree } from "./helpers.js";
import type { OpArg, OpDef } from "./types.js";

const gather: OpDef = {
  name: "gather",
  category: "nn",
  doc:
    "gather(table, ids): rows of `table` f32[V, D] for ids of the table's id space, giving " +
    "f32[..., D]. The gradient is a sparse row update (UnsortedSegmentSum on the backends); a " +
    "table read only by lookups trains sparsely under a sparse optimizer.",
  params: [p("table", "tensor"), p("ids", "tensor")],
  rowLookup: true,
  infer(args, ctx) {
    const table = tensorArg(args, "table");
    const ids = tensorArg(args, "ids");
    requireRank("gather", table.type, 2, ctx, "table");
    if (ids.type.dtype !== "id" && ids.type.dtype !== "i32") {
      ctx.fail("REC2002", { op: "gather", case: "lookup", found: dtypeName(ids.type) }, "ids");
    }
    const rows = table.type.shape[0]!;
    if (ids.type.dtype === "id" && ids.type.space) {
      const space = ids.type.space;
      if (!ctx.unifier.unify(space.size, rows)) {
        ctx.fail(
          "REC2005",
          { case: "rows", found: space.name, wanted: printDim(ctx.unifier.resolve(rows)), size: printDim(ctx.unifier.resolve(space.size)) },
          "ids",
        );
      }
    }
    return tensorType(table.type.dtype, [...ids.type.shape, table.type.shape[1]!]);
  },
  cost: () => ({ flops: constDim(0) }),
};

const takeAlong: OpDef = {
  name: "take_along",
  category: "nn",
  doc:
    "take_along(x, index, axis = -1): x[..., index[...], ...] with one index per row (numpy " +
    "take_along_axis for one element), dropping that axis: picks each row's label logit.",
  params: [p("x", "tensor"), p("index", "tensor"), p("axis", "axis", int(-1))],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    const index = tensorArg(args, "index");
    const [axis] = axes(args.get("axis"), x.type.shape.length, ctx)!;
    const rest = x.type.shape.filter((_, i) => i !== axis);
    if (index.type.dtype !== "i32" && index.type.dtype !== "id") requireDType("take_along", index.type, ["i32", "id"], ctx, "index");
    if (!shapesAgree(ctx, rest, index.type.shape)) {
      ctx.fail(
        "REC2001",
        {
          op: "take_along",
          left: printShape(x.type.shape),
          right: printShape(index.type.shape),
          case: "take-along",
        },
        "index",
      );
    }
    return tensorType(x.type.dtype, rest);
  },
  cost: elementwiseCost(0),
};

const oneHot: OpDef = {
  name: "one_hot",
  category: "nn",
  doc: "one_hot(ids): f32[..., V] with a 1 at each id of a space of V ids.",
  params: [p("ids", "tensor")],
  infer(args, ctx) {
    const ids = tensorArg(args, "ids");
    requireDType("one_hot", ids.type, ["id"], ctx, "ids");
    return tensorType("f32", [...ids.type.shape, ids.type.space!.size]);
  },
  cost: elementwiseCost(1),
};

const causalMask: OpDef = {
  name: "causal_mask",
  attention: "causal",
  category: "nn",
  doc: "causal_mask(n): bool[n, n], true where the key position is at or before the query position (row i sees columns 0…i).",
  params: [p("n", "int")],
  infer(args) {
    const n = (args.get("n") as Extract<OpArg, { kind: "int" }>).dim;
    return tensorType("bool", [n, n]);
  },
  cost: elementwiseCost(0),
};

const maskedMean: OpDef = {
  name: "masked_mean",
  category: "nn",
  doc: "masked_mean(x, mask): mean of x f32[..., L, D] over L counting only positions where mask bool[..., L] is true; an all-false row gives 0, never NaN.",
  params: [p("x", "tensor"), p("mask", "tensor")],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    const mask = tensorArg(args, "mask");
    requireRank("masked_mean", x.type, 2, ctx, "x");
    requireDType("masked_mean", mask.type, ["bool"], ctx, "mask");
    const lead = x.type.shape.slice(0, -1);
    if (!shapesAgree(ctx, lead, mask.type.shape)) {
      ctx.fail(
        "REC2001",
        {
          op: "masked_mean",
          left: printShape(x.type.shape),
          right: printShape(mask.type.shape),
          case: "mask",
        },
        "mask",
      );
    }
    return tensorType("f32", [...x.type.shape.slice(0, -2), x.type.shape[x.type.shape.length - 1]!]);
  },
  cost: (inputs) => ({ flops: mulDims(constDim(2), numel(inputs[0]!.shape)) }),
};

const hashNgrams: OpDef = {
  name: "hash_ngrams",
  category: "nn",
  doc:
    "hash_ngrams(ids, order, buckets): for each position, a hash of the `order` ids ending " +
    "there (fewer at the start), as ids of a space of `buckets` ids: h ← (31·h + (x mod P) + " +
    "1) mod P over the n-gram, P = 524,287, then h mod buckets; exact in int32 and float32. " +
    "The space is unnamed, so the ids fit any table of `buckets` rows (`Embedding(buckets, " +
    "dim)`).",
  params: [p("ids", "tensor"), p("order", "int"), p("buckets", "int")],
  infer: idsOfShape("hash_ngrams", "ids", ["id", "i32"], "buckets", () => ""),
  cost: elementwiseCost(4),
};

const hashIds: OpDef = {
  name: "hash_ids",
  category: "nn",
  doc:
    "hash_ids(ids, buckets, seed = 0): each id hashed into a space of `buckets` ids by the " +
    "seed's hash function, ((x mod P) + 1)·A_seed mod P mod buckets with P = 524,287 and one " +
    "of 8 multipliers A (runtime/src/hashing.ts); for hashed embeddings with several hash " +
    "functions. The space is unnamed, so the ids fit any table of `buckets` rows.",
  params: [p("ids", "tensor"), p("buckets", "int"), p("seed", "int", int(0))],
  infer: idsOfShape("hash_ids", "ids", ["id", "i32"], "buckets", () => ""),
  cost: elementwiseCost(3),
};

const topk: OpDef = {
  name: "topk",
  category: "nn",
  tuple: ["values", "indices"],
  doc: "topk(x, k): the k largest values along the last axis and their positions, as a tuple (f32[..., k], i32[..., k]).",
  params: [p("x", "tensor"), p("k", "int")],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    requireRank("topk", x.type, 1, ctx, "x");
    const k = (args.get("k") as Extract<OpArg, { kind: "int" }>).dim;
    const shape = [...x.type.shape.slice(0, -1), k];
    return [tensorType("f32", shape), tensorType("i32", shape)];
  },
  cost: (inputs) => ({ flops: mulDims(constDim(2), numel(inputs[0]!.shape)) }),
};

const segmentSum: OpDef = {
  name: "segment_sum",
  category: "nn",
  doc:
    "segment_sum(values, segments): the sum of the rows of `values` f32[E, ...] that share a " +
    "segment id, for segments id<N>[E]: f32[N, ...], a segment no row names is zeros (an " +
    "unsorted segment sum; scatter-add into zeros). The graph primitive: a sparse-dense " +
    "product, a segment mean and message passing are written over it (std/nn `sparse_matmul`, " +
    "`segment_mean`). The gradient is a gather of the output's gradient.",
  params: [p("values", "tensor"), p("segments", "tensor")],
  infer(args, ctx) {
    const values = tensorArg(args, "values");
    const segments = tensorArg(args, "segments");
    requireDType("segment_sum", values.type, ["f32"], ctx, "values");
    requireRank("segment_sum", values.type, 1, ctx, "values");
    if (segments.type.dtype !== "id" || !segments.type.space) {
      ctx.fail(
        "REC2002",
        {
          op: "segment_sum",
          case: "segments",
          found: dtypeName(segments.type),
        },
        "segments",
      );
    }
    if (segments.type.shape.length !== 1 || !ctx.unifier.unify(segments.type.shape[0]!, values.type.shape[0]!)) {
      ctx.fail("REC2001", { op: "segment_sum", left: printShape(values.type.shape), right: printShape(segments.type.shape), case: "segments" }, "segments");
    }
    return tensorType("f32", [segments.type.space!.size, ...values.type.shape.slice(1)]);
  },
  cost: (inputs) => ({ flops: numel(inputs[0]!.shape) }),
};

const dropout: OpDef = {
  name: "dropout",
  category: "nn",
  impure: true,
  doc: "dropout(x, rate): during training, zeroes each element with probability `rate` and scales the rest by 1/(1 − rate); the identity in evaluation.",
  params: [p("x", "tensor"), p("rate", "float", float(0.1))],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    requireDType("dropout", x.type, ["f32"], ctx, "x");
    return x.type;
  },
  cost: elementwiseCost(2),
};

export const NN_OPS: readonly OpDef[] = [dropout, gather, segmentSum, takeAlong, oneHot, causalMask, maskedMean, hashNgrams, hashIds, topk];
