// The tfjs engine's inverse, solve and cholesky (runtime/src/tfjs/kernels/dense-linalg.ts): the
// path a GPU backend takes (eliminations as tfjs ops, dense-linalg-ops.ts) gives the host path's
// values, run here on cpu where both exist; and each kernel's gradient matches central
// differences, including a cotangent on the factor's upper triangle (which cholesky never fills)
// and a cumulative sum over the first axis (whose tfjs gradient was wrong before it was routed
// over the last axis). The ops against the reference interpreter and PyTorch:
// test/conformance.test.ts and tools/fixtures/cases/zoo_ease.rec.

import { beforeAll, describe, expect, it } from "vitest";
import { tf } from "../runtime/src/tfjs/tf.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { choleskyByOps, solveByOps } from "../runtime/src/tfjs/kernels/dense-linalg-ops.js";
import { choleskyKernel, inverseKernel, solveKernel } from "../runtime/src/tfjs/kernels/dense-linalg.js";
import { cumsumAlong } from "../runtime/src/tfjs/kernels/reduction.js";

const largest = (x: tf.Tensor, y: tf.Tensor) => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!;

describe("dense linear algebra on the tfjs engine", () => {
  beforeAll(async () => {
    expect(await useBackend("cpu")).toBe("cpu");
  });

  it("takes the same values by tfjs ops (a GPU backend's path) as on the host", () => {
    const k = tf.randomNormal([3, 5, 5], 0, 1, "float32", 7);
    const spd = tf.add(tf.matMul(k, k, false, true), tf.mul(0.5, tf.eye(5)));
    const general = tf.randomNormal([3, 5, 5], 0, 1, "float32", 9);
    const rhs = tf.randomNormal([3, 5, 2], 0, 1, "float32", 8);
    expect(largest(solveByOps(general, rhs), solveKernel(general, rhs))).toBeLessThan(1e-4);
    expect(largest(solveByOps(general, tf.broadcastTo(tf.eye(5), [3, 5, 5])), inverseKernel(general))).toBeLessThan(1e-4);
    expect(largest(choleskyByOps(spd), choleskyKernel(spd))).toBeLessThan(1e-5);
    // The factor times its transpose is the matrix.
    expect(largest(tf.matMul(choleskyKernel(spd), choleskyKernel(spd), false, true), spd)).toBeLessThan(1e-4);
  });

  it("has gradients equal to central differences", async () => {
    const w = [0.3, -0.2, 0.5, 0.1, 0.7, 0.2, -0.4, 0.3, 0.1, 0.9, 0.2, -0.1, 0.05, 0.3, 0.6, 0.8];
    const spd = (k: tf.Tensor) => tf.add(tf.matMul(k, k, false, true), tf.mul(4, tf.eye(4)));
    const c = tf.tensor2d([0.3, 1, -2, 0.5, 1, 2, 3, 4, 0.1, -0.2, 0.3, -0.4, 2, 1, 0, -1], [4, 4]);
    const losses: Record<string, (k: tf.Tensor) => tf.Tensor> = {
      inverse: (k) => tf.sum(tf.mul(inverseKernel(tf.add(k, tf.mul(3, tf.eye(4)))), c)),
      solve: (k) => tf.sum(tf.mul(solveKernel(tf.add(k, tf.mul(3, tf.eye(4))), c), c)),
      cholesky: (k) => tf.sum(tf.mul(choleskyKernel(spd(k)), c)),
      "cholesky and cumsum": (k) => tf.sum(tf.mul(choleskyKernel(spd(k)), cumsumAlong(k, 0))),
    };
    for (const [name, loss] of Object.entries(losses)) {
      const analytic = await tf
        .grad(loss)(tf.tensor2d(w, [4, 4]))
        .data();
      for (let i = 0; i < w.length; i++) {
        const at = (delta: number) =>
          loss(
            tf.tensor2d(
              w.map((v, j) => (j === i ? v + delta : v)),
              [4, 4],
            ),
          ).dataSync()[0]!;
        const numeric = (at(1e-3) - at(-1e-3)) / 2e-3;
        expect(Math.abs(analytic[i]! - numeric), `${name}, weight ${i}: ${analytic[i]} against ${numeric}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
      }
    }
  });
});
