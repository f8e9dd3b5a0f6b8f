// Dense linear algebra as tfjs ops, for backends whose tensors a kernel cannot read back
// synchronously (webgpu): Gauss–Jordan elimination with partial pivoting for solve (and inverse,
// solving against the identity), and the Cholesky columns. In: batches of square matrices
// [..., N, N] (and right-hand sides [..., N, K]). Out: the solution or the factor, as tensors.
// N steps of a few whole-batch ops each; dense-linalg.ts gives them their gradients.

import { tf, type Tensor } from "../tf.js";

/** a [..., N, N] and b [..., N, K] as [M, N, N] and [M, N, K], with a function restoring b's shape. */
function asBatch(a: Tensor, b: Tensor): { a: Tensor; b: Tensor; restore: (x: Tensor) => Tensor } {
  const n = a.shape[a.rank - 1]!;
  const k = b.shape[b.rank - 1]!;
  return { a: tf.reshape(a, [-1, n, n]), b: tf.reshape(b, [-1, n, k]), restore: (x) => tf.reshape(x, b.shape) };
}

/** x with a x = b, by Gauss–Jordan elimination with partial pivoting on [a | b]. */
export function solveByOps(a: Tensor, b: Tensor): Tensor {
  return tf.tidy(() => {
    const batch = asBatch(a, b);
    const n = batch.a.shape[1]!;
    let m = tf.concat([batch.a, batch.b], 2);
    const rows = tf.range(0, n, 1, "int32");
    const eye = tf.eye(n);
    for (let c = 0; c < n; c++) {
      // The pivot: the largest |value| of column c among rows c and below.
      const column = tf.squeeze(tf.slice(m, [0, 0, c], [-1, n, 1]), [2]);
      const candidates = tf.where(tf.greaterEqual(rows, c), tf.abs(column), tf.fill(column.shape, -1));
      const pivot = tf.oneHot(tf.argMax(candidates, 1), n, 1, 0, "float32");
      const current = tf.oneHot(tf.fill([column.shape[0]!], c, "int32"), n, 1, 0, "float32");
      // Swap rows c and the pivot's: I − e_c e_cᵀ − e_p e_pᵀ + e_c e_pᵀ + e_p e_cᵀ (I when they are one row).
      const outer = (u: Tensor, v: Tensor) => tf.mul(tf.expandDims(u, 2), tf.expandDims(v, 1));
      const swap = tf.addN([
        tf.broadcastTo(eye, [column.shape[0]!, n, n]),
        tf.neg(outer(current, current)),
        tf.neg(outer(pivot, pivot)),
        outer(current, pivot),
        outer(pivot, current),
      ]);
      m = tf.matMul(swap, m);
      const pivotRow = tf.slice(m, [0, c, 0], [-1, 1, -1]);
      const scaled = tf.div(pivotRow, tf.slice(m, [0, c, c], [-1, 1, 1]));
      const factors = tf.mul(tf.slice(m, [0, 0, c], [-1, n, 1]), tf.expandDims(tf.expandDims(tf.sub(1, tf.oneHot(c, n)), 0), 2));
      const isPivotRow = tf.reshape(tf.oneHot(c, n), [1, n, 1]);
      m = tf.add(tf.mul(tf.sub(m, tf.mul(factors, scaled)), tf.sub(1, isPivotRow)), tf.mul(isPivotRow, scaled));
    }
    return batch.restore(tf.slice(m, [0, 0, n], [-1, n, -1]));
  });
}

/** The lower factor of each symmetric positive-definite a (lower triangle read), column by column. */
export function choleskyByOps(a: Tensor): Tensor {
  return tf.tidy(() => {
    const n = a.shape[a.rank - 1]!;
    const matrices = tf.reshape(a, [-1, n, n]);
    let l = tf.zerosLike(matrices);
    const rows = tf.range(0, n, 1, "int32");
    for (let j = 0; j < n; j++) {
      // Column j of a minus the columns so far: a[:, j] − L L[j, :]ᵀ (L's columns past j−1 are zero).
      const aColumn = tf.slice(matrices, [0, 0, j], [-1, n, 1]);
      const rowJ = tf.slice(l, [0, j, 0], [-1, 1, n]);
      const rest = tf.sub(aColumn, tf.matMul(l, rowJ, false, true));
      const diagonal = tf.sqrt(tf.slice(rest, [0, j, 0], [-1, 1, 1]));
      const below = tf.reshape(tf.cast(tf.greaterEqual(rows, j), "float32"), [1, n, 1]);
      const column = tf.mul(tf.div(rest, diagonal), below);
      l = tf.add(l, tf.mul(column, tf.reshape(tf.oneHot(j, n), [1, 1, n])));
    }
    return tf.reshape(l, a.shape);
  });
}
