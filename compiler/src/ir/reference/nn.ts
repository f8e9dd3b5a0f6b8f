// Reference implementations of the nn ops (rules: compiler/src/ops/nn.ts): lookups, one-hot, masks,
// masked means, hashing and top-k. Dropout is the identity here: the reference is the
// evaluation-mode computation, and training-mode randomness is the backends' (seeded per op).

import { HASH_PRIME, hashId } from "../../../../runtime/src/hashing.js";
import { make, num, type Reference } from "./reference.js";

export const NN_REFERENCE: Readonly<Record<string, Reference>> = {
  dropout: ([x], { shape }) => ({ shape, data: x!.data }),
  gather: ([table, ids], { shape }) => {
    const d = table!.shape[1]!;
    return make(shape, (i) => table!.data[ids!.data[Math.floor(i / d)]! * d + (i % d)]!);
  },
  segment_sum: ([values, segments], { shape }) => {
    const width = shape.slice(1).reduce((a, b) => a * b, 1);
    const out = make(shape, () => 0);
    segments!.data.forEach((segment, row) => {
      for (let k = 0; k < width; k++) out.data[segment * width + k]! += values!.data[row * width + k]!;
    });
    return out;
  },
  take_along: ([x, index], { shape }) => {
    const n = x!.shape[x!.shape.length - 1]!;
    return make(shape, (i) => x!.data[i * n + index!.data[i]!]!);
  },
  one_hot: ([ids], { shape }) => make(shape, (i) => +(ids!.data[Math.floor(i / shape[shape.length - 1]!)] === i % shape[shape.length - 1]!)),
  causal_mask: (_, { shape }) => make(shape, (i) => +(i % shape[1]! <= Math.floor(i / shape[1]!))),
  masked_mean: ([v, mask], { shape }) => {
    const d = v!.shape[v!.shape.length - 1]!;
    const l = v!.shape[v!.shape.length - 2]!;
    return make(shape, (i) => {
      const row = Math.floor(i / d);
      let total = 0;
      let count = 0;
      for (let t = 0; t < l; t++) {
        if (!mask!.data[row * l + t]) continue;
        total += v!.data[(row * l + t) * d + (i % d)]!;
        count++;
      }
      return count ? total / count : 0;
    });
  },
  hash_ids: ([x], { node, shape, dim }) => {
    const buckets = num(node.attrs.get("buckets"), dim);
    const seed = node.attrs.get("seed") ? num(node.attrs.get("seed"), dim) : 0;
    return make(shape, (i) => hashId(x!.data[i]!, seed, buckets));
  },
  hash_ngrams: ([ids], { node, shape, dim }) => {
    // Position t hashes the ids t−order+1 … t (fewer at the start) into `buckets`.
    const order = num(node.attrs.get("order"), dim);
    const buckets = num(node.attrs.get("buckets"), dim);
    const l = ids!.shape[ids!.shape.length - 1]!;
    return make(shape, (i) => {
      let h = 0;
      for (let j = Math.max(0, (i % l) - order + 1); j <= i % l; j++) h = (h * 31 + (ids!.data[i - (i % l) + j]! % HASH_PRIME) + 1) % HASH_PRIME;
      return h % buckets;
    });
  },
  topk: ([t], { node, shape, dim }) => {
    const n = t!.shape[t!.shape.length - 1]!;
    const k = shape[shape.length - 1]!;
    const wantIndices = num(node.attrs.get("output"), dim) === 1;
    return make(shape, (i) => {
      const row = Math.floor(i / k);
      const order = [...Array(n).keys()].sort((p, q) => t!.data[row * n + q]! - t!.data[row * n + p]! || p - q);
      const j = order[i % k]!;
      return wantIndices ? j : t!.data[row * n + j]!;
    });
  },
};
