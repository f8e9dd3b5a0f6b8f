// Torch lowerings of the reductions (rules: compiler/src/ops/reduction.ts).

import { axes, axis, py, rankOf, type TorchContext, type TorchLowering } from "./lowering.js";

/** `f(x, dim=…, keepdim=…)` over the op's axes (every axis when it has none). */
const reduce =
  (f: (x: string, dims: string, keep: string) => string): TorchLowering =>
  (c: TorchContext) => {
    const rank = rankOf(c, 0);
    const dims = axes(c, rank) ?? [...Array(rank).keys()];
    return f(c.inputs[0]!, py(dims), c.step.attrs["keepdims"] ? "True" : "False");
  };

export const REDUCTION_TORCH: Readonly<Record<string, TorchLowering>> = {
  sum: reduce((x, dims, keep) => `torch.sum(${x}, dim=${dims}, keepdim=${keep})`),
  mean: reduce((x, dims, keep) => `torch.mean(${x}, dim=${dims}, keepdim=${keep})`),
  max: reduce((x, dims, keep) => `torch.amax(${x}, dim=${dims}, keepdim=${keep})`),
  min: reduce((x, dims, keep) => `torch.amin(${x}, dim=${dims}, keepdim=${keep})`),
  logsumexp: reduce((x, dims, keep) => `torch.logsumexp(${x}, dim=${dims}, keepdim=${keep})`),
  softmax: (c) => `torch.softmax(${c.inputs[0]}, dim=${axis(c)})`,
  log_softmax: (c) => `torch.log_softmax(${c.inputs[0]}, dim=${axis(c)})`,
  argmax: (c) => `torch.argmax(${c.inputs[0]}, dim=${axis(c)})`,
  cumsum: (c) => `torch.cumsum(${c.inputs[0]}, dim=${axis(c)})`,
};
