// What this machine offers the tests that need more than Node: a WebGPU adapter (Mesa's lavapipe
// through Dawn) and python3. A test that needs one is declared with `it.skipIf(!…)` and carries
// the reason in its name, so a machine without it reports the test as skipped, never as passed.

import { spawnSync } from "node:child_process";
import { webgpuAvailable } from "../../runtime/src/tfjs/backends.js";

export const hasWebgpu = await webgpuAvailable();
export const hasPython = spawnSync("python3", ["--version"]).status === 0;

/** Every backend the conformance tests cover; webgpu runs only where an adapter exists. */
export const ALL_BACKENDS = ["cpu", "wasm", "webgpu"] as const;
export type TestBackend = (typeof ALL_BACKENDS)[number];

export const unavailable = (backend: TestBackend): boolean => backend === "webgpu" && !hasWebgpu;

/** A suffix for a test's name saying why it is skipped here (empty where it runs). */
export function skipNote(backend: TestBackend): string {
  return unavailable(backend) ? " (skipped: no WebGPU adapter; install Mesa's Vulkan driver with bash .ci/install-webgpu.sh)" : "";
}
