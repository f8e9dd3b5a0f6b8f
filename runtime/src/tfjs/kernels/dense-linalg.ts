// Dense linear algebra for the tfjs engine: `inverse`, `solve` and `cholesky` (rules:
// compiler/src/ops/linalg.ts). TensorFlow.js has none of them. On cpu and wasm each matrix of the
// batch is read to the host and factored in float64 — LU decomposition with partial pivoting
// (Doolittle) for inverse and solve, the Cholesky–Crout columns for cholesky — and the result
// goes back as a float32 tensor. A GPU backend cannot read a tensor synchronously inside a
// kernel, so there the same eliminations run as tfjs ops, one column at a time
// (dense-linalg-ops.ts). Gradients are the closed forms PyTorch uses, as tfjs ops over the saved
// results (tf.customGrad). These ops serve closed-form models (EASE's item–item matrix) and
// small systems, not a training loop's inner products.

import { tf, type Tensor } from "../tf.js";
import { choleskyByOps, solveByOps } from "./dense-linalg-ops.js";

/** Whether the active backend's tensors can be read synchronously (cpu and wasm hold them in host memory). */
const readsOnHost = () => tf.getBackend() === "cpu" || tf.getBackend() === "wasm";

/** The LU factors of one N × N matrix with its row order, or undefined when it is singular. */
function luDecompose(a: Float64Array, n: number): { lu: Float64Array; order: Int32Array } | undefined {
  const lu = Float64Array.from(a);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(lu[r * n + k]!) > Math.abs(lu[pivot * n + k]!)) pivot = r;
    if (lu[pivot * n + k] === 0) return undefined;
    if (pivot !== k) {
      for (let j = 0; j < n; j++) [lu[k * n + j], lu[pivot * n + j]] = [lu[pivot * n + j]!, lu[k * n + j]!];
      [order[k], order[pivot]] = [order[pivot]!, order[k]!];
    }
    for (let r = k + 1; r < n; r++) {
      const factor = (lu[r * n + k] = lu[r * n + k]! / lu[k * n + k]!);
      for (let j = k + 1; j < n; j++) lu[r * n + j] = lu[r * n + j]! - factor * lu[k * n + j]!;
    }
  }
  return { lu, order };
}

/** X with A X = B for one matrix (B is N × K, row-major), by LU; NaN when A is singular. */
function luSolve(a: Float64Array, b: Float64Array, n: number, k: number): Float64Array {
  const factors = luDecompose(a, n);
  const x = new Float64Array(n * k);
  if (!factors) return x.fill(Number.NaN);
  const { lu, order } = factors;
  for (let c = 0; c < k; c++) {
    // Forward substitution with the unit lower factor on the permuted right-hand side, then back substitution.
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = b[order[i]! * k + c]!;
      for (let j = 0; j < i; j++) sum -= lu[i * n + j]! * y[j]!;
      y[i] = sum;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i]!;
      for (let j = i + 1; j < n; j++) sum -= lu[i * n + j]! * x[j * k + c]!;
      x[i * k + c] = sum / lu[i * n + i]!;
    }
  }
  return x;
}

/** The lower L with L Lᵀ = A (lower triangle of A read), column by column; NaN unless A is positive definite. */
function choleskyFactor(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diagonal = a[j * n + j]!;
    for (let t = 0; t < j; t++) diagonal -= l[j * n + t]! ** 2;
    if (!(diagonal > 0)) return l.fill(Number.NaN);
    l[j * n + j] = Math.sqrt(diagonal);
    for (let i = j + 1; i < n; i++) {
      let sum = a[i * n + j]!;
      for (let t = 0; t < j; t++) sum -= l[i * n + t]! * l[j * n + t]!;
      l[i * n + j] = sum / l[j * n + j]!;
    }
  }
  return l;
}

