// fuse: groups chains of fusable ops (the registry's `fusable`: elementwise, one output element
// per input element) into regions a backend may run as one kernel. A node joins its producer's
// region when the producer is fusable and has no other consumer.
// Before: %3 = mul(%1, %2); %4 = add(%3, %0); %5 = relu(%4). After: the three carry `#1`.

import { OPS } from "../ops/index.js";
import type { IrModel } from "../ir/ir.js";
import type { Pass } from "./pass.js";

export const fuse: Pass = {
  name: "fuse",
  description: "Marks maximal chains of single-consumer fusable ops as fusion regions (`#n`).",
  run(model: IrModel) {
    const fusable = (op: string) => OPS.get(op)?.fusable === true;
    const consumers = new Map<number, number>();
    for (const node of model.nodes) for (const i of node.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
    for (const o of model.outputs) consumers.set(o.node, (consumers.get(o.node) ?? 0) + 1);
    const region = new Map<number, number>();
    let next = 0;
    for (const node of model.nodes) {
      if (!fusable(node.op)) continue;
      const joinable = node.inputs.find((i) => region.has(i) && consumers.get(i) === 1);
      region.set(node.id, joinable !== undefined ? region.get(joinable)! : next++);
    }
    const sizes = new Map<number, number>();
    for (const r of region.values()) sizes.set(r, (sizes.get(r) ?? 0) + 1);
    // Number the regions of two or more nodes densely, in order of appearance.
    const numbering = new Map<number, number>();
    const nodes = model.nodes.map((node) => {
      const r = region.get(node.id);
      const { group: _old, ...rest } = node;
      if (r === undefined || (sizes.get(r) ?? 0) < 2) return rest;
      if (!numbering.has(r)) numbering.set(r, numbering.size + 1);
      return { ...rest, group: numbering.get(r)! };
    });
    return { ...model, nodes };
  },
};
