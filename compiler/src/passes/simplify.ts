// simplify: algebraic identities that keep the node's type. x + 0 → x, x − 0 → x, x · 1 → x,
// x / 1 → x, identity(x) → x, −(−x) → x, not(not x) → x, transpose(transpose(x)) → x for
// last-two-axes swaps, reshape(reshape(x, s), t) → reshape(x, t), stop_gradient twice → once.

import { rebuild } from "../ir/builder.js";
import type { IrModel, IrNode } from "../ir/ir.js";
import { printTensorType } from "../ir/printer.js";
import { constValue } from "../semantics/dims.js";
import type { Pass } from "./pass.js";

export const simplify: Pass = {
  name: "simplify",
  description: "Applies algebraic identities (x + 0, x * 1, double negation, transpose of transpose, reshape chains) where the type is unchanged.",
  run(model: IrModel) {
    const built: IrNode[] = [];
    const result = rebuild(model, (node, builder, inputs) => {
      const input = (i: number) => built[inputs[i]!];
      const sameType = (id: number | undefined) => id !== undefined && built[id] !== undefined && printTensorType(built[id]!.type) === printTensorType(node.type);
      const isConst = (id: number, value: number) => {
        const n = built[id];
        if (n?.op !== "const") return false;
        const a = n.attrs.get("value");
        return (a?.kind === "float" && a.value === value) || (a?.kind === "int" && constValue(a.dim) === value);
      };
      let replacement: number | undefined;
      switch (node.op) {
        case "add":
          if (isConst(inputs[1]!, 0) && sameType(inputs[0])) replacement = inputs[0];
          else if (isConst(inputs[0]!, 0) && sameType(inputs[1])) replacement = inputs[1];
          break;
        case "sub":
          if (isConst(inputs[1]!, 0) && sameType(inputs[0])) replacement = inputs[0];
          break;
        case "mul":
          if (isConst(inputs[1]!, 1) && sameType(inputs[0])) replacement = inputs[0];
          else if (isConst(inputs[0]!, 1) && sameType(inputs[1])) replacement = inputs[1];
          break;
        case "div":
          if (isConst(inputs[1]!, 1) && sameType(inputs[0])) replacement = inputs[0];
          break;
        case "identity":
          if (sameType(inputs[0])) replacement = inputs[0];
          break;
        case "neg":
        case "logical_not":
          if (input(0)?.op === node.op && sameType(input(0)!.inputs[0])) replacement = input(0)!.inputs[0];
          break;
        case "transpose": {
          const inner = input(0);
          const swaps = (n: IrNode) => n.attrs.get("perm")?.kind === "none";
          if (inner?.op === "transpose" && swaps(inner) && swaps(node) && sameType(inner.inputs[0])) replacement = inner.inputs[0];
          break;
        }
        case "reshape": {
          const inner = input(0);
          if (inner?.op === "reshape") {
            replacement = sameType(inner.inputs[0]) ? inner.inputs[0] : builder.add("reshape", [inner.inputs[0]!], node.attrs, node.type, node.loc);
          }
          break;
        }
        case "stop_gradient":
          if (input(0)?.op === "stop_gradient") replacement = inputs[0];
          break;
      }
      const id = replacement ?? builder.add(node.op, inputs, node.attrs, node.type, node.loc, node.op === "dropout" || node.op === "sample_categorical");
      if (built[id] === undefined) built[id] = { ...node, id, inputs };
      return id;
    });
    return result;
  },
};
