// GELU (the tanh form of the registry's `gelu`) on wasm, forward by tfjs ops that run on XNNPACK
// and backward by one pass of our own. Forward: 0.5·x·(1 + tanh(u)) with u = √(2/π)(x +
// 0.044715x³) is computed as the equal x·σ(2u), as tfjs's wasm Tanh is a scalar loop (51 ms for
// SASRec's 1.6M activations, a tenth of its training step) where its Sigmoid runs on XNNPACK
// (4 ms), and 2u = x·(a + b·x²) is three products; there is no cancellation, as σ(2u) in (0, 1)
// is multiplied. Backward: with s = σ(2u) saved, d/dx [x·s] = s + x·s·(1 − s)·(a + 3b·x²), one
// pass over dy, x and s instead of the dozen elementwise kernels tfjs's tape records (with the
// float32 casts its product gradients add).

import { tf, type Tensor } from "../../tf.js";
import { hostMemory, type TensorInfo } from "../host-memory.js";

const LINEAR = 2 * Math.sqrt(2 / Math.PI);
const CUBIC = LINEAR * 0.044715;
const BACKWARD = "RecGeluGrad";

/** dx = dy · (s + x·s·(1 − s)·(a + 3b·x²)), elementwise. */
function geluGradient(dy: Float32Array, x: Float32Array, s: Float32Array, dx: Float32Array): void {
  const slope = 3 * CUBIC;
  for (let i = 0; i < dx.length; i++) {
    const v = x[i]!;
    const si = s[i]!;
    dx[i] = dy[i]! * (si + v * si * (1 - si) * (LINEAR + slope * v * v));
  }
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: BACKWARD,
    backendName: "wasm",
    kernelFunc: (({ inputs, backend }: { inputs: Record<string, TensorInfo>; backend: unknown }) => {
      const memory = hostMemory("wasm", backend);
      const result = memory.allocate(inputs["x"]!.shape, "float32");
      const [dx, dy, x, s] = [memory.view(result), memory.view(inputs["dy"]!), memory.view(inputs["x"]!), memory.view(inputs["s"]!)];
      geluGradient(dy as Float32Array, x as Float32Array, s as Float32Array, dx as Float32Array);
      return result;
    }) as never,
  });
}

const geluWithGradient = tf.customGrad((input, saveOrInput) => {
  const x = input as Tensor;
  const save = saveOrInput as (tensors: Tensor[]) => void;
  const s = tf.sigmoid(tf.mul(x, tf.add(LINEAR, tf.mul(tf.mul(x, x), CUBIC))));
  save([x, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.engine().runKernel(BACKWARD, { dy, x: saved[0]!, s: saved[1]! }) as Tensor],
  };
}) as (x: Tensor) => Tensor;

/** GELU of a float32 tensor on the wasm backend. */
export function geluOnWasm(x: Tensor): Tensor {
  register();
  return geluWithGradient(x);
}
