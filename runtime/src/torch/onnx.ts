// One head as ONNX for serving. In: an executor holding the weights to serve, the head's name,
// the .rec file, the .onnx path. Out: the file, written by torch.onnx.export through
// reclang_torch/onnx_export.py from the generated package (in a temporary folder beside it) and
// checked with onnx.checker; its inputs are the batched model inputs the head reads, in plan
// order, with their symbolic dims dynamic; the constant inputs it reads (a catalogue, a graph)
// are the executor's, baked into the graph as initializers. Python's onnx (Debian's python3-onnx)
// must be installed.

import { spawnSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { BackendUnavailable } from "../tfjs/backends.js";
import { saveCheckpoint } from "../checkpoint/checkpoint.js";
import type { Executor } from "../tfjs/executor.js";
import type { Plan } from "../plan.js";
import { writeFileAtomic } from "../atomic-write.js";
import { TorchProcessError } from "./bridge.js";
import { writeTorchPackage } from "./package.js";
import { writeConstants } from "./export.js";
import { findTorchPython } from "./python.js";
import { pythonString } from "../literals.js";

/** The model inputs one head reads, in plan order. */
export function headInputs(plan: Plan, head: string): Plan["inputs"][number][] {
  const needed = new Set([plan.entries.predict.outputs[head]!]);
  for (let i = plan.steps.length - 1; i >= 0; i--) if (needed.has(i)) for (const input of plan.steps[i]!.inputs) needed.add(input);
  return plan.inputs.filter((input) => needed.has(input.step));
}

export async function exportOnnx(executor: Executor, head: string, source: string, path: string): Promise<{ path: string; opset: number; onnx: string }> {
  const python = findTorchPython();
  if (typeof python === "string") throw new BackendUnavailable(`--format onnx: ${python}`);
  const plan = executor.plan;
  const work = mkdtempSync(join(dirname(path), ".rec-onnx-"));
  try {
    const { package: name } = writeTorchPackage(plan, source, work);
    await saveCheckpoint(executor, join(work, "weights.safetensors"), { step: "0" });
    const read = headInputs(plan, head);
    const inputs = read.filter((i) => !i.constant).map((i) => ({ name: i.name, dtype: i.type.dtype, shape: i.type.shape }));
    const constants = read.filter((i) => i.constant).map((i) => i.name);
    const missing = constants.filter((name) => !executor.constants.has(name));
    if (missing.length)
      throw new BackendUnavailable(
        `--format onnx: the head \`${head}\` reads the constant inputs ${missing.map((n) => `\`${n}\``).join(", ")}, which its data did not give`,
      );
    writeConstants(new Map(constants.map((name) => [name, executor.constants.get(name)!])), join(work, "constants"));
    // Example sizes for tracing; ONNX keeps the symbolic dims dynamic.
    const sizes = Object.fromEntries(inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === "string")).map((d, k) => [d, 3 + (k % 3)]));
    writeFileAtomic(join(work, "head.json"), JSON.stringify({ inputs, sizes }));
    const temporary = join(work, "head.onnx");
    const code =
      `import sys; sys.path.insert(0, ${pythonString(work)}); from ` +
      `${name}.reclang_torch.onnx_export import main; ` +
      `main(${[name, join(work, "weights.safetensors"), head, join(work, "head.json"), temporary].map(pythonString).join(", ")})`;
    const run = spawnSync(python.python, ["-c", code], { cwd: work, encoding: "utf8", maxBuffer: 1 << 26 });
    if (run.status !== 0) throw new TorchProcessError(`the ONNX export of head \`${head}\` failed:\n${run.stderr.trim().split("\n").slice(-12).join("\n")}`);
    const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { opset: number; onnx: string };
    renameSync(temporary, path);
    return { path, ...report };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
