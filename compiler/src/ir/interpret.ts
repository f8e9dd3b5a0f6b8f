// The reference interpreter: runs an IR graph on plain Float64Arrays through each op's reference
// implementation (reference/<category>.ts). It is the yardstick for passes (a pass must not
// change its results) and for every backend. Dims are given concrete sizes; inputs and params
// are fed by name.

import { OPS } from "../ops/index.js";
import { evaluateDim, type Dim } from "../types/dims.js";
import type { IrModel, IrNode } from "./ir.js";
import { REFERENCE } from "./reference/index.js";
import { make, num, type Tensor } from "./reference/reference.js";

export type { Tensor };

export class InterpretError extends Error {
  override readonly name = "InterpretError";
}

/**
 * Evaluates every node. `frozen` holds, for the nodes of ops that stop gradients (the registry's
 * `stopsGradient`), the first input's value at an earlier evaluation: their constant parts use
 * it instead of the current one, so finite differences of the result are the gradient a
 * framework computes with stop-gradient semantics. `stopped` (when given) receives the values
 * to freeze on a later evaluation. `training` is what `is_training()` reads (the gradient checks
 * run the train entry as training does); random ops give their deterministic values either way.
 */
export function interpret(
  model: IrModel,
  sizes: Readonly<Record<string, number>>,
  feeds: ReadonlyMap<string, Tensor>,
  gradientStops: { frozen?: ReadonlyMap<number, Tensor>; stopped?: Map<number, Tensor>; training?: boolean } = {},
): Map<number, Tensor> {
  const dim = (d: Dim) => {
    const n = evaluateDim(d, (s) => sizes[s]);
    if (n === undefined) throw new InterpretError(`no size for a dimension of ${model.name}`);
    return n;
  };
  const values = new Map<number, Tensor>();
  for (const node of model.nodes) {
    const shape = node.type.shape.map(dim);
    const inputs = node.inputs.map((i) => values.get(i)!);
    let frozen: Tensor | undefined;
    if (OPS.get(node.op)?.stopsGradient) {
      gradientStops.stopped?.set(node.id, inputs[0]!);
      frozen = gradientStops.frozen?.get(node.id);
    }
    values.set(node.id, run(node, inputs, shape, feeds, dim, frozen, gradientStops.training ?? false));
  }
  return values;
}

function run(
  node: IrNode,
  inputs: Tensor[],
  shape: number[],
  feeds: ReadonlyMap<string, Tensor>,
  dim: (d: Dim) => number,
  frozen: Tensor | undefined,
  training: boolean,
): Tensor {
  switch (node.op) {
    case "const":
      return make(shape, () => num(node.attrs.get("value"), dim));
    case "input":
    case "param": {
      const name = node.attrs.get("name")?.kind === "string" ? (node.attrs.get("name") as { value: string }).value : "";
      const fed = feeds.get(name);
      if (!fed) throw new InterpretError(`no value fed for ${node.op} \`${name}\``);
      if (fed.shape.join() !== shape.join()) throw new InterpretError(`\`${name}\` fed as [${fed.shape}], declared [${shape}]`);
      return fed;
    }
  }
  const reference = REFERENCE.get(node.op);
  if (!reference) throw new InterpretError(`the reference interpreter has no implementation of \`${node.op}\``);
  return reference(inputs, { node, shape, dim, training, ...(frozen ? { frozen } : {}) });
}
