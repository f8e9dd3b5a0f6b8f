// Our wasm kernels (runtime/src/kernels/wasm/): matrix products routed to XNNPACK and tiling by
// block copies give what tfjs's cpu backend gives, for every transpose and batch arrangement
// and random shapes; a clone shares memory. (The conformance tests also run every example
// through them against the reference interpreter.)

import { describe, expect, it } from "vitest";
import { useBackend } from "../runtime/src/backends.js";
import { tf } from "../runtime/src/tf.js";

/** A seeded uniform generator, so a failure repeats. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

async function onBoth(compute: () => tf.Tensor): Promise<{ wasm: Float32Array | Int32Array | Uint8Array; cpu: Float32Array | Int32Array | Uint8Array; shape: number[] }> {
  await useBackend("wasm");
  const onWasm = compute();
  const wasm = (await onWasm.data()) as Float32Array;
  const shape = onWasm.shape;
  onWasm.dispose();
  await useBackend("cpu");
  const onCpu = compute();
  const cpu = (await onCpu.data()) as Float32Array;
  expect(onCpu.shape).toEqual(shape);
  onCpu.dispose();
  return { wasm, cpu, shape };
}

describe("wasm kernels", () => {
  it("multiply matrices as the cpu backend does, for every transpose and batch arrangement", async () => {
    const next = random(11);
    const values = (n: number) => Array.from({ length: n }, () => next() * 2 - 1);
    const [m, k, n] = [7, 5, 3];
    const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [];
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a2 = ta ? [k, m] : [m, k];
        const b2 = tb ? [n, k] : [k, n];
        cases.push({ a: a2, b: b2, ta, tb }, { a: [4, ...a2], b: b2, ta, tb }, { a: [2, 3, ...a2], b: [1, ...b2], ta, tb }, { a: a2, b: [1, ...b2], ta, tb }, { a: [4, ...a2], b: [4, ...b2], ta, tb }, { a: [2, 3, ...a2], b: [2, 3, ...b2], ta, tb });
      }
    }
    for (const c of cases) {
      const [av, bv] = [values(c.a.reduce((x, y) => x * y, 1)), values(c.b.reduce((x, y) => x * y, 1))];
      const { wasm, cpu } = await onBoth(() => tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.ta, c.tb));
      wasm.forEach((v, i) => expect(Math.abs(v - cpu[i]!), JSON.stringify(c)).toBeLessThan(1e-5));
    }
  });

  it("tile and broadcast as the cpu backend does, for random shapes and dtypes", async () => {
    const next = random(5);
    for (let trial = 0; trial < 40; trial++) {
      const rank = 1 + Math.floor(next() * 4);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(next() * 3));
      const reps = Array.from({ length: rank }, () => 1 + Math.floor(next() * 3));
      const dtype = (["float32", "int32", "bool"] as const)[trial % 3]!;
      const size = shape.reduce((x, y) => x * y, 1);
      const data = Array.from({ length: size }, (_, i) => (dtype === "bool" ? (next() > 0.5 ? 1 : 0) : dtype === "int32" ? i : next()));
      const { wasm, cpu } = await onBoth(() => tf.tile(tf.tensor(data, shape, dtype), reps));
      expect([...wasm], `${shape} × ${reps} ${dtype}`).toEqual([...cpu]);
    }
  });

  it("clone without copying: the clone shares the tensor's memory", async () => {
    await useBackend("wasm");
    const x = tf.tensor1d([1, 2, 3]);
    const backend = tf.backend() as unknown as { refCount(id: object): number };
    const y = tf.clone(x);
    expect(backend.refCount(x.dataId)).toBe(2);
    expect(await y.data()).toEqual(new Float32Array([1, 2, 3]));
    x.dispose();
    expect(await y.data()).toEqual(new Float32Array([1, 2, 3]));
    y.dispose();
  });
});
