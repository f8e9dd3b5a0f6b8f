// BatchMatMul on wasm, routed to the fast path. tfjs's wasm kernel multiplies with XNNPACK only
// when both operands are single matrices and neither is transposed; every other call (a batch of
// rows times a weight matrix, any transposed operand, which is every matrix product of a
// backward pass, a batch times a batch) takes a plain loop some ten times slower (measured: 23
// against 2.5 GFLOP/s for [6400, 64] × [64, 256]). This kernel reshapes and transposes the
// operands so that the products reach XNNPACK: a batch against one matrix becomes one tall
// matrix, a transposed operand is transposed once in memory (a copy, cheap beside the product),
// and a batch times a batch of the same size (attention) goes pair by pair (3× faster for
// [256, 50, 32] × [256, 32, 50]). Broadcast batches of different sizes keep tfjs's kernel.

import { tf } from "../../tf.js";
import { replaceWasmKernel } from "./replace.js";

interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

type KernelFunc = (args: { inputs: Record<string, Info>; backend: unknown; attrs: Record<string, unknown> }) => Info;

interface WasmBackend {
  disposeData(dataId: object): void;
}

interface FastBackend {
  makeOutput(shape: number[], dtype: string): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

let registered = false;

export function registerFastMatMul(): void {
  if (registered) return;
  const original = tf.getKernel("BatchMatMul", "wasm");
  const reshapeKernel = tf.getKernel("Reshape", "wasm");
  const transposeKernel = tf.getKernel("Transpose", "wasm");
  if (!original || !reshapeKernel || !transposeKernel) return;
  registered = true;
  const batchMatMul = original.kernelFunc as unknown as KernelFunc;
  const reshapeFunc = reshapeKernel.kernelFunc as unknown as KernelFunc;
  const transposeFunc = transposeKernel.kernelFunc as unknown as KernelFunc;
  /**
   * A batch times a batch of the same size (attention's scores and their gradients): each pair of
   * matrices through the fast path, the operands first transposed as whole batches.
   */
  const batchByMatrix = (args: Parameters<KernelFunc>[0], temporaries: Info[]): Info => {
    const { a, b } = args.inputs as unknown as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const backend = args.backend as WasmBackend & FastBackend;
    const rank = a.shape.length;
    const batch = a.shape.slice(0, -2).reduce((n, d) => n * d, 1);
    const keep = (t: Info) => (temporaries.push(t), t);
    const as3d = (x: Info, transposed: boolean): Info => {
      const [r, c] = [x.shape[rank - 2]!, x.shape[rank - 1]!];
      const flat = keep(reshapeFunc({ inputs: { x }, backend, attrs: { shape: [batch, r, c] } }));
      return transposed ? keep(transposeFunc({ inputs: { x: flat }, backend, attrs: { perm: [0, 2, 1] } })) : flat;
    };
    const left = as3d(a, transposeA);
    const right = as3d(b, transposeB);
    const [m, k, n] = [left.shape[1]!, left.shape[2]!, right.shape[2]!];
    const out = backend.makeOutput([batch, m, n], "float32");
    const slice = (x: Info, i: number, rows: number, cols: number): Info => {
      const one = backend.makeOutput([1, rows, cols], "float32");
      backend.typedArrayFromHeap(one).set(backend.typedArrayFromHeap(x).subarray(i * rows * cols, (i + 1) * rows * cols));
      return one;
    };
    for (let i = 0; i < batch; i++) {
      const [ai, bi] = [slice(left, i, m, k), slice(right, i, k, n)];
      const product = batchMatMul({ inputs: { a: ai, b: bi }, backend, attrs: { transposeA: false, transposeB: false } });
      backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(product), i * m * n);
      for (const t of [ai, bi, product]) backend.disposeData(t.dataId);
    }
    for (const t of temporaries) backend.disposeData(t.dataId);
    const shaped = reshapeFunc({ inputs: { x: out }, backend, attrs: { shape: [...a.shape.slice(0, -2), m, n] } });
    backend.disposeData(out.dataId);
    return shaped;
  };
  replaceWasmKernel("BatchMatMul", () => (args: Parameters<KernelFunc>[0]): Info => {
    const { a, b } = args.inputs as unknown as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const backend = args.backend as WasmBackend;
    const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);
    const batchB = size(b.shape.slice(0, -2));
    const temporaries: Info[] = [];
    const batchA = size(a.shape.slice(0, -2));
    if (batchB !== 1 || (transposeA && batchA !== 1)) {
      if (batchA !== batchB) return batchMatMul(args);
      return batchByMatrix(args, temporaries);
    }
    const reshape = (x: Info, shape: number[]) => {
      const out = reshapeFunc({ inputs: { x }, backend, attrs: { shape } });
      temporaries.push(out);
      return out;
    };
    const transpose2d = (x: Info) => {
      const out = transposeFunc({ inputs: { x }, backend, attrs: { perm: [1, 0] } });
      temporaries.push(out);
      return out;
    };
    const [m, k] = transposeA ? [a.shape[a.shape.length - 1]!, a.shape[a.shape.length - 2]!] : [a.shape[a.shape.length - 2]!, a.shape[a.shape.length - 1]!];
    const n = transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
    const rows = size(a.shape.slice(0, -2)) * m;
    // a as one [rows, k] matrix: a batch's matrices stacked (contiguous when not transposed).
    const left = transposeA ? transpose2d(reshape(a, [k, m])) : reshape(a, [rows, k]);
    const right = transposeB ? transpose2d(reshape(b, [n, k])) : reshape(b, [k, n]);
    const out = batchMatMul({
      inputs: { a: reshape(left, [1, rows, k]), b: reshape(right, [1, k, n]) },
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    for (const t of temporaries) backend.disposeData(t.dataId);
    const outShape = [...broadcastBatch(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
    const shaped = reshapeFunc({ inputs: { x: out }, backend, attrs: { shape: outShape } });
    backend.disposeData(out.dataId);
    return shaped;
  });
}

/** The batch dimensions of a product: the operands' batch shapes broadcast (the shorter padded with 1s on the left). */
function broadcastBatch(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const at = (shape: readonly number[], i: number) => shape[i - (rank - shape.length)] ?? 1;
  return Array.from({ length: rank }, (_, i) => Math.max(at(a, i), at(b, i)));
}
