// Tile (and so tf.broadcastTo) on wasm by block copies in the heap. tfjs's wasm kernel computes
// every output element's source index one by one, some 40 ns an element: broadcasting an
// attention mask of [128, 1, 50, 50] to two heads took 25 ms, more than the step's softmax. Here
// each input row is copied once and every repetition is a copy of a whole block
// (copyWithin), as the output of a tile repeats blocks of itself.

import { tf } from "../../tf.js";

interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
}

let registered = false;

export function registerFastTile(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel("Tile", "wasm")) tf.unregisterKernel("Tile", "wasm");
  tf.registerKernel({
    kernelName: "Tile",
    backendName: "wasm",
    kernelFunc: (({ inputs, backend, attrs }: { inputs: { x: Info }; backend: WasmBackend; attrs: { reps: number[] } }): Info => {
      const x = inputs.x;
      const reps = attrs.reps;
      const outShape = x.shape.map((d, i) => d * reps[i]!);
      const out = backend.makeOutput(outShape, x.dtype);
      tileInto(backend.typedArrayFromHeap(x), x.shape, backend.typedArrayFromHeap(out), outShape);
      return out;
    }) as never,
  });
}

/** Writes `input` (of `shape`) tiled to `outShape` into `output`. Exported for the tests. */
export function tileInto(
  input: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  shape: readonly number[],
  output: Float32Array | Int32Array | Uint8Array,
  outShape: readonly number[],
): void {
  const rank = shape.length;
  if (rank === 0) {
    output.set(input as ArrayLike<number>);
    return;
  }
  const inStride: number[] = new Array(rank).fill(1);
  const outStride: number[] = new Array(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) {
    inStride[i] = inStride[i + 1]! * shape[i + 1]!;
    outStride[i] = outStride[i + 1]! * outShape[i + 1]!;
  }
  const fill = (axis: number, from: number, to: number) => {
    const size = shape[axis]!;
    if (axis === rank - 1 && size === 1) {
      // One value repeated along the last axis (a mask broadcast along its keys): a fill.
      output.fill((input as ArrayLike<number>)[from]!, to, to + outShape[axis]!);
      return;
    }
    if (axis === rank - 1) output.set(input.subarray(from, from + size), to);
    else for (let i = 0; i < size; i++) fill(axis + 1, from + i * inStride[axis]!, to + i * outStride[axis]!);
    // The first `size` entries along this axis are written: the rest of the axis repeats them,
    // copied from what is written so far, which doubles each time (a few copies, not one a block).
    const block = size * (axis === rank - 1 ? 1 : outStride[axis]!);
    const total = outShape[axis]! * (axis === rank - 1 ? 1 : outStride[axis]!);
    for (let done = block; done < total;) {
      const length = Math.min(done, total - done);
      output.copyWithin(to + done, to, to + length);
      done += length;
    }
  };
  fill(0, 0, 0);
}
