// Backends: cpu and wasm always; webgpu when its optional packages (`webgpu`, Dawn's binding, and
// `@tensorflow/tfjs-backend-webgpu`) are installed and an adapter exists; tensorflow
// (tfjs-node-gpu, else tfjs-node) when installed; each loaded by dynamic import. `auto` picks
// the fastest present and says which; a backend asked for by name and absent names what to install.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { tf } from "./tf.js";
import { registerSegmentSum } from "./kernels/segment-sum.js";
import { registerWasmKernels } from "./kernels/wasm/index.js";

export type BackendName = "cpu" | "wasm" | "webgpu" | "tensorflow" | "auto";

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

let webgpuAdapter: { software: boolean } | null | undefined;

/** WebGPU in Node: Dawn's native binding and tfjs's backend, optional (peer) packages of reclang. */
const WEBGPU_PACKAGES = ["webgpu@0.6.2", "@tensorflow/tfjs-backend-webgpu@4.22.0"];

function webgpuInstalled(): boolean {
  try {
    require.resolve("webgpu");
    require.resolve("@tensorflow/tfjs-backend-webgpu");
    return true;
  } catch {
    return false;
  }
}

/** Adapter descriptions of software renderers (Mesa's lavapipe, SwiftShader): slower than wasm. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|mesa/;

/**
 * Sets up WebGPU through Dawn (npm `webgpu`): navigator.gpu, then tfjs's webgpu backend.
 * Returns whether an adapter exists and whether it is a software one (Mesa's lavapipe).
 */
async function prepareWebgpu(): Promise<{ software: boolean } | null> {
  if (webgpuAdapter !== undefined) return webgpuAdapter;
  try {
    process.env["XDG_RUNTIME_DIR"] ??= "/tmp";
    const dawn = (await import("webgpu")) as unknown as { create(flags: string[]): GPU; globals: object };
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) return (webgpuAdapter = null);
    const info = (adapter as GPUAdapter & { info?: { description?: string; vendor?: string; architecture?: string } }).info;
    const text = `${info?.description ?? ""} ${info?.vendor ?? ""} ${info?.architecture ?? ""}`.toLowerCase();
    Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true });
    await import("@tensorflow/tfjs-backend-webgpu");
    webgpuAdapter = { software: SOFTWARE_ADAPTER.test(text) };
  } catch {
    webgpuAdapter = null;
  }
  return webgpuAdapter;
}

let hardwareProbe: boolean | undefined;

/**
 * Whether a hardware WebGPU adapter exists, asked in a child process whose output is discarded.
 * Dawn writes warnings straight to the process's stderr (no Vulkan loader, limits it reduces on
 * lavapipe); `auto` must not show them to a user who did not ask for webgpu, so Dawn is loaded
 * in this process only when the probe found a GPU worth using.
 */
function hardwareAdapterPresent(): boolean {
  if (hardwareProbe !== undefined) return hardwareProbe;
  if (!webgpuInstalled()) return (hardwareProbe = false);
  const webgpu = pathToFileURL(require.resolve("webgpu")).href;
  const script = `const d = await import(${JSON.stringify(webgpu)}); Object.assign(globalThis, d.globals);
const a = await d.create([]).requestAdapter();
const i = a?.info ?? {}; const t = \`\${i.description ?? ""} \${i.vendor ?? ""} \${i.architecture ?? ""}\`.toLowerCase();
process.stdout.write(a && !${SOFTWARE_ADAPTER}.test(t) ? "hardware" : "none"); process.exit(0);`;
  const probe = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    timeout: 20_000,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env["XDG_RUNTIME_DIR"] ?? "/tmp" },
  });
  return (hardwareProbe = probe.status === 0 && probe.stdout.trim() === "hardware");
}

/** Whether a WebGPU adapter is present (the webgpu conformance tests run only then). */
export async function webgpuAvailable(): Promise<boolean> {
  return (await prepareWebgpu()) !== null;
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
        "the tensorflow backend needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node; install " +
          "one with `npm install @tensorflow/tfjs-node` where its native library can be downloaded",
      );
    }
  }
  if (name === "webgpu" || (name === "auto" && hardwareAdapterPresent())) {
    const adapter = await prepareWebgpu();
    // A software adapter (lavapipe) works but is slower than wasm, so `auto` passes it over.
    if (adapter && (name === "webgpu" || !adapter.software) && (await tf.setBackend("webgpu"))) {
      await tf.ready();
      return "webgpu";
    }
    if (name === "webgpu" && !webgpuInstalled()) {
      throw new BackendUnavailable(
        `the webgpu backend needs the optional packages ` +
          `${WEBGPU_PACKAGES.map((p) => `\`${p}\``).join(" and ")}: \`npm install ` +
          `${WEBGPU_PACKAGES.join(" ")}\` beside reclang`,
      );
    }
    if (name === "webgpu") {
      throw new BackendUnavailable(
        "the webgpu backend found no WebGPU adapter; on Debian, install Mesa's Vulkan driver from bookworm-backports (`bash .ci/install-webgpu.sh`)",
      );
    }
  }
  if (name === "wasm" || name === "auto") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(`${join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), "/")}`);
    registerSegmentSum("wasm");
    registerWasmKernels();
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
