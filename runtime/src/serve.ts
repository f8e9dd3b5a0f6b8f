// Serving a trained model without the compiler (`import … from "reclang/serve"`): a plan and a
// checkpoint written by `rec train` → `predict(inputs)` on TensorFlow.js. In: flat row-major
// typed arrays with their shapes, for the inputs the model's heads read. Out: each head's values
// and shape. The typed modules `rec codegen ts` writes are thin wrappers around this, with the
// plan embedded; nothing here imports the compiler.

import { useBackend, type BackendName } from "./tfjs/backends.js";
import { loadServingWeights } from "./checkpoint/checkpoint.js";
import { evaluateDim } from "./dims.js";
import { Executor } from "./tfjs/executor.js";
import type { Plan, PlanInput } from "./plan.js";
import { tf } from "./tfjs/tf.js";

export type { Plan } from "./plan.js";

/** A flat, row-major tensor: ids and i32 as Int32Array, bools as Uint8Array (0 or 1), f32 as Float32Array. */
export interface ServingTensor {
  readonly data: Float32Array | Int32Array | Uint8Array;
  readonly shape: readonly number[];
}

export interface ServingOutput {
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

/** Inputs that do not fit the plan: a missing one, a wrong shape or dtype, an id outside its space. */
export class ServingError extends Error {
  override readonly name = "ServingError";
}

/** The inputs an entry point reads (the predict entry's heads need only some of a model's inputs). */
export function inputsOf(plan: Plan, entry: keyof Plan["entries"] = "predict"): PlanInput[] {
  return inputsOfSteps(plan, Object.values(plan.entries[entry].outputs));
}

/** The inputs the values of `steps` depend on (one encoder of several reads only its own). */
export function inputsOfSteps(plan: Plan, steps: readonly number[]): PlanInput[] {
  const needed = new Set(steps);
  for (let i = plan.steps.length - 1; i >= 0; i--) if (needed.has(i)) for (const input of plan.steps[i]!.inputs) needed.add(input);
  return plan.inputs.filter((input) => needed.has(input.step));
}

export class ServingModel {
  /** The inputs the heads read, in the plan's order. */
  private readonly inputs: readonly PlanInput[];

  private constructor(
    readonly plan: Plan,
    private readonly executor: Executor,
  ) {
    this.inputs = inputsOf(plan);
  }

  /** The model of `plan` with the weights of a checkpoint, on a tfjs backend (default cpu). */
  static async open(plan: Plan, checkpoint: string, options: { readonly backend?: BackendName } = {}): Promise<ServingModel> {
    await useBackend(options.backend ?? "cpu");
    const executor = new Executor(plan, 0);
    try {
      loadServingWeights(executor, checkpoint);
    } catch (error) {
      executor.dispose();
      throw error;
    }
    return new ServingModel(plan, executor);
  }

  /**
   * The heads for one batch; `dims` gives the sizes of the model's symbolic dims. An input given
   * as a bare typed array takes the shape the plan gives it at these sizes.
   */
  async predict(
    inputs: Readonly<Record<string, ServingTensor | ServingTensor["data"]>>,
    dims: Readonly<Record<string, number>>,
  ): Promise<Record<string, ServingOutput>> {
    const sizes = new Map(Object.entries(dims));
    const feeds = new Map<string, tf.Tensor>();
    try {
      for (const input of this.inputs) feeds.set(input.name, this.feed(input, inputs[input.name], sizes));
      const heads = this.executor.run("predict", feeds);
      const out: Record<string, ServingOutput> = {};
      for (const [name, tensor] of heads) {
        const data = (await tensor.data()) as Float32Array | Int32Array;
        out[name] = { data, shape: tensor.shape };
      }
      tf.dispose([...heads.values()]);
      return out;
    } finally {
      tf.dispose([...feeds.values()]);
    }
  }

  dispose(): void {
    this.executor.dispose();
  }

  private feed(input: PlanInput, raw: ServingTensor | ServingTensor["data"] | undefined, sizes: ReadonlyMap<string, number>): tf.Tensor {
    const name = input.name;
    if (!raw) throw new ServingError(`the input \`${name}\` is missing`);
    const shape = input.type.shape.map((d) => {
      try {
        return evaluateDim(d, sizes);
      } catch {
        throw new ServingError(
          `the input \`${name}\` has the dim \`${d}\`: give the sizes of ${[...new Set(String(d).match(/[A-Za-z_]\w*/g))].join(", ")} in dims`,
        );
      }
    });
    const given: ServingTensor = ArrayBuffer.isView(raw) ? { data: raw, shape } : raw;
    if (given.shape.length !== shape.length || given.shape.some((d, i) => d !== shape[i]))
      throw new ServingError(`the input \`${name}\` has the shape [${given.shape.join(", ")}]; the model expects [${shape.join(", ")}]`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (given.data.length !== count)
      throw new ServingError(`the input \`${name}\` holds ${given.data.length} values; its shape [${shape.join(", ")}] needs ${count}`);
    const { dtype, space } = input.type;
    const integer = dtype === "id" || dtype === "i32" || dtype === "bool";
    if (integer !== !(given.data instanceof Float32Array))
      throw new ServingError(
        `the input \`${name}\` is ${dtype}: give it as ` +
          `${dtype === "f32" ? "a Float32Array" : dtype === "bool" ? "a Uint8Array of 0 and 1" : "an Int32Array"}`,
      );
    if (dtype === "id" && space) {
      const size = evaluateDim(space.size, sizes);
      const bad = given.data.findIndex((v) => v < 0 || v >= size);
      if (bad >= 0)
        throw new ServingError(`the input \`${name}\` holds the id ${given.data[bad]} at ${bad}, outside ${space.name || "its space"} [0, ${size})`);
    }
    if (dtype === "bool") return tf.tensor(Array.from(given.data, Boolean), shape, "bool");
    return tf.tensor(given.data, shape, dtype === "f32" ? "float32" : "int32");
  }
}
