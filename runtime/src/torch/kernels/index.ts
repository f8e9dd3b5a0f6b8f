// Every torch lowering, by category: one file per category of the op registry, beside the tfjs
// kernels (runtime/src/tfjs/kernels/) and the references (compiler/src/ir/reference/); a test checks
// that the key sets agree.

import { ELEMENTWISE_TORCH } from "./elementwise.js";
import { REDUCTION_TORCH } from "./reduction.js";
import { LINALG_TORCH } from "./linalg.js";
import { SHAPE_TORCH } from "./shape.js";
import { NN_TORCH } from "./nn.js";
import { METRICS_TORCH } from "./metrics.js";
import { RL_TORCH } from "./rl.js";
import { RANDOM_TORCH } from "./random.js";
import type { TorchLowering } from "./lowering.js";

export type { TorchContext, TorchLowering } from "./lowering.js";

export const TORCH_BY_CATEGORY: Readonly<Record<string, Readonly<Record<string, TorchLowering>>>> = {
  elementwise: ELEMENTWISE_TORCH,
  reduction: REDUCTION_TORCH,
  linalg: LINALG_TORCH,
  shape: SHAPE_TORCH,
  nn: NN_TORCH,
  metrics: METRICS_TORCH,
  rl: RL_TORCH,
  random: RANDOM_TORCH,
};

export const TORCH_LOWERINGS: Readonly<Record<string, TorchLowering>> = Object.assign({}, ...Object.values(TORCH_BY_CATEGORY));
