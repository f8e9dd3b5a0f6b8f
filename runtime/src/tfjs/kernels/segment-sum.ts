// UnsortedSegmentSum, the kernel behind every embedding gradient (the gradient of `gather`).
// wasm lacks it; cpu's own loops over every segment for every row (O(segments × rows)), which
// made one step of a 5,000-row table take seconds. This one is a single pass over the rows,
// reading and writing the backend's memory in place (host-memory.ts), registered for both
// backends and checked against a direct computation in the tests.

import { tf } from "../tf.js";
import { hostMemory, type TensorInfo } from "./host-memory.js";

const registered = new Set<string>();

export function registerSegmentSum(backendName: "cpu" | "wasm"): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  if (tf.getKernel("UnsortedSegmentSum", backendName)) tf.unregisterKernel("UnsortedSegmentSum", backendName);
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const memory = hostMemory(backendName, backend);
      const x = inputs["x"] as unknown as TensorInfo;
      const segmentIds = inputs["segmentIds"] as unknown as TensorInfo;
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      // x is [N, ...rest] with ids [N] (leading dims of x match the ids' shape).
      const rowShape = x.shape.slice(segmentIds.shape.length);
      const rowSize = rowShape.reduce((a, b) => a * b, 1);
      const result = memory.allocate([numSegments, ...rowShape], x.dtype);
      const [out, values, ids] = [memory.view(result), memory.view(x), memory.view(segmentIds)];
      out.fill(0);
      for (let row = 0; row < ids.length; row++) {
        const segment = ids[row]!;
        if (segment < 0 || segment >= numSegments) continue;
        const from = row * rowSize;
        const to = segment * rowSize;
        for (let j = 0; j < rowSize; j++) out[to + j]! += values[from + j]!;
      }
      return result as never;
    },
  });
}
