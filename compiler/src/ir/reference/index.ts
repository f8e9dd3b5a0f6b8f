// Every reference implementation, by category (one file per category of the op registry).

import { ELEMENTWISE_REFERENCE } from "./elementwise.js";
import { LINALG_REFERENCE } from "./linalg.js";
import { METRICS_REFERENCE } from "./metrics.js";
import { NN_REFERENCE } from "./nn.js";
import { REDUCTION_REFERENCE } from "./reduction.js";
import type { Reference } from "./reference.js";
import { RANDOM_REFERENCE } from "./random.js";
import { RL_REFERENCE } from "./rl.js";
import { SHAPE_REFERENCE } from "./shape.js";
import type { OpCategory } from "../../ops/types.js";

export const REFERENCE_BY_CATEGORY: Readonly<Record<OpCategory, Readonly<Record<string, Reference>>>> = {
  elementwise: ELEMENTWISE_REFERENCE,
  reduction: REDUCTION_REFERENCE,
  linalg: LINALG_REFERENCE,
  shape: SHAPE_REFERENCE,
  nn: NN_REFERENCE,
  metrics: METRICS_REFERENCE,
  rl: RL_REFERENCE,
  random: RANDOM_REFERENCE,
};

export const REFERENCE: ReadonlyMap<string, Reference> = new Map(Object.values(REFERENCE_BY_CATEGORY).flatMap((table) => Object.entries(table)));
