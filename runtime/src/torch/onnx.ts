// One head or one encoder (a tower) as ONNX for serving. In: an executor holding the weights to
// serve, what to export (`{ kind: "head" | "encoder", name }`), the .rec file, the .onnx path,
// and what the file should say about its inputs. Out: the file, written by torch.onnx.export
// through reclang_torch/onnx_export.py from the generated package (in a temporary folder beside
// it) and checked with onnx.checker; its inputs are the batched model inputs the value reads, in
// plan order, with their symbolic dims dynamic; the constant inputs it reads (a catalogue, a
// graph) are the executor's, baked into the graph as initializers. Its metadata_props describe
// the model for whoever serves it (onnxMetadata). Python's onnx (Debian's python3-onnx) must be
// installed.

import { spawnSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { BackendUnavailable } from "../tfjs/backends.js";
import { saveCheckpoint } from "../checkpoint/checkpoint.js";
import type { Executor } from "../tfjs/executor.js";
import type { Plan, PlanSchema } from "../plan.js";
import { writeFileAtomic } from "../atomic-write.js";
import { inputsOfSteps } from "../serve.js";
import { TorchProcessError } from "./bridge.js";
import { writeTorchPackage } from "./package.js";
import { writeConstants } from "./export.js";
import { findTorchPython } from "./python.js";
import { pythonString } from "../literals.js";

/** What one ONNX file computes: a head, or an encoder served on its own (a query or item tower). */
export interface OnnxOutput {
  readonly kind: "head" | "encoder";
  readonly name: string;
}

const entryOf = (kind: OnnxOutput["kind"]) => (kind === "head" ? "predict" : "encode");

/** The model inputs one head or encoder reads, in plan order. */
export function outputInputs(plan: Plan, output: OnnxOutput): Plan["inputs"][number][] {
  return inputsOfSteps(plan, [plan.entries[entryOf(output.kind)].outputs[output.name]!]);
}

/**
 * The file's metadata_props, strings all: `reclang.model`, `reclang.output` (head or encoder and
 * its name), `reclang.inputs` (JSON: each fed input's name, dtype — ids and i32 fed as int64 —,
 * shape with its symbolic dims, id space and size, the data column that feeds it and whether it
 * goes through a vocabulary), `reclang.output_shape`, and `reclang.vocabulary` (the vocabulary
 * file shipped beside the .onnx, when an input needs one).
 */
export function onnxMetadata(plan: Plan, output: OnnxOutput, schema: PlanSchema | undefined, vocabularyFile?: string): Record<string, string> {
  const step = plan.entries[entryOf(output.kind)].outputs[output.name]!;
  const fields = new Map((schema?.fields ?? []).map((f) => [f.name, f]));
  const inputs = outputInputs(plan, output)
    .filter((i) => !i.constant)
    .map((i) => {
      const field = fields.get(i.name);
      return {
        name: i.name,
        dtype: i.type.dtype,
        onnx_dtype: i.type.dtype === "f32" ? "float32" : i.type.dtype === "bool" ? "bool" : "int64",
        shape: i.type.shape,
        ...(i.type.space ? { id_space: i.type.space.name, ids: i.type.space.size } : {}),
        ...(field ? { column: field.column, ...(field.ids === "vocab" ? { vocabulary: true } : {}) } : {}),
      };
    });
  return {
    "reclang.model": plan.model,
    "reclang.output": JSON.stringify(output),
    "reclang.inputs": JSON.stringify(inputs),
    "reclang.output_shape": JSON.stringify(plan.steps[step]!.type.shape),
    ...(vocabularyFile && inputs.some((i) => "vocabulary" in i) ? { "reclang.vocabulary": vocabularyFile } : {}),
  };
}

export async function exportOnnx(
  executor: Executor,
  output: OnnxOutput | string,
  source: string,
  path: string,
  metadata: Record<string, string> = {},
): Promise<{ path: string; opset: number; onnx: string }> {
  const python = findTorchPython();
  if (typeof python === "string") throw new BackendUnavailable(`--format onnx: ${python}`);
  const what: OnnxOutput = typeof output === "string" ? { kind: "head", name: output } : output;
  const plan = executor.plan;
  const work = mkdtempSync(join(dirname(path), ".rec-onnx-"));
  try {
    const { package: name } = writeTorchPackage(plan, source, work);
    await saveCheckpoint(executor, join(work, "weights.safetensors"), { step: "0" });
    const read = outputInputs(plan, what);
    const inputs = read.filter((i) => !i.constant).map((i) => ({ name: i.name, dtype: i.type.dtype, shape: i.type.shape }));
    const constants = read.filter((i) => i.constant).map((i) => i.name);
    const missing = constants.filter((name) => !executor.constants.has(name));
    if (missing.length)
      throw new BackendUnavailable(
        `--format onnx: the ${what.kind} \`${what.name}\` reads the constant inputs ${missing.map((n) => `\`${n}\``).join(", ")}, which its data did not give`,
      );
    writeConstants(new Map(constants.map((name) => [name, executor.constants.get(name)!])), join(work, "constants"));
    // Example sizes for tracing; ONNX keeps the symbolic dims dynamic.
    const sizes = Object.fromEntries(inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === "string")).map((d, k) => [d, 3 + (k % 3)]));
    writeFileAtomic(join(work, "head.json"), JSON.stringify({ inputs, sizes, method: `${what.kind}_${what.name}`, metadata }));
    const temporary = join(work, "out.onnx");
    const code =
      `import sys; sys.path.insert(0, ${pythonString(work)}); from ` +
      `${name}.reclang_torch.onnx_export import main; ` +
      `main(${[name, join(work, "weights.safetensors"), what.name, join(work, "head.json"), temporary].map(pythonString).join(", ")})`;
    const run = spawnSync(python.python, ["-c", code], { cwd: work, encoding: "utf8", maxBuffer: 1 << 26 });
    if (run.status !== 0)
      throw new TorchProcessError(`the ONNX export of ${what.kind} \`${what.name}\` failed:\n${run.stderr.trim().split("\n").slice(-12).join("\n")}`);
    const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { opset: number; onnx: string };
    renameSync(temporary, path);
    return { path, ...report };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
