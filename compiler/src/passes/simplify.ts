// simplify: algebraic identities that keep the node's type, read from each op's `algebra` in the
// registry: an identity element (x + 0 → x, 0 + x → x, x − 0 → x, x · 1 → x, x / 1 → x), an
// identity op (identity(x) → x), an involution (−(−x) → x, not(not x) → x, transpose of a
// last-two-axes transpose → x), idempotence (stop_gradient twice → once) and outer-wins chains
// (reshape(reshape(x, s), t) → reshape(x, t)). The pass names no op.

import { OPS } from "../ops/index.js";
import { rebuild } from "../ir/builder.js";
import type { IrModel, IrNode } from "../ir/ir.js";
import { printTensorType } from "../ir/printer.js";
import { constValue } from "../types/dims.js";
import type { Pass } from "./pass.js";

export const simplify: Pass = {
  name: "simplify",
  description:
    "Applies the registry's algebraic identities (x + 0, x * 1, double negation, transpose of transpose, reshape chains) where the type is unchanged.",
  run(model: IrModel) {
    const built: IrNode[] = [];
    return rebuild(model, (node, builder, inputs) => {
      const input = (i: number) => built[inputs[i]!];
      const sameType = (id: number | undefined) =>
        id !== undefined && built[id] !== undefined && printTensorType(built[id]!.type) === printTensorType(node.type);
      const isConst = (id: number, value: number) => {
        const n = built[id];
        if (n?.op !== "const") return false;
        const a = n.attrs.get("value");
        return (a?.kind === "float" && a.value === value) || (a?.kind === "int" && constValue(a.dim) === value);
      };
      const algebra = OPS.get(node.op)?.algebra;
      let replacement: number | undefined;
      const unit = algebra?.identityElement;
      if (unit) {
        if (isConst(inputs[1]!, unit.value) && sameType(inputs[0])) replacement = inputs[0];
        else if (unit.commutes && isConst(inputs[0]!, unit.value) && sameType(inputs[1])) replacement = inputs[1];
      } else if (algebra?.isIdentity) {
        if (sameType(inputs[0])) replacement = inputs[0];
      } else if (algebra?.involution) {
        const inner = input(0);
        const condition = algebra.involution;
        const applies = (n: IrNode) => condition === true || n.attrs.get(condition.whenNone)?.kind === "none";
        if (inner?.op === node.op && applies(inner) && applies(node) && sameType(inner.inputs[0])) replacement = inner.inputs[0];
      } else if (algebra?.idempotent) {
        if (input(0)?.op === node.op) replacement = inputs[0];
      } else if (algebra?.outerWins) {
        const inner = input(0);
        if (inner?.op === node.op) {
          replacement = sameType(inner.inputs[0])
            ? inner.inputs[0]
            : builder.add(node.op, [inner.inputs[0]!, ...inputs.slice(1)], node.attrs, node.type, node.loc);
        }
      }
      const id = replacement ?? builder.add(node.op, inputs, node.attrs, node.type, node.loc);
      if (built[id] === undefined) built[id] = { ...node, id, inputs };
      return id;
    });
  },
};
