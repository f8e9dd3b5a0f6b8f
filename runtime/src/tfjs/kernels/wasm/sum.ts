// Sum over leading axes on wasm (the gradient of every broadcast bias: dy [B, T, N] summed to
// [N]) as one pass down the rows. tfjs's wasm Sum reduces only innermost axes, so it transposes
// such an input first, a strided copy of the whole tensor: 10 ms for SASRec's [128, 50, 256]
// feed-forward gradient, where adding its rows takes a fraction. Rows are accumulated in double
// precision. Every other reduction keeps tfjs's kernel.

import { tf } from "../../tf.js";
import { hostMemory, type TensorInfo } from "../host-memory.js";
import { replaceWasmKernel, type KernelArgs } from "./replace.js";

let registered = false;

export function registerFastSum(): void {
  if (registered) return;
  registered = true;
  replaceWasmKernel("Sum", (tfjsSum) => (args: KernelArgs): TensorInfo => {
    const x = args.inputs["x"]!;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(args.attrs["axis"] as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((axis, i) => axis === i);
    if (!leading || x.dtype !== "float32") return tfjsSum(args);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const rest = x.shape.slice(axes.length);
    const width = rest.reduce((a, b) => a * b, 1);
    const memory = hostMemory("wasm", args.backend);
    const result = memory.allocate(args.attrs["keepDims"] ? [...axes.map(() => 1), ...rest] : rest, "float32");
    const [out, values] = [memory.view(result), memory.view(x)];
    const sums = new Float64Array(width);
    for (let row = 0, from = 0; row < rows; row++, from += width) for (let j = 0; j < width; j++) sums[j]! += values[from + j]!;
    out.set(sums);
    return result;
  });
}
