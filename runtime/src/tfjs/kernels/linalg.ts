// Kernels of the linalg ops (rules: compiler/src/ops/linalg.ts): matmul here; inverse, solve and
// cholesky in dense-linalg.ts.

import { tf, type Tensor } from "../tf.js";
import { dtypeOf, castTo, type Kernel } from "./kernel.js";
import { choleskyKernel, inverseKernel, solveKernel } from "./dense-linalg.js";

export const LINALG_KERNELS: Readonly<Record<string, Kernel>> = {
  // [..., M, K] @ [K, N]: one 2-D product over the flattened leading axes (a Dense layer),
  // never a broadcast copy of the weight per batch element.
  matmul: ([a, b], ctx) => {
    const want = dtypeOf(ctx.step);
    const [p, q] = [castTo(a!, want), castTo(b!, want)];
    if (q.rank === 2 && p.rank > 2) {
      const lead = p.shape.slice(0, -1);
      return tf.reshape(tf.matMul(tf.reshape(p, [-1, p.shape[p.rank - 1]!]), q), [...lead, q.shape[1]!]);
    }
    if (p.rank === q.rank) return tf.matMul(p, q);
    const batch = (p.rank > q.rank ? p : q).shape.slice(0, -2);
    const widen = (t: Tensor) => (t.rank - 2 === batch.length ? t : tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]));
    return tf.matMul(widen(p), widen(q));
  },
  inverse: ([a]) => inverseKernel(a!),
  solve: ([a, b]) => solveKernel(a!, b!),
  cholesky: ([a]) => choleskyKernel(a!),
};
