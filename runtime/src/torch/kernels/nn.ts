// Torch lowerings of the nn ops (rules: compiler/src/ops/nn.ts): lookups, masks, hashing, top-k and
// dropout (seeded per op, as the tfjs kernels are).

import { axis, py, type TorchLowering } from "./lowering.js";

export const NN_TORCH: Readonly<Record<string, TorchLowering>> = {
  dropout: (c) => `R.dropout(${c.inputs[0]}, ${py(c.step.attrs["rate"] ?? 0.1)}, training, R.stream_seed(seed, ${c.step.id}))`,
  // A table of a sparse group (serve.py marks it) gets a sparse gradient: its touched rows only.
  gather: (c) => `torch.nn.functional.embedding(${c.inputs[1]}, ${c.inputs[0]}, sparse=getattr(${c.inputs[0]}, "sparse_rows", False))`,
  segment_sum: (c) => `torch.zeros(${c.shape()}, dtype=torch.float32, device=device).index_add(0, ${c.inputs[1]}, ${c.inputs[0]})`,
  take_along: (c) => `R.take_along(${c.inputs[0]}, ${c.inputs[1]}, ${axis(c)})`,
  one_hot: (c) => `torch.nn.functional.one_hot(${c.inputs[0]}, ${c.dim(c.step.type.shape[c.step.type.shape.length - 1])}).to(torch.float32)`,
  causal_mask: (c) => `R.causal_mask(${c.dim(c.step.attrs["n"])}, device)`,
  masked_mean: (c) => `R.masked_mean(${c.inputs[0]}, ${c.inputs[1]})`,
  hash_ngrams: (c) => `R.hash_ngrams(${c.inputs[0]}, ${c.dim(c.step.attrs["order"])}, ${c.dim(c.step.attrs["buckets"])})`,
  hash_ids: (c) => `R.hash_ids(${c.inputs[0]}, ${c.dim(c.step.attrs["buckets"])}, ${c.dim(c.step.attrs["seed"] ?? 0)})`,
  topk: (c) => `R.topk(${c.inputs[0]}, ${c.dim(c.step.attrs["k"])}, ${Number(c.step.attrs["output"] ?? 0) === 1 ? "True" : "False"})`,
};
