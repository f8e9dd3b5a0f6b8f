// Backend conformance: every example (and the typing corpus, which uses most registry ops)
// runs on each backend present and agrees with the reference interpreter, forward, within a
// relative tolerance of 1e-4 (float32 backends against a float64 reference). The wasm
// backend's added UnsortedSegmentSum kernel gives the same embedding gradients as cpu.

import { afterAll, describe, expect, it } from "vitest";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { ALL_BACKENDS, skipNote, unavailable } from "./harness/available.js";
import { Executor, tfDtype } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { compiled, dataFor, lcg, reference, tfjsGradients, type RefTensor } from "./harness/conformance-data.js";

const BACKENDS = ALL_BACKENDS;

for (const backend of BACKENDS) {
  describe.skipIf(unavailable(backend))(`conformance on ${backend}${skipNote(backend)}`, () => {
    for (const { spec, plan, model } of compiled) {
      it(`${spec} agrees with the reference interpreter`, async () => {
        expect(await useBackend(backend)).toBe(backend);
        const data = dataFor(plan);
        const expected = reference(model, plan, data);
        const executor = new Executor(plan, 1);
        for (const [name, variable] of executor.params) variable.assign(tf.tensor(data.get(name)!.data, data.get(name)!.shape, "float32"));
        const feeds = new Map(plan.inputs.map((i) => [i.name, tf.tensor(data.get(i.name)!.data, data.get(i.name)!.shape, tfDtype(i.type))]));
        let compared = 0;
        for (const entry of ["train", "eval", "predict", "encode", "act"] as const) {
          const outputs = executor.run(entry, feeds);
          for (const [name, tensor] of outputs) {
            const actual = await tensor.data();
            const want = expected.get(name)!;
            expect(actual.length, name).toBe(want.length);
            for (let i = 0; i < want.length; i++) {
              const tolerance = 1e-4 * Math.max(1, Math.abs(want[i]!));
              expect(Math.abs(Number(actual[i]) - want[i]!), `${name}[${i}]: ${actual[i]} vs ${want[i]}`).toBeLessThanOrEqual(tolerance);
            }
            compared++;
          }
        }
        expect(compared).toBeGreaterThan(0);
        executor.dispose();
        tf.dispose([...feeds.values()]);
      });
    }
  });
}

describe("wasm kernels we add", () => {
  it("UnsortedSegmentSum gives embedding gradients equal to cpu's", async () => {
    const grads: number[][] = [];
    for (const backend of ["cpu", "wasm"] as const) {
      await useBackend(backend);
      const table = tf.variable(
        tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      );
      const ids = tf.tensor1d([2, 0, 2, 1], "int32");
      const weights = tf.tensor2d([
        [1, 1],
        [2, 0],
        [0, 3],
        [1, -1],
      ]);
      const { grads: g } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, ids), weights)) as tf.Scalar, [table]);
      grads.push([...g[table.name]!.dataSync()]);
      table.dispose();
    }
    expect(grads[1]).toEqual(grads[0]);
    expect(grads[0]).toEqual([2, 0, 1, -1, 1, 4]);
  });
});

afterAll(async () => {
  await useBackend("cpu");
});

describe("gradients", () => {
  for (const backend of BACKENDS) {
    for (const { spec, plan } of compiled) {
      if (Object.keys(plan.entries.train.outputs).length === 0 || plan.params.length === 0) continue;
      it.skipIf(unavailable(backend))(`${spec}: every weight gets a finite gradient on ${backend}${skipNote(backend)}`, async () => {
        await useBackend(backend);
        const data = dataFor(plan);
        const executor = new Executor(plan, 1);
        const feeds = new Map(plan.inputs.map((i) => [i.name, tf.tensor(data.get(i.name)!.data, data.get(i.name)!.shape, tfDtype(i.type))]));
        const { value, grads } = tf.variableGrads(() => {
          let total: tf.Tensor = tf.scalar(0);
          for (const loss of executor.run("train", feeds, { training: true }).values()) total = tf.add(total, loss);
          return total as tf.Scalar;
        }, [...executor.params.values()]);
        expect(Number.isFinite((await value.data())[0])).toBe(true);
        for (const [name, g] of Object.entries(grads)) expect([...(await g.data())].every(Number.isFinite), name).toBe(true);
        executor.dispose();
        tf.dispose([value, ...Object.values(grads), ...feeds.values()]);
      });
    }
  }
});

describe("gradients agree with the reference interpreter's finite differences", () => {
  // Central differences in float64 on the reference interpreter, against tfjs's float32
  // gradients, for a few weight elements of each spec with a loss.
  for (const backend of BACKENDS) {
    for (const { spec, plan, model } of compiled) {
      if (Object.keys(plan.entries.train.outputs).length === 0 || plan.params.length === 0 || spec.includes("sasrec")) continue;
      it.skipIf(unavailable(backend))(`${spec} on ${backend}${skipNote(backend)}`, async () => {
        await useBackend(backend);
        const data = dataFor(plan);
        // Values behind stop-gradients (and reinforce's importance weights) stay as they are at
        // the unperturbed point, so the differences are the gradient tfjs should compute.
        const stopped = new Map<number, RefTensor>();
        reference(model, plan, data, { stopped });
        const lossOf = (values: ReturnType<typeof dataFor>) => {
          const out = reference(model, plan, values, { frozen: stopped });
          return Object.keys(plan.entries.train.outputs).reduce((sum, name) => sum + out.get(name)![0]!, 0);
        };
        const gradients = await tfjsGradients(plan, data);
        const pick = lcg(5);
        let checked = 0;
        for (const [name, g] of gradients) {
          // A weight no loss depends on has no gradient from tfjs: its difference must be zero.
          // Tolerance relative to this weight's gradient scale, so small gradients are checked too.
          let scale = 1e-6;
          for (const v of g) scale = Math.max(scale, Math.abs(v));
          for (let k = 0; k < 3; k++) {
            const i = Math.floor(pick() * g.length);
            const nudged = (delta: number) => {
              const copy = new Map(data);
              const values = [...data.get(name)!.data];
              values[i] = values[i]! + delta;
              copy.set(name, { ...data.get(name)!, data: values });
              return lossOf(copy);
            };
            const h = 1e-5;
            const numeric = (nudged(h) - nudged(-h)) / (2 * h);
            expect(Math.abs(g[i]! - numeric), `${name}[${i}]: ${g[i]} vs ${numeric}`).toBeLessThanOrEqual(
              2e-3 * Math.max(Math.abs(numeric), 0.05 * scale) + 1e-6,
            );
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(0);
      });
    }
  }
});

describe("conformance coverage", () => {
  it("the conformance specs use every run-time op of the registry", async () => {
    const { OPS } = await import("../compiler/src/ops/index.js");
    const used = new Set(compiled.flatMap(({ plan }) => plan.steps.map((s) => s.op)));
    // `identity` is removed by `simplify` before a plan exists; sampling is random by design.
    const exempt = new Set(["identity", "sample_categorical"]);
    const missing = [...OPS.values()].filter((op) => !exempt.has(op.name) && !used.has(op.name)).map((op) => op.name);
    expect(missing).toEqual([]);
  });
});
