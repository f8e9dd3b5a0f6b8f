// Identity (tf.clone) on wasm that shares its input's memory, as the cpu backend's does, instead
// of copying it. tfjs clones every input a gradient needs when it records an op on the tape: with
// the copying kernel, each lookup of an embedding table copied the whole table every training
// step (128 MiB a lookup for 1,000,000 rows of 32), which made the step's time and peak memory
// grow with the table. Shared memory is safe because no kernel writes into its inputs; the one
// in-place writer, sparse training (train/table-rows.ts), copies a table first when its memory
// is shared.

import { tf } from "../../tf.js";

interface WasmBackend {
  incRef(dataId: object): void;
}

let registered = false;

export function registerSharedIdentity(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel("Identity", "wasm")) tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({
    kernelName: "Identity",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs["x"] as unknown as { dataId: object; shape: number[]; dtype: string };
      (backend as unknown as WasmBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as never;
    },
  });
}
