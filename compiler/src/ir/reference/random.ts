// Reference implementations of the random and mode ops (rules: compiler/src/ops/random.ts). The
// interpreter draws nothing: each random op gives the deterministic value the registry
// documents for runs outside training (the distribution's centre), which is what every backend
// gives in evaluation; the draws themselves are checked statistically (test/random-ops.test.ts).

import { make, type Reference } from "./reference.js";

const attrNumber = (value: { value?: number } | undefined, fallback: number) => value?.value ?? fallback;

/** The ids from the heaviest down, ties to the lower id, repeated past V (sample_negatives outside training). */
function heaviest(weights: Float64Array, n: number): number[] {
  const order = [...weights.keys()].sort((a, b) => weights[b]! - weights[a]! || a - b);
  return Array.from({ length: n }, (_, i) => order[i % order.length]!);
}

export const RANDOM_REFERENCE: Readonly<Record<string, Reference>> = {
  random_normal: (_, { node, shape }) => make(shape, () => attrNumber(node.attrs.get("mean") as { value?: number }, 0)),
  random_uniform: (_, { node, shape }) => {
    const low = attrNumber(node.attrs.get("low") as { value?: number }, 0);
    const high = attrNumber(node.attrs.get("high") as { value?: number }, 1);
    return make(shape, () => (low + high) / 2);
  },
  bernoulli: ([prob], { shape }) => make(shape, (i) => +(prob!.data[i]! > 0.5)),
  randint: (_, { shape }) => make(shape, () => 0),
  permutation: (_, { shape }) => make(shape, (i) => i),
  sample_negatives: ([weights], { shape }) => {
    const ids = heaviest(weights!.data, shape[0]!);
    return make(shape, (i) => ids[i]!);
  },
  is_training: (_, { shape, training }) => make(shape, () => +(training ?? false)),
};
