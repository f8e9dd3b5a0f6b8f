// Reference implementation of matmul (rule: compiler/src/ops/linalg.ts): batched, broadcasting the batch axes.

import { broadcastIndex, size, type Reference } from "./reference.js";

export const LINALG_REFERENCE: Readonly<Record<string, Reference>> = {
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
