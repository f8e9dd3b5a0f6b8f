// Which stored tensor each weight of a model loads from, for checkpoints reclang did not write.
// In: the model's weights (qualified name → shape), the file's tensors, and the spec's name map
// (`init { map = { "user_tower.0": "user.mlp.layers.0" } }`: checkpoint name or prefix → model
// name or prefix). Out: a source per weight (and whether it is transposed), the notes to print,
// and one problem per mismatch naming both sides. checkpoint.ts copies the values.
//
// A weight W is looked for under, in order: the map's name for it (the longest map entry whose
// model side is W or a prefix of it), then W itself (a reclang checkpoint of this model, which a
// spec's map for another file does not describe); each followed by, under its parent, PyTorch's
// name for its last part (PYTORCH_NAMES): a module tree with reclang's attribute names
// (`user.mlp.layers.0`) and PyTorch's layers (`nn.Linear`, `nn.Embedding`, `nn.LayerNorm`) loads
// without a map. A `weight` loaded into a `kernel` is an `nn.Linear` weight, stored [out, in]:
// it is transposed to reclang's [in, out], square or not, since the names say which it is.

import type { StoredTensor } from "./safetensors.js";

/** Checkpoint name (or prefix) → model name (or prefix). */
export type NameMap = ReadonlyMap<string, string>;

/** reclang's last name part → PyTorch's for the same tensor (std/nn's Dense, Embedding, LayerNorm, BatchNorm). */
const PYTORCH_NAMES: Readonly<Record<string, string>> = { kernel: "weight", offset: "bias", table: "weight", gain: "weight", shift: "bias" };

export interface WeightSource {
  readonly source: string;
  /** An `nn.Linear` weight, [out, in] in the file. */
  readonly transpose: boolean;
}

export interface WeightMatch {
  readonly sources: Map<string, WeightSource>;
  readonly problems: string[];
  readonly notes: string[];
}

const lastPart = (name: string) => name.slice(name.lastIndexOf(".") + 1);
const parentOf = (name: string) => (name.includes(".") ? name.slice(0, name.lastIndexOf(".") + 1) : "");
const shapeText = (shape: readonly number[]) => JSON.stringify(shape);

/** The names W may be stored under, most specific first. */
function candidatesFor(weight: string, map: NameMap): string[] {
  let best: [string, string] | undefined;
  for (const [stored, model] of map)
    if ((weight === model || weight.startsWith(`${model}.`)) && (!best || model.length > best[1].length)) best = [stored, model];
  const names = best ? [best[0] + weight.slice(best[1].length), weight] : [weight];
  return [...new Set(names.flatMap((name) => (PYTORCH_NAMES[lastPart(name)] ? [name, parentOf(name) + PYTORCH_NAMES[lastPart(name)]] : [name])))];
}

/** A weight's source and the problem with it, if any. */
function sourceFor(weight: string, shape: readonly number[], stored: ReadonlyMap<string, StoredTensor>, map: NameMap): WeightSource | string {
  const candidates = candidatesFor(weight, map);
  const source = candidates.find((c) => stored.has(c));
  if (source === undefined) return `\`${weight}\` ${shapeText(shape)} is not in the checkpoint (looked for ${candidates.map((c) => `\`${c}\``).join(" and ")})`;
  const tensor = stored.get(source)!;
  const transpose = lastPart(weight) === "kernel" && lastPart(source) === "weight" && shape.length === 2;
  const expected = transpose ? [shape[1]!, shape[0]!] : shape;
  if (tensor.dtype !== "F32") return `\`${source}\` is ${tensor.dtype} in the checkpoint, not a float weight for \`${weight}\``;
  if (tensor.shape.join() === expected.join()) return { source, transpose };
  const transposed = tensor.shape.length === 2 && shape.length === 2 && tensor.shape[0] === shape[1] && tensor.shape[1] === shape[0];
  return (
    `\`${source}\` is ${shapeText(tensor.shape)} in the checkpoint but \`${weight}\` is ${shapeText(shape)} in the model` +
    (transpose
      ? " (a PyTorch nn.Linear weight is [out, in]: it is transposed on loading)"
      : transposed
        ? `: the transpose; if it is a PyTorch nn.Linear weight, [out, in], load it into a kernel under the name \`${parentOf(source)}weight\``
        : "")
  );
}

/**
 * The source of each of `weights` in `stored`. `complete`: every stored tensor must be used (a
 * whole checkpoint); otherwise only the named weights load (`init` with a prefix).
 */
export function matchWeights(
  weights: ReadonlyMap<string, readonly number[]>,
  stored: ReadonlyMap<string, StoredTensor>,
  map: NameMap,
  complete: boolean,
): WeightMatch {
  const sources = new Map<string, WeightSource>();
  const problems: string[] = [];
  for (const [weight, shape] of weights) {
    const found = sourceFor(weight, shape, stored, map);
    if (typeof found === "string") problems.push(found);
    else sources.set(weight, found);
  }
  for (const [from, to] of map)
    if (![...weights.keys()].some((w) => w === to || w.startsWith(`${to}.`)))
      problems.push(`the map's \`"${from}": "${to}"\` names no weight of the model (\`${to}\`)`);
  const used = new Set([...sources.values()].map((s) => s.source));
  if (complete)
    for (const [name, t] of stored)
      if (!used.has(name)) problems.push(`\`${name}\` ${shapeText(t.shape)} is in the checkpoint but no weight of the model loads it`);
  const renamed = [...sources].filter(([weight, s]) => s.source !== weight);
  const notes = renamed.length
    ? [
        `${renamed.length} weight${renamed.length === 1 ? "" : "s"} loaded under other names: ` +
          renamed
            .slice(0, 6)
            .map(([weight, s]) => `\`${s.source}\`${s.transpose ? " (transposed)" : ""} → \`${weight}\``)
            .join(", ") +
          (renamed.length > 6 ? `, and ${renamed.length - 6} more` : ""),
      ]
    : [];
  return { sources, problems, notes };
}

/** A stored tensor's values in the model's layout: an nn.Linear weight [out, in] becomes [in, out]. */
export function valuesFor(tensor: StoredTensor, transpose: boolean): Float32Array {
  const data = tensor.data as Float32Array;
  if (!transpose) return data;
  const [rows, cols] = tensor.shape as [number, number];
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}
