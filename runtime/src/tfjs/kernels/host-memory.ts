// Tensor memory as JavaScript typed arrays, for kernels of our own on the backends whose tensors
// live in this process: cpu (JavaScript arrays) and wasm (the module's heap). In: a backend and
// the TensorInfo of a kernel's inputs; out: views of their values and new outputs to fill.
// On wasm a view is of the heap itself, no copy, so a kernel reads and writes in place; an
// allocation may grow the heap and detach earlier views, so a kernel allocates its outputs
// first and takes its views after.

export interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

export type Values = Float32Array | Int32Array | Uint8Array;

export interface HostMemory {
  /** A new tensor of `shape`; its values are whatever the allocator left (fill them). */
  allocate(shape: number[], dtype: string): TensorInfo;
  /** The values of a tensor, without a copy. */
  view(info: TensorInfo): Values;
  /** How many tensors share the memory of this one (tf.clone shares). */
  refCount(info: TensorInfo): number;
}

/** The backends whose tensors live in this process. */
export const HOST_BACKENDS: readonly string[] = ["cpu", "wasm"];

const ARRAYS: Record<string, new (n: number) => Values> = { float32: Float32Array, int32: Int32Array, bool: Uint8Array };

export function hostMemory(backendName: string, backend: unknown): HostMemory {
  if (backendName === "wasm") {
    const wasm = backend as {
      makeOutput(shape: number[], dtype: string): TensorInfo;
      typedArrayFromHeap(info: TensorInfo): Values;
      refCount(id: object): number;
    };
    return {
      allocate: (shape, dtype) => wasm.makeOutput(shape, dtype),
      view: (info) => wasm.typedArrayFromHeap(info),
      refCount: (info) => wasm.refCount(info.dataId),
    };
  }
  if (backendName === "cpu") {
    const cpu = backend as {
      data: { get(id: object): { values: Values } };
      makeTensorInfo(shape: number[], dtype: string, values: Values): TensorInfo;
      refCount(id: object): number;
    };
    return {
      allocate: (shape, dtype) => cpu.makeTensorInfo(shape, dtype, new ARRAYS[dtype]!(shape.reduce((a, b) => a * b, 1))),
      view: (info) => cpu.data.get(info.dataId).values,
      refCount: (info) => cpu.refCount(info.dataId),
    };
  }
  throw new Error(`no host memory on the ${backendName} backend`);
}
