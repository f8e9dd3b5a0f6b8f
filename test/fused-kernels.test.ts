// Fused kernels (runtime/src/tfjs/kernels/fused/): std/nn's LayerNorm as one kernel on cpu and wasm
// gives the values and gradients its ops give one by one, for random shapes; the executor runs
// every LayerNorm of a plan fused on those backends (SASRec's five) with the same loss and
// gradients as the unfused plan.

import { describe, expect, it } from "vitest";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor, tfDtype } from "../runtime/src/tfjs/executor.js";
import { fusedLayerNorm } from "../runtime/src/tfjs/kernels/fused/layer-norm.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { compileFiles } from "../app/compile.js";
import { dataFor, lcg } from "./harness/conformance-data.js";
import { ROOT } from "./harness/repo.js";
import { join } from "node:path";

const opByOp = (x: tf.Tensor, gain: tf.Tensor, shift: tf.Tensor, eps: number) => {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  return tf.add(tf.mul(tf.div(centered, tf.sqrt(tf.add(tf.mean(tf.mul(centered, centered), -1, true), eps))), gain), shift);
};

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-4) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i]! - expected[i]!), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(
      tolerance * Math.max(1, Math.abs(expected[i]!)),
    );
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`fused layer norm on ${backend}`, () => {
    it("gives the values and gradients of its ops, for random shapes", async () => {
      expect(await useBackend(backend)).toBe(backend);
      const next = lcg(3);
      for (const shape of [
        [4, 7],
        [2, 3, 16],
        [1, 1],
        [5, 64],
      ]) {
        const width = shape[shape.length - 1]!;
        const random = (s: number[], scale = 2) =>
          tf.tensor(
            Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => (next() - 0.5) * scale + 0.3),
            s,
          );
        const [x, gain, shift, weights] = [random(shape, 6), random([width]), random([width]), random(shape)];
        const loss = (f: typeof opByOp) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b, 1e-5), weights));
        expectClose(await fusedLayerNorm(x, gain, shift, 1e-5).data(), await opByOp(x, gain, shift, 1e-5).data(), `${shape} values`);
        const fused = tf.grads(loss(fusedLayerNorm))([x, gain, shift]);
        const plain = tf.grads(loss(opByOp))([x, gain, shift]);
        for (const [i, name] of ["x", "gain", "shift"].entries()) expectClose(await fused[i]!.data(), await plain[i]!.data(), `${shape} d${name}`, 2e-4);
        tf.dispose([x, gain, shift, weights, ...fused, ...plain]);
      }
    });

    it("runs SASRec's layer norms fused, with the loss and gradients of the unfused plan", async () => {
      await useBackend(backend);
      // SASRec with a small catalogue: its weights are drawn in JavaScript.
      const plan = compileFiles([join(ROOT, "examples/sasrec/model.rec")], { set: { items: 50, max_len: 6 } }).plans[0]!;
      const data = dataFor(plan);
      const run = (fuse: boolean) => {
        const executor = new Executor(plan, 1, { fuse });
        for (const [name, variable] of executor.params) variable.assign(tf.tensor(data.get(name)!.data, data.get(name)!.shape, "float32"));
        const feeds = new Map(plan.inputs.map((i) => [i.name, tf.tensor(data.get(i.name)!.data, data.get(i.name)!.shape, tfDtype(i.type))]));
        const fusedOps: string[] = [];
        executor.timer = (_step, _ms, op) => void (op && fusedOps.push(op));
        const { value, grads } = tf.variableGrads(() => {
          let total: tf.Tensor = tf.scalar(0);
          for (const loss of executor.run("train", feeds, { training: true }).values()) total = tf.add(total, loss);
          return total as tf.Scalar;
        }, [...executor.params.values()]);
        const names = new Map([...executor.params].map(([name, v]) => [v.name, name]));
        return { value, grads: new Map(Object.entries(grads).map(([k, g]) => [names.get(k)!, g])), fusedOps, dispose: () => executor.dispose() };
      };
      const fused = run(true);
      const plain = run(false);
      expect(fused.fusedOps).toEqual(["layer_norm", "layer_norm", "layer_norm", "layer_norm", "layer_norm"]);
      expect(plain.fusedOps).toEqual([]);
      expectClose(await fused.value.data(), await plain.value.data(), "loss");
      expect([...fused.grads.keys()].sort()).toEqual([...plain.grads.keys()].sort());
      for (const [name, g] of plain.grads) expectClose(await fused.grads.get(name)!.data(), await g.data(), name, 2e-4);
      fused.dispose();
      plain.dispose();
    });
  });
}
