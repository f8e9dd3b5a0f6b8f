// Evaluating the plan's symbolic dimensions (`B`, `2*L + 1`) for one batch: sizes are read off
// the fed inputs, then polynomials are evaluated. (The runtime reads the plan's text form; it
// shares no code with the compiler by design.)

import type { PlanDim, PlanInput, PlanValue } from "./plan.js";

export class DimError extends Error {
  override readonly name = "DimError";
}

/** Evaluates a polynomial such as `2*L + B - 1` with the given sizes. */
export function evaluateDim(dim: PlanDim, sizes: ReadonlyMap<string, number>): number {
  if (typeof dim === "number") return dim;
  let total = 0;
  for (const raw of dim.replace(/\s+/g, "").replace(/-/g, "+-").split("+")) {
    if (!raw) continue;
    let term = 1;
    for (const factor of raw.split("*")) {
      if (factor === "-") term = -term;
      else if (/^-?\d+$/.test(factor)) term *= Number(factor);
      else {
        const negative = factor.startsWith("-");
        const name = negative ? factor.slice(1) : factor;
        const size = sizes.get(name);
        if (size === undefined) throw new DimError(`no size for the dimension \`${name}\``);
        term *= negative ? -size : size;
      }
    }
    total += term;
  }
  return total;
}

/** Binds each symbolic dimension that appears alone in an input's shape to the fed size. */
export function sizesFromInputs(inputs: readonly PlanInput[], shapes: ReadonlyMap<string, readonly number[]>): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const input of inputs) {
    const shape = shapes.get(input.name);
    if (!shape) continue;
    input.type.shape.forEach((d, i) => {
      if (typeof d === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(d)) {
        const seen = sizes.get(d);
        if (seen !== undefined && seen !== shape[i]) throw new DimError(`\`${d}\` is ${seen} in one input and ${shape[i]} in \`${input.name}\``);
        sizes.set(d, shape[i]!);
      }
    });
  }
  return sizes;
}

/** A plan attribute that holds a dimension: a number, or `{dim: "B"}`. */
export function dimOfValue(value: PlanValue | undefined, sizes: ReadonlyMap<string, number>): number {
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && !Array.isArray(value) && "dim" in value) return evaluateDim(value.dim, sizes);
  throw new DimError(`expected a dimension, found ${JSON.stringify(value)}`);
}