/** `f` over each matrix of a batch, on the host: a [..., N, N] (and b [..., N, K]) → [..., N, K]. */
function onHost(a: Tensor, b: Tensor | undefined, f: (a: Float64Array, b: Float64Array, n: number, k: number) => Float64Array): Tensor {
  const n = a.shape[a.rank - 1]!;
  const k = b ? b.shape[b.rank - 1]! : n;
  const [av, bv] = [Float64Array.from(a.dataSync()), b ? Float64Array.from(b.dataSync()) : new Float64Array(0)];
  const matrices = a.size / (n * n);
  const out = new Float32Array(matrices * n * k);
  for (let m = 0; m < matrices; m++) out.set(f(av.subarray(m * n * n, (m + 1) * n * n), bv.subarray(m * n * k, (m + 1) * n * k), n, k), m * n * k);
  return tf.tensor(out, b ? b.shape : a.shape, "float32");
}

const transposeLast = (t: Tensor) => tf.transpose(t, [...Array.from({ length: t.rank - 2 }, (_, i) => i), t.rank - 1, t.rank - 2]);
/** The solution on the host where the backend allows it, else by tfjs ops (as inverseValues). */
const solveValues = (a: Tensor, b: Tensor) => (readsOnHost() ? onHost(a, b, luSolve) : solveByOps(a, b));
const eyeOf = (n: number) => {
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return eye;
};
const inverseValues = (a: Tensor) =>
  readsOnHost() ? onHost(a, undefined, (m, _b, n) => luSolve(m, eyeOf(n), n, n)) : solveByOps(a, tf.broadcastTo(tf.eye(a.shape[a.rank - 1]!), a.shape));

type Save = (tensors: Tensor[]) => void;

/** inverse(a); gradient −A⁻ᵀ Ḡ A⁻ᵀ. */
export const inverseKernel = tf.customGrad((a, save) => {
  const y = inverseValues(a as Tensor);
  (save as Save)([y]);
  return {
    value: y,
    gradFunc: (dy: Tensor, [inv]: Tensor[]) => [tf.neg(tf.matMul(tf.matMul(transposeLast(inv!), dy), transposeLast(inv!)))],
  };
}) as (a: Tensor) => Tensor;

/** solve(a, b); gradients b̄ = A⁻ᵀ x̄ (another solve) and ā = −b̄ xᵀ. */
export const solveKernel = tf.customGrad((a, b, save) => {
  const x = solveValues(a as Tensor, b as Tensor);
  (save as Save)([a as Tensor, x]);
  return {
    value: x,
    gradFunc: (dx: Tensor, [matrix, solution]: Tensor[]) => {
      const db = solveValues(transposeLast(matrix!), dx);
      return [tf.neg(tf.matMul(db, transposeLast(solution!))), db];
    },
  };
}) as (a: Tensor, b: Tensor) => Tensor;

/**
 * cholesky(a); the gradient of PyTorch's cholesky_backward: with Φ(X) the lower triangle of X
 * with its diagonal halved, S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹ and Ā = (S + Sᵀ) / 2.
 */
export const choleskyKernel = tf.customGrad((a, save) => {
  const l = readsOnHost() ? onHost(a as Tensor, undefined, (m, _b, n) => choleskyFactor(m, n)) : choleskyByOps(a as Tensor);
  (save as Save)([l]);
  return {
    value: l,
    gradFunc: (dl: Tensor, [factor]: Tensor[]) => {
      const n = factor!.shape[factor!.rank - 1]!;
      const lowerHalvedDiagonal = Float32Array.from({ length: n * n }, (_, i) => {
        const [row, col] = [Math.floor(i / n), i % n];
        return row > col ? 1 : row === col ? 0.5 : 0;
      });
      const phi = tf.mul(tf.matMul(transposeLast(factor!), dl), tf.tensor2d(lowerHalvedDiagonal, [n, n]));
      const lInverse = inverseValues(factor!);
      const s = tf.matMul(tf.matMul(transposeLast(lInverse), phi), lInverse);
      return [tf.mul(tf.add(s, transposeLast(s)), 0.5)];
    },
  };
}) as (a: Tensor) => Tensor;
