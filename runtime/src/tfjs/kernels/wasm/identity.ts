// Kernels on wasm whose result is their input unchanged, returned as the input's memory instead
// of a copy, as the cpu backend does: Identity (tf.clone), Cast to the dtype the tensor already
// has, and Transpose by the identity permutation. tfjs clones every input a gradient needs when
// it records an op on the tape: with the copying kernel, each lookup of an embedding table
// copied the whole table every training step (128 MiB a lookup for 1,000,000 rows of 32), which
// made the step's time and peak memory grow with the table; the gradients of products cast
// their operands to float32 (12 copies of SASRec's feed-forward activations a step) and the
// gradient of a lookup transposes the table's gradient by the identity (two copies of a 20,000
// × 64 table). Shared memory is safe because no kernel writes into its inputs; the one in-place
// writer, sparse training (train/table-rows.ts), copies a table first when its memory is shared.

import type { TensorInfo } from "../host-memory.js";
import { replaceWasmKernel, type KernelArgs } from "./replace.js";

interface WasmBackend {
  incRef(dataId: object): void;
}

let registered = false;

const shared = (x: TensorInfo, backend: unknown): TensorInfo => {
  (backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** Replaces tfjs's wasm kernel `name`: the input's memory where `unchanged` says so, else tfjs's own. */
function shareWhen(name: string, unchanged: (x: TensorInfo, attrs: Record<string, unknown>) => boolean): void {
  replaceWasmKernel(
    name,
    (copying) => (args: KernelArgs) => (unchanged(args.inputs["x"]!, args.attrs) ? shared(args.inputs["x"]!, args.backend) : copying(args)),
  );
}

export function registerSharedIdentity(): void {
  if (registered) return;
  registered = true;
  shareWhen("Identity", () => true);
  shareWhen("Cast", (x, attrs) => attrs["dtype"] === x.dtype);
  shareWhen("Transpose", (_x, attrs) => (attrs["perm"] as number[]).every((axis, i) => axis === i));
}
