// The op registry: every primitive of the language, by name, in one table. The checker reads
// only this; adding an op means adding it to one category file listed here.

import { COMPILE_TIME_OPS } from "./compile-time.js";
import { CONFIG_OPS } from "./config.js";
import { ELEMENTWISE_OPS, OPERATOR_OPS } from "./elementwise.js";
import { EXTRA_OPS } from "./extra.js";
import { indexOp } from "./index-op.js";
import { LINALG_OPS } from "./linalg.js";
import { METRIC_OPS } from "./metrics.js";
import { NN_OPS } from "./nn.js";
import { REDUCTION_OPS } from "./reduction.js";
import { SHAPE_OPS } from "./shape.js";
import type { OpDef } from "./types.js";

export const ALL_OPS: readonly OpDef[] = [
  ...ELEMENTWISE_OPS,
  ...REDUCTION_OPS,
  ...LINALG_OPS,
  ...SHAPE_OPS,
  indexOp,
  ...NN_OPS,
  ...METRIC_OPS,
  ...COMPILE_TIME_OPS,
  ...EXTRA_OPS,
  ...CONFIG_OPS,
];

export const OPS: ReadonlyMap<string, OpDef> = new Map(ALL_OPS.map((op) => [op.name, op]));

if (OPS.size !== ALL_OPS.length) throw new Error("two ops share a name in the registry");

export { OPERATOR_OPS };
export type { OpDef };
