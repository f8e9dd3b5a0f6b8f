// UnsortedSegmentSum, the kernel behind every embedding gradient (the gradient of `gather`).
// wasm lacks it; cpu's own loops over every segment for every row (O(segments × rows)), which
// made one step of a 5,000-row table take seconds. This one is a single pass over the rows,
// registered for both backends and checked against a direct computation in the tests.

import { tf } from "../tf.js";

interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface BackendAccess {
  read(info: Info): ArrayLike<number>;
  write(shape: number[], dtype: string, values: Float32Array | Int32Array): Info;
}

const ACCESS: Record<string, (backend: unknown) => BackendAccess> = {
  cpu: (backend) => {
    const cpu = backend as { data: { get(id: object): { values: ArrayLike<number> } }; makeTensorInfo(shape: number[], dtype: string, values: unknown): Info };
    return { read: (info) => cpu.data.get(info.dataId).values, write: (shape, dtype, values) => cpu.makeTensorInfo(shape, dtype, values) };
  },
  wasm: (backend) => {
    const wasm = backend as {
      readSync(id: object): ArrayLike<number>;
      makeOutput(shape: number[], dtype: string): Info;
      typedArrayFromHeap(info: Info): Float32Array | Int32Array;
    };
    return {
      read: (info) => wasm.readSync(info.dataId),
      write: (shape, dtype, values) => {
        const out = wasm.makeOutput(shape, dtype);
        wasm.typedArrayFromHeap(out).set(values);
        return out;
      },
    };
  },
};

const registered = new Set<string>();

export function registerSegmentSum(backendName: "cpu" | "wasm"): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  if (tf.getKernel("UnsortedSegmentSum", backendName)) tf.unregisterKernel("UnsortedSegmentSum", backendName);
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const access = ACCESS[backendName]!(backend);
      const x = inputs["x"] as unknown as Info;
      const segmentIds = inputs["segmentIds"] as unknown as Info;
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const values = access.read(x);
      const ids = access.read(segmentIds);
      // x is [N, ...rest] with ids [N] (leading dims of x match the ids' shape).
      const rowSize = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
      const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      const out = x.dtype === "int32" ? new Int32Array(numSegments * rowSize) : new Float32Array(numSegments * rowSize);
      for (let row = 0; row < ids.length; row++) {
        const segment = ids[row]!;
        if (segment < 0 || segment >= numSegments) continue;
        const from = row * rowSize;
        const to = segment * rowSize;
        for (let j = 0; j < rowSize; j++) out[to + j]! += values[from + j]!;
      }
      return access.write(outShape, x.dtype, out) as never;
    },
  });
}
