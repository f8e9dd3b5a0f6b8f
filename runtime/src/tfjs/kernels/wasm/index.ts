// Kernels of our own for tfjs's wasm backend, where its own are slow on what recommendation
// models do most (measured in bench/train and bench/embeddings): a clone, a cast to the same
// dtype and an identity transpose that share memory (identity.ts), matrix products routed to
// XNNPACK (matmul.ts), tiling by block copies (tile.ts), lookups by row copies (gather.ts) and
// sums over leading axes in one pass (sum.ts). Each replaces tfjs's kernel of the same name; the conformance tests run every
// example through them against the reference interpreter.

import { registerFastGather } from "./gather.js";
import { registerSharedIdentity } from "./identity.js";
import { registerFastMatMul } from "./matmul.js";
import { registerFastSum } from "./sum.js";
import { registerFastTile } from "./tile.js";

/** Registers them; call after the wasm backend's module is loaded, before it is set up. */
export function registerWasmKernels(): void {
  registerSharedIdentity();
  registerFastMatMul();
  registerFastTile();
  registerFastGather();
  registerFastSum();
}
