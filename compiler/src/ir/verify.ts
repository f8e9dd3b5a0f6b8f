// The IR verifier: the invariants every stage keeps. Nodes are numbered in order and only use
// earlier nodes; every op is a leaf or a registry op (so no module calls survive: elaboration
// inlines them); each node's type is exactly what its op's rule gives for its inputs and
// attributes; outputs exist and losses are f32 scalars. Problems are compiler bugs, returned
// as messages for the pass manager to raise.

import { OPS } from "../ops/index.js";
import type { OpArg, OpTensor } from "../ops/types.js";
import type { TensorType } from "../types/tensor-type.js";
import { Unifier } from "../types/unify.js";
import { opArgOf } from "./attrs.js";
import { LEAF_OPS, type IrModel, type IrNode } from "./ir.js";
import { printTensorType } from "./printer.js";

export function verify(model: IrModel): string[] {
  const problems: string[] = [];
  const at = (node: IrNode, why: string) => problems.push(`${model.name} %${node.id} (${node.op}): ${why}`);
  model.nodes.forEach((node, index) => {
    if (node.id !== index) at(node, `numbered %${node.id} at position ${index}`);
    for (const input of node.inputs) if (input >= node.id || input < 0) at(node, `uses %${input}, which does not come before it`);
    if (LEAF_OPS.has(node.op)) {
      if (node.inputs.length) at(node, "a leaf has no inputs");
      return;
    }
    const op = OPS.get(node.op);
    if (!op) {
      at(node, "not an op of the registry");
      return;
    }
    const inferred = reinfer(model, node);
    if ("error" in inferred) at(node, inferred.error);
    else if (inferred.type !== printTensorType(node.type)) at(node, `type ${printTensorType(node.type)}, but its rule gives ${inferred.type}`);
  });
  for (const output of model.outputs) {
    const node = model.nodes[output.node];
    if (!node) problems.push(`${model.name}: output ${output.name} refers to a missing node %${output.node}`);
    else if (output.role === "loss" && (node.type.dtype !== "f32" || node.type.shape.length !== 0)) {
      problems.push(`${model.name}: loss ${output.name} is ${printTensorType(node.type)}, not f32[]`);
    }
  }
  return problems;
}

/** The type the registry's rule gives a node, printed; or why it could not be computed. */
function reinfer(model: IrModel, node: IrNode): { type: string } | { error: string } {
  const op = OPS.get(node.op)!;
  const args = new Map<string, OpArg>();
  const tensor = (i: number): OpTensor => {
    const input = model.nodes[node.inputs[i]!]!;
    // Numbers written in the source are weak scalars: their dtype follows the other operand.
    const weak = input.op === "const" && input.type.dtype !== "bool";
    return { kind: "tensor", type: input.type, ...(weak ? { weak } : {}) };
  };
  const tensorParams = op.params.filter((p) => p.kind === "tensor").length;
  let next = 0;
  for (const param of op.params) {
    if (param.kind === "tensor") args.set(param.name, tensor(next++));
    else if (param.kind === "tensors") {
      const count = node.inputs.length - tensorParams;
      args.set(param.name, { kind: "list", items: Array.from({ length: count }, () => tensor(next++)) });
    } else {
      const attr = node.attrs.get(param.name);
      if (attr) args.set(param.name, opArgOf(attr, param.kind));
      else if (param.default) args.set(param.name, param.default);
      else return { error: `missing attribute \`${param.name}\`` };
    }
  }
  try {
    const result = op.infer(args, {
      unifier: new Unifier(),
      fail: (code, failArgs) => {
        throw new Error(`its rule fails: ${code} ${JSON.stringify(failArgs)}`);
      },
    });
    if (!op.tuple)
      return Array.isArray(result)
        ? { error: "its rule gives a tuple, and the registry declares none" }
        : { type: printTensorType(result as Exclude<typeof result, readonly unknown[]>) };
    const output = node.attrs.get("output");
    const item =
      output?.kind === "int" && Array.isArray(result) ? (result as readonly TensorType[])[Number([...output.dim.terms.values()][0] ?? 0)] : undefined;
    return item ? { type: printTensorType(item) } : { error: "its rule gives a tuple, and the node names no element of it" };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
