// Torch lowering of the linalg ops (rules: compiler/src/ops/linalg.ts).

import { torchDtype, type TorchLowering } from "./lowering.js";

export const LINALG_TORCH: Readonly<Record<string, TorchLowering>> = {
  // [..., M, K] @ [K, N] as one 2-D product over the flattened leading axes (a Dense layer).
  matmul: (c) => `R.matmul(${c.inputs[0]}, ${c.inputs[1]}, ${torchDtype(c.step.type)})`,
  inverse: (c) => `torch.linalg.inv(${c.inputs[0]})`,
  solve: (c) => `torch.linalg.solve(${c.inputs[0]}, ${c.inputs[1]})`,
  cholesky: (c) => `torch.linalg.cholesky(${c.inputs[0]})`,
};
