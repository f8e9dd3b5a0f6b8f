// Replacing one of tfjs's wasm kernels by ours, which may fall back to tfjs's own. In: the
// kernel's name and a function from tfjs's kernel to ours. tfjs's setup (which binds the wasm
// function its kernel calls) is kept, so the fallback still works; registering happens before
// the backend is set up (backends.ts).

import { tf } from "../../tf.js";
import type { TensorInfo } from "../host-memory.js";

export type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> };
export type KernelFunc = (args: KernelArgs) => TensorInfo;

/** Replaces tfjs's wasm kernel `name` by `make(tfjs's own)`; false when tfjs has no such kernel. */
export function replaceWasmKernel(name: string, make: (tfjs: KernelFunc) => KernelFunc): boolean {
  const original = tf.getKernel(name, "wasm");
  if (!original) return false;
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({
    kernelName: name,
    backendName: "wasm",
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    kernelFunc: make(original.kernelFunc as unknown as KernelFunc) as never,
  });
  return true;
}
