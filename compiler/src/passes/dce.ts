// dce: dead-code elimination. Keeps the nodes the outputs depend on, and every input (the
// model's interface); everything else — unused weights included — goes.
// Before: %2 = exp(%0) used by nothing. After: %2 is gone.

import { rebuild } from "../ir/builder.js";
import { liveNodes, type IrModel } from "../ir/ir.js";
import type { Pass } from "./pass.js";

export const dce: Pass = {
  name: "dce",
  description: "Removes nodes no output depends on (inputs are kept: they are the model's interface).",
  run(model: IrModel) {
    const live = liveNodes(model);
    const kept = { ...model, nodes: model.nodes.filter((n) => live.has(n.id)) };
    // Renumber densely: rebuild over the kept nodes in order.
    const index = new Map(kept.nodes.map((n, i) => [n.id, i]));
    const renumbered: IrModel = {
      ...model,
      nodes: kept.nodes.map((n, i) => ({ ...n, id: i, inputs: n.inputs.map((x) => index.get(x)!) })),
      outputs: model.outputs.map((o) => ({ ...o, node: index.get(o.node)! })),
    };
    return rebuild(renumbered, () => undefined);
  },
};
