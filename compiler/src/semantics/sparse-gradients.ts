// The gradient memory of weights trained sparsely, for the summary and the memory check. An
// embedding table that trains sparsely (runtime/src/tfjs/train/sparse-optimizers.ts: its group's
// optimizer is sgd without momentum, adagrad, rowwise_adagrad or lazy_adam, not `sparse =
// false`, no gradient pipeline, and only row lookups read the table) keeps a gradient for the
// rows one batch looks up, never a table-sized one. In: the model's graph, the first train
// block's batch size. Out: gradient bytes per weight path, where a table trains sparsely.

import { OPS } from "../ops/index.js";
import type { IrModel } from "../ir/ir.js";
import { evaluateDim } from "../types/dims.js";
import { numel } from "../types/tensor-type.js";

/** Whether the embedding group's optimizer config trains lookup-only tables sparsely. */
export function trainsSparsely(config: { name: string; args: ReadonlyMap<string, { kind: string; value?: unknown }> } | undefined, pipeline: boolean): boolean {
  if (!config || pipeline) return false;
  if (config.args.get("sparse")?.value === false) return false;
  if (config.name === "sgd") {
    const momentum = config.args.get("momentum");
    return momentum === undefined || (momentum.kind === "float" && momentum.value === 0);
  }
  return ["adagrad", "rowwise_adagrad", "lazy_adam"].includes(config.name);
}

/**
 * For each table read only by row lookups: the bytes of the rows a batch of `batch` looks up
 * (every lookup's ids, at most the table's rows), 4 bytes a value. Tables with a whole reader,
 * or whose sizes are not known, are absent.
 */
export function lookupGradientBytes(graph: IrModel, batch: number): Map<string, number> {
  const out = new Map<string, number>();
  const batchDim = graph.dims[0];
  const size = (d: Parameters<typeof evaluateDim>[0]) => evaluateDim(d, (s) => (s === batchDim ? batch : undefined));
  for (const param of graph.nodes) {
    const name = param.attrs.get("name");
    if (param.op !== "param" || name?.kind !== "string") continue;
    const readers = graph.nodes.filter((n) => n.inputs.includes(param.id));
    const lookups = readers.filter((n) => OPS.get(n.op)?.rowLookup && n.inputs.indexOf(param.id) === 0 && n.inputs.lastIndexOf(param.id) === 0);
    if (!lookups.length || lookups.length !== readers.length) continue;
    const [rows, width] = [size(param.type.shape[0]!), size(numel(param.type.shape.slice(1)))];
    const looked = lookups.reduce<number | undefined>((sum, n) => {
      const ids = size(numel(graph.nodes[n.inputs[1]!]!.type.shape));
      return sum === undefined || ids === undefined ? undefined : sum + ids;
    }, 0);
    if (rows === undefined || width === undefined || looked === undefined) continue;
    out.set(name.value, Math.min(rows, looked) * width * 4);
  }
  return out;
}
