// IR → text (spec/ir.md): one line per node, `%3 = matmul(%1, %2) {…} : f32[B, N] @14:3`,
// then one line per output. parser.ts reads it back; print(parse(print(m))) == print(m).

import { printDim } from "../types/dims.js";
import type { TensorType } from "../types/tensor-type.js";
import { printAttr } from "./attrs.js";
import type { IrModel, IrNode } from "./ir.js";

export function printTensorType(type: TensorType): string {
  const dtype = type.dtype === "id" ? `id<${type.space?.name ?? ""}:${type.space ? printDim(type.space.size) : "?"}>` : type.dtype;
  return `${dtype}[${type.shape.map(printDim).join(", ")}]`;
}

export function printNode(node: IrNode): string {
  const inputs = node.inputs.length ? `(${node.inputs.map((i) => `%${i}`).join(", ")})` : "";
  const attrs = node.attrs.size ? ` {${[...node.attrs].map(([k, v]) => `${k} = ${printAttr(v)}`).join(", ")}}` : "";
  const loc = node.loc ? ` @${node.loc.line}:${node.loc.column}` : "";
  const group = node.group !== undefined ? ` #${node.group}` : "";
  return `%${node.id} = ${node.op}${inputs}${attrs} : ${printTensorType(node.type)}${loc}${group}`;
}

export function printModel(model: IrModel): string {
  const lines = [`model ${model.name} [${model.dims.join(", ")}] {`];
  for (const node of model.nodes) lines.push(`  ${printNode(node)}`);
  for (const output of model.outputs) lines.push(`  ${output.role} ${output.name} = %${output.node}`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function printModels(models: readonly IrModel[]): string {
  return models.map(printModel).join("\n");
}
