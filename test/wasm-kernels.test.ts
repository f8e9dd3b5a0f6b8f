// Our wasm kernels (runtime/src/tfjs/kernels/wasm/): matrix products routed to XNNPACK, tiling by
// block copies, gathers by row copies, sums over leading axes and GELU with its one-pass
// gradient give what tfjs's cpu backend gives, for every transpose and batch arrangement and
// random shapes; a clone, a cast to the same dtype and an identity transpose share memory. (The
// conformance tests also run every example through them against the reference interpreter.)

import { describe, expect, it } from "vitest";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { ELEMENTWISE_KERNELS } from "../runtime/src/tfjs/kernels/elementwise.js";
import { tf } from "../runtime/src/tfjs/tf.js";

/** A seeded uniform generator, so a failure repeats. */
function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

async function onBoth(
  compute: () => tf.Tensor,
): Promise<{ wasm: Float32Array | Int32Array | Uint8Array; cpu: Float32Array | Int32Array | Uint8Array; shape: number[] }> {
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
        cases.push(
          { a: a2, b: b2, ta, tb },
          { a: [4, ...a2], b: b2, ta, tb },
          { a: [2, 3, ...a2], b: [1, ...b2], ta, tb },
          { a: a2, b: [1, ...b2], ta, tb },
          { a: [4, ...a2], b: [4, ...b2], ta, tb },
          { a: [2, 3, ...a2], b: [2, 3, ...b2], ta, tb },
        );
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
      const reps = Array.from({ length: rank }, () => 1 + Math.floor(next() * 6));
      const dtype = (["float32", "int32", "bool"] as const)[trial % 3]!;
      const size = shape.reduce((x, y) => x * y, 1);
      const data = Array.from({ length: size }, (_, i) => (dtype === "bool" ? (next() > 0.5 ? 1 : 0) : dtype === "int32" ? i : next()));
      const { wasm, cpu } = await onBoth(() => tf.tile(tf.tensor(data, shape, dtype), reps));
      expect([...wasm], `${shape} × ${reps} ${dtype}`).toEqual([...cpu]);
    }
  });

  it("gather rows along any axis as the cpu backend does, and refuse an id outside the axis", async () => {
    const next = random(17);
    for (let trial = 0; trial < 30; trial++) {
      const rank = 1 + Math.floor(next() * 3);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(next() * 5));
      const axis = Math.floor(next() * rank);
      const dtype = (["float32", "int32"] as const)[trial % 2]!;
      const size = shape.reduce((x, y) => x * y, 1);
      const data = Array.from({ length: size }, (_, i) => (dtype === "int32" ? i : next()));
      const idShape = Array.from({ length: 1 + Math.floor(next() * 2) }, () => 1 + Math.floor(next() * 4));
      const ids = Array.from({ length: idShape.reduce((x, y) => x * y, 1) }, () => Math.floor(next() * shape[axis]!));
      const { wasm, cpu } = await onBoth(() => tf.gather(tf.tensor(data, shape, dtype), tf.tensor(ids, idShape, "int32"), axis));
      expect([...wasm], `${shape} axis ${axis} ids ${idShape}`).toEqual([...cpu]);
    }
    await useBackend("wasm");
    expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], "int32"))).toThrow(/index value 3 is not in \[0, 2\]/);
  });

  it("sum over any axes as the cpu backend does", async () => {
    const next = random(23);
    for (let trial = 0; trial < 30; trial++) {
      const rank = 1 + Math.floor(next() * 4);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(next() * 5));
      const axes = [...new Set(Array.from({ length: 1 + Math.floor(next() * rank) }, () => Math.floor(next() * rank)))];
      const leading = Array.from({ length: Math.max(1, Math.floor(next() * rank)) }, (_, i) => i);
      const keep = next() > 0.5;
      const data = Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => next() * 2 - 1);
      for (const axis of [axes, leading]) {
        const { wasm, cpu, shape: out } = await onBoth(() => tf.sum(tf.tensor(data, shape), axis, keep));
        wasm.forEach((v, i) => expect(Math.abs(v - cpu[i]!), `${shape} over ${axis} → ${out}`).toBeLessThan(1e-5));
      }
    }
  });

  it("cast to the same dtype and transpose by the identity share memory; other transposes copy as on cpu", async () => {
    await useBackend("wasm");
    const backend = tf.backend() as unknown as { refCount(id: object): number };
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const same = tf.cast(x, "float32");
    const unmoved = tf.transpose(x, [0, 1]);
    expect(backend.refCount(x.dataId)).toBe(3);
    x.dispose();
    expect([...(await same.data()), ...(await unmoved.data())]).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    expect([...(await tf.cast(same, "int32").data())]).toEqual([1, 2, 3, 4, 5, 6]);
    const { wasm, cpu } = await onBoth(() => tf.transpose(tf.tensor3d([...Array(24).keys()], [2, 3, 4]), [2, 0, 1]));
    expect([...wasm]).toEqual([...cpu]);
  });

  it("gelu and its gradient as the cpu backend's tanh form gives them", async () => {
    const next = random(29);
    const data = Array.from({ length: 3000 }, (_, i) => (i < 20 ? [-30, -8, 8, 30][i % 4]! : (next() - 0.5) * 12));
    const weights = Array.from({ length: data.length }, () => next() - 0.5);
    const gelu = (x: tf.Tensor) => ELEMENTWISE_KERNELS["gelu"]!([x], { step: { attrs: { approximate: "tanh" } } } as never);
    const values = await onBoth(() => gelu(tf.tensor1d(data)));
    values.wasm.forEach((v, i) => expect(Math.abs(v - values.cpu[i]!), `gelu(${data[i]})`).toBeLessThan(1e-5 * Math.max(1, Math.abs(data[i]!))));
    const gradients = await onBoth(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gelu(x), tf.tensor1d(weights))))(tf.tensor1d(data)));
    gradients.wasm.forEach((v, i) => expect(Math.abs(v - gradients.cpu[i]!), `gelu'(${data[i]})`).toBeLessThan(1e-5));
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
