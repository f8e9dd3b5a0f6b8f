// Serving through ONNX: `rec export --format onnx --head NAME` writes a head that passes
// onnx.checker and runs in onnxruntime-node (its CPU binary ships in the npm package) with
// outputs equal to the reference interpreter's within 1e-5, at two batch sizes (the batch dim
// stays dynamic). A head that reads constant inputs (a catalogue) is served with them baked in:
// only the batched inputs are fed. Skipped, with the reason, where no Python with torch and onnx
// is installed.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { exportOnnx, onnxMetadata, outputInputs } from "../runtime/src/torch/onnx.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { dataFor, reference, SIZES } from "./harness/conformance-data.js";
import { ROOT } from "./harness/repo.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const scratch = join(ROOT, ".tmp", "onnx");
mkdirSync(scratch, { recursive: true });

// SASRec's head (two attention blocks in float32) drifts up to 1.6e-5 from the float64 reference
// at values near 1: float32 rounding, not the export (torch's own forward drifts the same).
const CASES: Array<{ spec: string; head: string; tolerance: number; kind?: "encoder"; batches?: number[] }> = [
  { spec: "examples/two_tower/model.rec", head: "score", tolerance: 1e-5 },
  // The towers retrieval serves apart: each encoder alone, batch sizes 1 to 7.
  { spec: "examples/two_tower/model.rec", head: "user", kind: "encoder", tolerance: 1e-5, batches: [1, 5, 7] },
  { spec: "examples/two_tower/model.rec", head: "item", kind: "encoder", tolerance: 1e-5, batches: [1, 5, 7] },
  { spec: "examples/ctr/model.rec", head: "logit", tolerance: 1e-5 },
  { spec: "examples/sasrec/model.rec", head: "next_item", tolerance: 3e-5 },
  // Random ops and the mode switch served at their values outside training (BERT4Rec's masks).
  { spec: "examples/zoo/bert4rec/model.rec", head: "recommended", tolerance: 3e-5 },
  // Constant inputs baked into the graph as initializers.
  { spec: "test/fixtures/onnx-constants.rec", head: "nearest", tolerance: 1e-5 },
];

describe.skipIf(typeof torch === "string")(`ONNX heads in onnxruntime-node${skip}`, () => {
  for (const { spec, head, tolerance, kind = "head", batches = [5, 7] } of CASES) {
    it(`${spec}: ${kind} \`${head}\` equals the reference interpreter's at batch sizes ${batches.join(", ")}`, async () => {
      await useBackend("cpu");
      const compiled = compileFiles([join(ROOT, spec)]);
      const [plan, model] = [compiled.plans[0]!, compiled.optimized[0]!];
      const executor = new Executor(plan, 0);
      const path = join(scratch, `${plan.model}-${kind}-${head}.onnx`);
      let session: ort.InferenceSession | undefined;
      let weights: ReturnType<typeof dataFor> | undefined;
      for (const batch of batches) {
        SIZES["B"] = batch;
        // New inputs at each batch size, the weights of the first (the ones exported).
        const data = dataFor(plan);
        // The weights and the constant inputs are those of the first batch size (the ones exported).
        weights ??= new Map([...plan.params, ...plan.inputs.filter((i) => i.constant)].map((p) => [p.name, data.get(p.name)!]));
        for (const [name, value] of weights) data.set(name, value);
        if (!executor.constants.size && plan.inputs.some((i) => i.constant)) {
          executor.bindConstants(
            new Map(
              plan.inputs
                .filter((i) => i.constant)
                .map((i) => [
                  i.name,
                  tf.tensor(data.get(i.name)!.data, data.get(i.name)!.shape, i.type.dtype === "f32" ? "float32" : i.type.dtype === "bool" ? "bool" : "int32"),
                ]),
            ),
          );
        }
        for (const [name, variable] of executor.params) variable.assign(tf.tensor(data.get(name)!.data, data.get(name)!.shape, "float32"));
        if (!session) {
          const written = await exportOnnx(executor, { kind, name: head }, spec, path, onnxMetadata(plan, { kind, name: head }, undefined));
          expect(written.opset).toBe(13);
          session = await ort.InferenceSession.create(path);
        }
        const want = reference(model, plan, data).get(head)!;
        const feeds: Record<string, ort.Tensor> = {};
        for (const input of outputInputs(plan, { kind, name: head }).filter((i) => !i.constant)) {
          const value = data.get(input.name)!;
          feeds[input.name] =
            input.type.dtype === "f32"
              ? new ort.Tensor("float32", Float32Array.from(value.data), value.shape)
              : input.type.dtype === "bool"
                ? new ort.Tensor("bool", Uint8Array.from(value.data), value.shape)
                : new ort.Tensor("int64", BigInt64Array.from(value.data.map((v) => BigInt(v))), value.shape);
        }
        const output = (await session.run(feeds))[head]!;
        const got = output.data as Float32Array;
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++)
          expect(Math.abs(got[i]! - want[i]!), `${head}[${i}] at batch ${batch}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
            tolerance * Math.max(1, Math.abs(want[i]!)),
          );
      }
      SIZES["B"] = 5;
      executor.dispose();
    });
  }
});
