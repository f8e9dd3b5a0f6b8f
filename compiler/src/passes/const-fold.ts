// const-fold: evaluates ops whose inputs are all scalar constants, with the fold rule the
// registry gives the op. Before: %1 = const 2.0; %2 = const 3.0; %3 = mul(%1, %2).
// After: %3 = const 6.0.

import { OPS } from "../ops/index.js";
import { rebuild } from "../ir/builder.js";
import type { Attr, IrModel } from "../ir/ir.js";
import type { Pass } from "./pass.js";
import { constValue } from "../types/dims.js";

export const constFold: Pass = {
  name: "const-fold",
  description: "Replaces an op over scalar constants by its constant result (ops with a fold rule).",
  run(model: IrModel) {
    const constants = new Map<number, number>();
    return rebuild(model, (node, builder, inputs) => {
      if (node.op === "const") {
        const value = scalarOf(node.attrs.get("value"));
        const id = builder.add("const", [], node.attrs, node.type, node.loc);
        if (value !== undefined) constants.set(id, value);
        return id;
      }
      const fold = OPS.get(node.op)?.fold;
      if (!fold || node.type.shape.length !== 0 || !inputs.every((i) => constants.has(i))) return undefined;
      const result = fold(inputs.map((i) => constants.get(i)!));
      if (!Number.isFinite(result)) return undefined;
      const value = node.type.dtype === "i32" ? Math.trunc(result) : result;
      const attr: Attr =
        node.type.dtype === "i32" ? { kind: "int", dim: { terms: value === 0 ? new Map() : new Map([["", value]]) } } : { kind: "float", value };
      const id = builder.add("const", [], new Map([["value", attr]]), node.type, node.loc);
      constants.set(id, value);
      return id;
    });
  },
};

function scalarOf(attr: Attr | undefined): number | undefined {
  if (attr?.kind === "float") return attr.value;
  if (attr?.kind === "int") return constValue(attr.dim);
  return undefined;
}
