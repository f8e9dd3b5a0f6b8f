// Torch lowering of matmul (rule: compiler/src/ops/linalg.ts).

import { torchDtype, type TorchLowering } from "./lowering.js";

export const LINALG_TORCH: Readonly<Record<string, TorchLowering>> = {
  // [..., M, K] @ [K, N] as one 2-D product over the flattened leading axes (a Dense layer).
  matmul: (c) => `R.matmul(${c.inputs[0]}, ${c.inputs[1]}, ${torchDtype(c.step.type)})`,
};
