// The op registry: every run-time primitive of the language, by name, in one table. Each category
// has four same-named files: the rules here (compiler/src/ops/<category>.ts), the reference
// implementations (compiler/src/ir/reference/<category>.ts), the tfjs kernels
// (runtime/src/tfjs/kernels/<category>.ts) and the torch lowerings
// (runtime/src/torch/kernels/<category>.ts). The language's compile-time builtins (len, range,
// fold,
// optimizers, data sources) are not ops: they live with the checker (semantics/builtins/).

import { ELEMENTWISE_OPS, OPERATOR_OPS, UNARY_OPERATOR_OPS } from "./elementwise.js";
import { LINALG_OPS } from "./linalg.js";
import { METRIC_OPS } from "./metrics.js";
import { NN_OPS } from "./nn.js";
import { REDUCTION_OPS } from "./reduction.js";
import { RANDOM_OPS } from "./random.js";
import { RL_OPS } from "./rl.js";
import { SHAPE_OPS } from "./shape.js";
import type { OpDef } from "./types.js";

export const ALL_OPS: readonly OpDef[] = [
  ...ELEMENTWISE_OPS,
  ...REDUCTION_OPS,
  ...LINALG_OPS,
  ...SHAPE_OPS,
  ...NN_OPS,
  ...METRIC_OPS,
  ...RL_OPS,
  ...RANDOM_OPS,
];

export const OPS: ReadonlyMap<string, OpDef> = new Map(ALL_OPS.map((op) => [op.name, op]));

if (OPS.size !== ALL_OPS.length) throw new Error("two ops share a name in the registry");

export { OPERATOR_OPS, UNARY_OPERATOR_OPS };
export type { OpDef };
