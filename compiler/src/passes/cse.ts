// cse: common-subexpression elimination. Rebuilding the graph re-interns every node, so
// computations that became equal after other rewrites merge.
// Before: %3 = exp(%1); %4 = exp(%1); %5 = add(%3, %4). After: %3 = exp(%1); %4 = add(%3, %3).

import { rebuild } from "../ir/builder.js";
import type { Pass } from "./pass.js";

export const cse: Pass = {
  name: "cse",
  description: "Merges equal computations (same op, inputs, attributes and type) into one node.",
  run: (model) => rebuild(model, () => undefined),
};
