// Reference implementations of the linalg ops (rules: compiler/src/ops/linalg.ts): matmul,
// batched and broadcasting the batch axes; inverse and solve by Gauss–Jordan elimination with
// partial pivoting on an augmented matrix [A | B]; cholesky by the Cholesky–Banachiewicz rows.
// All in float64, one square matrix of the batch at a time.

import { broadcastIndex, size, type Reference } from "./reference.js";

/**
 * Solves A X = B for one N × N matrix A and N × K right-hand side B (row-major), by Gauss–Jordan
 * elimination with partial pivoting: X, or NaN everywhere when A is singular.
 */
function gaussJordan(a: Float64Array, b: Float64Array, n: number, k: number): Float64Array {
  const width = n + k;
  const m = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * width + j] = a[i * n + j]!;
    for (let j = 0; j < k; j++) m[i * width + n + j] = b[i * k + j]!;
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * width + col]!) > Math.abs(m[pivot * width + col]!)) pivot = r;
    if (m[pivot * width + col] === 0) return new Float64Array(n * k).fill(Number.NaN);
    for (let j = 0; j < width; j++) [m[col * width + j], m[pivot * width + j]] = [m[pivot * width + j]!, m[col * width + j]!];
    const scale = m[col * width + col]!;
    for (let j = 0; j < width; j++) m[col * width + j]! /= scale;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r * width + col]!;
      if (factor !== 0) for (let j = 0; j < width; j++) m[r * width + j]! -= factor * m[col * width + j]!;
    }
  }
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) x[i * k + j] = m[i * width + n + j]!;
  return x;
}

/** The lower-triangular L with L Lᵀ = A, reading A's lower triangle; NaN everywhere unless A is positive definite. */
function choleskyOf(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let t = 0; t < j; t++) sum -= l[i * n + t]! * l[j * n + t]!;
      if (i === j) {
        if (!(sum > 0)) return l.fill(Number.NaN);
        l[i * n + i] = Math.sqrt(sum);
      } else l[i * n + j] = sum / l[j * n + j]!;
    }
  return l;
}

/** `f` applied to each matrix of a batch of N × N matrices (and, for solve, of N × K right-hand sides). */
function perMatrix(
  shape: number[],
  inputs: readonly { data: Float64Array }[],
  f: (a: Float64Array, b: Float64Array | undefined, n: number, k: number) => Float64Array,
) {
  const n = shape[shape.length - 2]!;
  const k = shape[shape.length - 1]!;
  const matrices = size(shape.slice(0, -2));
  const out = new Float64Array(size(shape));
  for (let m = 0; m < matrices; m++) {
    const a = inputs[0]!.data.subarray(m * n * n, (m + 1) * n * n);
    const b = inputs[1]?.data.subarray(m * n * k, (m + 1) * n * k);
    out.set(f(a, b, n, k), m * n * k);
  }
  return out;
}

const identity = (n: number) => {
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return eye;
};

export const LINALG_REFERENCE: Readonly<Record<string, Reference>> = {
  inverse: ([a], { shape }) => ({ shape, data: perMatrix(shape, [a!], (m, _b, n) => gaussJordan(m, identity(n), n, n)) }),
  solve: ([a, b], { shape }) => ({ shape, data: perMatrix(shape, [a!, b!], (m, rhs, n, k) => gaussJordan(m, rhs!, n, k)) }),
  cholesky: ([a], { shape }) => ({ shape, data: perMatrix(shape, [a!], (m, _b, n) => choleskyOf(m, n)) }),
  matmul: ([p, q], { shape }) => {
    const m = shape[shape.length - 2]!;
    const n = shape[shape.length - 1]!;
    const k = p!.shape[p!.shape.length - 1]!;
    const batchShape = shape.slice(0, -2);
    const out = new Float64Array(size(shape));
    const pBatch = { shape: p!.shape.slice(0, -2), data: p!.data };
    const qBatch = { shape: q!.shape.slice(0, -2), data: q!.data };
    for (let b = 0; b < size(batchShape); b++) {
      const pOff = broadcastIndex(pBatch, batchShape, b) * m * k;
      const qOff = broadcastIndex(qBatch, batchShape, b) * k * n;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let t = 0; t < k; t++) acc += p!.data[pOff + i * k + t]! * q!.data[qOff + t * n + j]!;
          out[b * m * n + i * n + j] = acc;
        }
    }
    return { shape, data: out };
  },
};
