// Every tfjs kernel, by category: one file per category of the op registry, so an op's rule
// (compiler/src/ops/<category>.ts), reference (compiler/src/ir/reference/<category>.ts) and kernel
// sit in same-named files. The runtime imports nothing of the registry; a test checks that
// the three key sets agree.

import { ELEMENTWISE_KERNELS } from "./elementwise.js";
import { REDUCTION_KERNELS } from "./reduction.js";
import { LINALG_KERNELS } from "./linalg.js";
import { SHAPE_KERNELS } from "./shape.js";
import { NN_KERNELS } from "./nn.js";
import { METRICS_KERNELS } from "./metrics.js";
import { RL_KERNELS } from "./rl.js";
import { RANDOM_KERNELS } from "./random.js";
import type { Kernel } from "./kernel.js";

export type { Kernel, KernelContext } from "./kernel.js";

export const KERNELS_BY_CATEGORY: Readonly<Record<string, Readonly<Record<string, Kernel>>>> = {
  elementwise: ELEMENTWISE_KERNELS,
  reduction: REDUCTION_KERNELS,
  linalg: LINALG_KERNELS,
  shape: SHAPE_KERNELS,
  nn: NN_KERNELS,
  metrics: METRICS_KERNELS,
  rl: RL_KERNELS,
  random: RANDOM_KERNELS,
};

export const KERNELS: Readonly<Record<string, Kernel>> = Object.assign({}, ...Object.values(KERNELS_BY_CATEGORY));
