// Backends: cpu and wasm always; tensorflow (tfjs-node-gpu, else tfjs-node) when installed,
// loaded by dynamic import; `auto` picks the fastest present and says which.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { tf } from "./tf.js";
import { registerSegmentSum } from "./kernels/segment-sum.js";

export type BackendName = "cpu" | "wasm" | "tensorflow" | "auto";

export class BackendUnavailable extends Error {
  override readonly name = "BackendUnavailable";
}

const require = createRequire(import.meta.url);

async function tryTensorflow(): Promise<boolean> {
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await import(pkg);
      return tf.findBackend("tensorflow") !== null || (await tf.setBackend("tensorflow"));
    } catch {
      // Not installed (its install needs libtensorflow from outside the npm registry).
    }
  }
  return false;
}

/** Makes `name` the active backend and returns the name actually in use. */
export async function useBackend(name: BackendName): Promise<string> {
  if (name === "tensorflow" || name === "auto") {
    if (await tryTensorflow()) {
      await tf.setBackend("tensorflow");
      return "tensorflow";
    }
    if (name === "tensorflow") {
      throw new BackendUnavailable(
        "the tensorflow backend needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node; install one with `npm install @tensorflow/tfjs-node` where its native library can be downloaded",
      );
    }
  }
  if (name === "wasm" || name === "auto") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(`${join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), "/")}`);
    registerSegmentSum("wasm");
    if (await tf.setBackend("wasm")) {
      await tf.ready();
      return "wasm";
    }
  }
  await tf.setBackend("cpu");
  await tf.ready();
  registerSegmentSum("cpu");
  return "cpu";
}
