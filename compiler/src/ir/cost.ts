// The cost of a graph: for every node the outputs depend on (liveNodes), its op's cost from the
// registry (floating-point operations) and the bytes it moves (its tensor inputs read once, its
// output written once). Dead branches cost nothing, as they are never run; nodes hash-consed
// into one are counted once; a tuple op (topk) is counted once per call, not once per element.
// In: a graph. Out: FLOPs and bytes per batch, as polynomials in the symbolic dims.

import { OPS } from "../ops/index.js";
import { addDims, constDim, mulDims, type Dim } from "../types/dims.js";
import { DTYPE_BYTES, numel, type TensorType } from "../types/tensor-type.js";
import { printAttr } from "./attrs.js";
import { liveNodes, type IrModel } from "./ir.js";

export interface GraphCost {
  readonly flops: Dim;
  readonly bytes: Dim;
}

const bytesOf = (type: TensorType): Dim => mulDims(constDim(DTYPE_BYTES[type.dtype]), numel(type.shape));

export function graphCost(model: IrModel): GraphCost {
  const live = liveNodes(model);
  let flops = constDim(0);
  let bytes = constDim(0);
  const tupleCalls = new Set<string>();
  for (const node of model.nodes) {
    const op = OPS.get(node.op);
    if (!op || !live.has(node.id)) continue;
    const inputs = node.inputs.map((i) => model.nodes[i]!.type);
    if (op.tuple) {
      // The elements of one call share op, inputs and attributes but `output`.
      const call = `${node.op}(${node.inputs.join(",")})${[...node.attrs]
        .filter(([k]) => k !== "output")
        .map(([k, v]) => `${k}=${printAttr(v)}`)
        .join(",")}`;
      bytes = addDims(bytes, bytesOf(node.type));
      if (tupleCalls.has(call)) continue;
      tupleCalls.add(call);
    } else bytes = addDims(bytes, bytesOf(node.type));
    flops = addDims(flops, op.cost(inputs, node.type).flops);
    bytes = inputs.reduce((acc, t) => addDims(acc, bytesOf(t)), bytes);
  }
  return { flops, bytes };
}

/**
 * The bytes of every value the forward pass computes (each live node's output, leaves excluded),
 * per batch, as a polynomial in the symbolic dims: what training keeps for the backward pass.
 */
export function activationBytes(model: IrModel): Dim {
  const live = liveNodes(model);
  let bytes = constDim(0);
  for (const node of model.nodes) if (live.has(node.id) && OPS.has(node.op)) bytes = addDims(bytes, bytesOf(node.type));
  return bytes;
}
