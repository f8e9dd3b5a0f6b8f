// Label differential privacy by randomised response (Warner, 1965): each binary training label
// is released as itself with probability 1 − ρ and flipped with probability ρ = 1 / (1 + e^ε),
// which makes the released labels ε-label-differentially private. The one-sided variant flips
// only positives (a conversion may be hidden as a 0; a released 1 is always true). Held-out
// splits keep their true labels: models are scored against the truth.
//
// In: a data set and the train block's `label_privacy { label, epsilon, one_sided }`. Out: the
// same data set whose training labels are released through the mechanism — once per example
// for finite data (a second epoch sees the same noisy label, so repetition does not average the
// noise away), once per generated example for endless worlds.

import type { PlanSettings } from "../plan.js";
import { withTraining, type Batch, type BatchSource, type DataSet } from "./batch.js";
import { endlessEpochs, type Column, type Examples } from "./examples.js";
import { mulberry32 } from "./random.js";

export interface LabelPrivacy {
  /** The model input holding the binary label. */
  readonly label: string;
  readonly epsilon: number;
  readonly oneSided: boolean;
}

/** ρ = 1 / (1 + e^ε): the flip probability of ε-randomised response. */
export function flipProbability(epsilon: number): number {
  return 1 / (1 + Math.exp(epsilon));
}

/** The train block's `label_privacy { … }`, or undefined without one. */
export function labelPrivacyOf(settings: PlanSettings): LabelPrivacy | undefined {
  const block = settings["label_privacy"] as PlanSettings | undefined;
  if (!block || typeof block !== "object" || block["enabled"] === false) return undefined;
  return { label: String(block["label"] ?? "label"), epsilon: Number(block["epsilon"] ?? 1), oneSided: block["one_sided"] === true };
}

/** The labels after randomised response, drawn from `random` (a new array; 0/1 in, 0/1 out). */
export function randomizedResponse(labels: ArrayLike<number>, privacy: LabelPrivacy, random: () => number): Float32Array {
  const rho = flipProbability(privacy.epsilon);
  const out = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]! > 0.5 ? 1 : 0;
    const flip = random() < rho && (!privacy.oneSided || y === 1);
    out[i] = flip ? 1 - y : y;
  }
  return out;
}

/** Where a run's label noise comes from: its seed, far from the streams of data and dropout. */
const privacyRandom = (seed: number) => mulberry32((seed * 2_654_435_761 + 0x5eed) >>> 0);

export class LabelPrivacyError extends Error {
  override readonly name = "LabelPrivacyError";
}

/** The data set with its training labels released through randomised response. */
export function withLabelPrivacy(data: DataSet, privacy: LabelPrivacy, seed: number): DataSet {
  const base = data.finite?.bind(data);
  let noisy: Promise<Examples> | undefined;
  const finite = base
    ? () =>
        (noisy ??= base().then((examples) => {
          const column = examples.columns.get(privacy.label);
          if (!column)
            throw new LabelPrivacyError(
              `label_privacy names the label \`${privacy.label}\`, which the data does not feed; it feeds ${[...examples.columns.keys()].join(", ")}`,
            );
          const released: Column = { ...column, data: randomizedResponse(column.data, privacy, privacyRandom(seed)) };
          return { count: examples.count, columns: new Map([...examples.columns, [privacy.label, released]]) };
        }))
    : undefined;
  const random = privacyRandom(seed);
  const train = (): BatchSource => {
    if (finite) {
      let pass: BatchSource | undefined;
      return { next: async (size) => (pass ??= endlessEpochs(await finite(), seed)).next(size) };
    }
    const source = data.train();
    return {
      async next(size): Promise<Batch | undefined> {
        const batch = await source.next(size);
        if (!batch) return batch;
        const labels = batch.columns.get(privacy.label);
        if (!labels)
          throw new LabelPrivacyError(
            `label_privacy names the label \`${privacy.label}\`, which the data does not feed; it feeds ${[...batch.columns.keys()].join(", ")}`,
          );
        const randomized: Column = { data: randomizedResponse(labels.data, privacy, random), shape: labels.shape, dtype: "float32" };
        return { columns: new Map([...batch.columns, [privacy.label, randomized]]), size: batch.size };
      },
    };
  };
  return withTraining(data, train, finite);
}
