// What the conformance tests share: the specs every backend runs (together they use every
// run-time op), deterministic weights and inputs for a plan, and the reference interpreter's
// outputs for them.

import { join } from "node:path";
import { compileFiles } from "../../app/compile.js";
import { interpret, type Tensor as RefTensor } from "../../compiler/src/ir/interpret.js";
import type { IrModel } from "../../compiler/src/ir/ir.js";
import type { Plan } from "../../runtime/src/plan.js";
import { evaluateDim } from "../../runtime/src/dims.js";
import { Executor, tfDtype } from "../../runtime/src/tfjs/executor.js";
import { tf } from "../../runtime/src/tfjs/tf.js";
import { ROOT } from "./repo.js";

export type { RefTensor };

export const SPECS = [
  "examples/two_tower/model.rec",
  "examples/ctr/model.rec",
  "examples/utility_policy/model.rec",
  "examples/sasrec/model.rec",
  "test/corpus/typing/ops.rec",
  "test/corpus/typing/more-ops.rec",
];
export const SIZES: Record<string, number> = { B: 5, L: 4, T: 3 };

export function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** Deterministic data for every input and parameter of a plan. */
export function dataFor(plan: Plan): Map<string, { shape: number[]; data: number[]; dtype: string }> {
  const random = lcg(11);
  const sizes = new Map(Object.entries(SIZES));
  const out = new Map<string, { shape: number[]; data: number[]; dtype: string }>();
  for (const leaf of [...plan.inputs, ...plan.params]) {
    const shape = leaf.type.shape.map((d) => evaluateDim(d, sizes));
    const n = shape.reduce((a, b) => a * b, 1);
    const space = leaf.type.space ? evaluateDim(leaf.type.space.size, sizes) : 0;
    const data = Array.from({ length: n }, () => {
      const r = random();
      if (leaf.type.dtype === "id") return Math.floor(r * space);
      if (leaf.type.dtype === "bool") return r < 0.7 ? 1 : 0;
      if (leaf.type.dtype === "i32") return Math.floor(r * 5);
      return leaf.name === "temperature" || leaf.name.includes("prob") ? 0.5 + r : r * 2 - 1;
    });
    out.set(leaf.name, { shape, data, dtype: leaf.type.dtype });
  }
  return out;
}

export function reference(
  model: IrModel,
  plan: Plan,
  data: ReturnType<typeof dataFor>,
  gradientStops: Parameters<typeof interpret>[3] = {},
): Map<string, Float64Array> {
  const feeds = new Map<string, RefTensor>([...data].map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }]));
  const values = interpret(model, SIZES, feeds, gradientStops);
  const out = new Map<string, Float64Array>();
  for (const entry of Object.values(plan.entries)) for (const [name, step] of Object.entries(entry.outputs)) out.set(name, values.get(step)!.data);
  return out;
}

export const compiled = SPECS.map((spec) => {
  const result = compileFiles([join(ROOT, spec)]);
  return { spec, plan: result.plans[0]!, model: result.optimized[0]! };
});

/**
 * The tfjs gradients of the sum of a plan's losses on `data` (weights and inputs), by weight
 * name, on the active backend; a weight no loss reads gets zeros.
 */
export async function tfjsGradients(plan: Plan, data: ReturnType<typeof dataFor>): Promise<Map<string, Float32Array>> {
  const executor = new Executor(plan, 1);
  for (const [name, variable] of executor.params) variable.assign(tf.tensor(data.get(name)!.data, data.get(name)!.shape, "float32"));
  const feeds = new Map(plan.inputs.map((i) => [i.name, tf.tensor(data.get(i.name)!.data, data.get(i.name)!.shape, tfDtype(i.type))]));
  const { grads } = tf.variableGrads(() => {
    let total: tf.Tensor = tf.scalar(0);
    for (const loss of executor.run("train", feeds, { training: true }).values()) total = tf.add(total, loss);
    return total as tf.Scalar;
  }, [...executor.params.values()]);
  const out = new Map<string, Float32Array>();
  for (const [name, variable] of executor.params)
    out.set(name, grads[variable.name] ? ((await grads[variable.name]!.data()) as Float32Array) : new Float32Array(variable.size));
  executor.dispose();
  tf.dispose([...Object.values(grads), ...feeds.values()]);
  return out;
}
