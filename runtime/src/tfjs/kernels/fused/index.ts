// Fused kernels: the op patterns of patterns.ts that a backend computes as one kernel each. In:
// the pattern's inputs (in the order `Fusion.inputs` gives) and its facts. Out: the value of the
// pattern's last step. A backend not listed for a kind runs that pattern's ops one by one.

import type { Fusion } from "../../../patterns.js";
import type { Tensor } from "../../tf.js";
import { fusedLayerNorm, hasFusedLayerNorm } from "./layer-norm.js";

type FusedKernel = (inputs: Tensor[], fusion: Fusion) => Tensor;

export const FUSED_KERNELS: Partial<Record<Fusion["kind"], FusedKernel>> = {
  layer_norm: ([x, gain, shift], fusion) => fusedLayerNorm(x!, gain!, shift!, (fusion as Extract<Fusion, { kind: "layer_norm" }>).eps),
};

/** The patterns the backend fuses. */
export function fusedKinds(backendName: string): Set<Fusion["kind"]> {
  return new Set(hasFusedLayerNorm(backendName) ? (["layer_norm"] as const) : []);
}
