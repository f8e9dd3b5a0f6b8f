// Torch lowerings of the random and mode ops (rules: compiler/src/ops/random.ts): each draws from a
// generator seeded per op while training (R.stream_seed, as the tfjs kernels' ctx.seed) and
// gives the rule's deterministic value otherwise (runtime/python/reclang_torch/ops.py).

import { py, type TorchContext, type TorchLowering } from "./lowering.js";

const stream = (c: TorchContext) => `R.stream_seed(seed, ${c.step.id})`;
const shapeOf = (c: TorchContext) => `[${(c.step.attrs["shape"] as unknown[]).map((d) => c.dim(d as never)).join(", ")}]`;

export const RANDOM_TORCH: Readonly<Record<string, TorchLowering>> = {
  random_normal: (c) => `R.random_normal(${shapeOf(c)}, ${py(c.step.attrs["mean"] ?? 0)}, ${py(c.step.attrs["stddev"] ?? 1)}, training, ${stream(c)}, device)`,
  random_uniform: (c) => `R.random_uniform(${shapeOf(c)}, ${py(c.step.attrs["low"] ?? 0)}, ${py(c.step.attrs["high"] ?? 1)}, training, ${stream(c)}, device)`,
  bernoulli: (c) => `R.bernoulli(${c.inputs[0]}, training, ${stream(c)})`,
  randint: (c) => `R.randint(${shapeOf(c)}, ${c.dim(c.step.attrs["n"])}, training, ${stream(c)}, device)`,
  permutation: (c) => `R.permutation(${c.dim(c.step.attrs["n"])}, training, ${stream(c)}, device)`,
  sample_negatives: (c) => `R.sample_negatives(${c.inputs[0]}, ${c.dim(c.step.attrs["n"])}, training, ${stream(c)})`,
  is_training: () => `torch.tensor(bool(training), device=device)`,
};
