// GatherV2 (every embedding lookup) on wasm by row copies in the heap. tfjs's wasm kernel copies
// element by element after reading the ids out of the heap to check them: 12.6 ms to look up
// SASRec's 128 × 50 histories of 64 floats, where copying each row whole takes a fraction of a
// millisecond. Same contract: ids outside the axis are refused with tfjs's own message; a
// gather with batch dims keeps tfjs's kernel.

import { tf } from "../../tf.js";
import { hostMemory, type TensorInfo } from "../host-memory.js";
import { replaceWasmKernel, type KernelArgs } from "./replace.js";

let registered = false;

export function registerFastGather(): void {
  if (registered) return;
  registered = true;
  replaceWasmKernel("GatherV2", (tfjsGather) => (args: KernelArgs): TensorInfo => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const batchDims = Number(args.attrs["batchDims"] ?? 0);
    if (batchDims !== 0 || (x.dtype !== "float32" && x.dtype !== "int32")) return tfjsGather(args);
    const rank = x.shape.length;
    const axis = tf.util.parseAxisParam(args.attrs["axis"] as number, x.shape)[0]!;
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const axisSize = x.shape[axis]!;
    const slice = x.shape.slice(axis + 1, rank).reduce((a, b) => a * b, 1);
    const memory = hostMemory("wasm", args.backend);
    const result = memory.allocate([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
    const [out, values, ids] = [memory.view(result), memory.view(x), memory.view(indices)];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!(id >= 0 && id < axisSize)) {
        (args.backend as { disposeData(id: object): void }).disposeData(result.dataId);
        throw new Error(`GatherV2: the index value ${id} is not in [0, ${axisSize - 1}]`);
      }
    }
    let to = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * axisSize * slice;
      for (let i = 0; i < ids.length; i++, to += slice) {
        const from = base + ids[i]! * slice;
        out.set(values.subarray(from, from + slice), to);
      }
    }
    return result;
  });
}
