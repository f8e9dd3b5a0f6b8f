// Kernels the wasm backend lacks that our graphs need: UnsortedSegmentSum, which the gradient
// of every embedding lookup (`gather`) uses. Written over the backend's own memory, registered
// once, and tested against the cpu backend.

import { tf } from "../tf.js";

interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): { dataId: object; shape: number[]; dtype: string };
  typedArrayFromHeap(info: { dataId: object; shape: number[]; dtype: string }): Float32Array | Int32Array | Uint8Array;
}

let registered = false;

export function registerWasmExtras(): void {
  if (registered || tf.getKernel("UnsortedSegmentSum", "wasm")) return;
  registered = true;
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const x = inputs["x"] as unknown as { dataId: object; shape: number[]; dtype: string };
      const segmentIds = inputs["segmentIds"] as unknown as { dataId: object; shape: number[] };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const values = wasm.readSync(x.dataId);
      const ids = wasm.readSync(segmentIds.dataId);
      // x is [N, ...rest] (or [N] with ids [N]); sum the rows of each segment.
      const rowSize = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
      const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      const out = wasm.makeOutput(outShape, x.dtype);
      const data = wasm.typedArrayFromHeap(out);
      data.fill(0);
      for (let row = 0; row < ids.length; row++) {
        const segment = ids[row]!;
        if (segment < 0 || segment >= numSegments) continue;
        for (let j = 0; j < rowSize; j++) data[segment * rowSize + j]! += values[row * rowSize + j]!;
      }
      return out as never;
    },
  });
}
