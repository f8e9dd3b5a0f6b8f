// std/nn's LayerNorm as one kernel forward and one backward, on the backends whose memory is in
// this process (cpu, wasm). Op by op it is nine kernels forward and about twenty backward, most
// of them small elementwise passes and the reductions of broadcast gradients; tfjs's
// per-kernel cost and the passes over memory made SASRec's five layer norms a tenth of its
// step on wasm. In: x f32[..., D], gain f32[D], shift f32[D], eps. Out: (x − μ) / √(σ² + eps) ·
// gain + shift per row of D, with μ and the biased σ² computed in double precision.
// Gradient (per row, x̂ = (x − μ)·r, r = 1/√(σ² + eps), g = dy·gain):
//   dx = r·(g − mean(g) − x̂·mean(g·x̂)),  dgain = Σ_rows dy·x̂,  dshift = Σ_rows dy.

import { tf, type Tensor } from "../../tf.js";
import { HOST_BACKENDS, hostMemory, type TensorInfo } from "../host-memory.js";

// Float32 views only (the patterns match f32 tensors): one array type keeps the loops monomorphic.
type Values = Float32Array;

const FORWARD = "RecLayerNorm";
const BACKWARD = "RecLayerNormGrad";

interface Attrs {
  eps: number;
}

/** Mean and 1/√(σ² + eps) of the row of `x` at `from`, of `width` values. */
function rowStatistics(x: Values, from: number, width: number, eps: number): [mean: number, rstd: number] {
  let sum = 0;
  for (let j = 0; j < width; j++) sum += x[from + j]!;
  const mean = sum / width;
  let squares = 0;
  for (let j = 0; j < width; j++) {
    const d = x[from + j]! - mean;
    squares += d * d;
  }
  return [mean, 1 / Math.sqrt(squares / width + eps)];
}

function forward(x: Values, gain: Values, shift: Values, out: Values, width: number, eps: number): void {
  for (let from = 0; from < x.length; from += width) {
    const [mean, rstd] = rowStatistics(x, from, width, eps);
    for (let j = 0; j < width; j++) out[from + j] = (x[from + j]! - mean) * rstd * gain[j]! + shift[j]!;
  }
}

function backward(dy: Values, x: Values, gain: Values, dx: Values, dgain: Values, dshift: Values, width: number, eps: number): void {
  const gainSums = new Float64Array(width);
  const shiftSums = new Float64Array(width);
  for (let from = 0; from < x.length; from += width) {
    const [mean, rstd] = rowStatistics(x, from, width, eps);
    let g = 0;
    let gx = 0;
    for (let j = 0; j < width; j++) {
      const d = dy[from + j]!;
      const normalized = (x[from + j]! - mean) * rstd;
      g += d * gain[j]!;
      gx += d * gain[j]! * normalized;
      gainSums[j]! += d * normalized;
      shiftSums[j]! += d;
    }
    const meanG = g / width;
    const meanGx = gx / width;
    for (let j = 0; j < width; j++) {
      const normalized = (x[from + j]! - mean) * rstd;
      dx[from + j] = rstd * (dy[from + j]! * gain[j]! - meanG - normalized * meanGx);
    }
  }
  dgain.set(gainSums);
  dshift.set(shiftSums);
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of HOST_BACKENDS) {
    tf.registerKernel({
      kernelName: FORWARD,
      backendName,
      kernelFunc: (({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }) => {
        const memory = hostMemory(backendName, backend);
        const x = inputs["x"]!;
        const out = memory.allocate(x.shape, "float32");
        forward(
          memory.view(x) as Values,
          memory.view(inputs["gain"]!) as Values,
          memory.view(inputs["shift"]!) as Values,
          memory.view(out) as Values,
          x.shape[x.shape.length - 1]!,
          attrs.eps,
        );
        return out;
      }) as never,
    });
    tf.registerKernel({
      kernelName: BACKWARD,
      backendName,
      kernelFunc: (({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }) => {
        const memory = hostMemory(backendName, backend);
        const [dy, x, gain] = [inputs["dy"]!, inputs["x"]!, inputs["gain"]!];
        const outputs = [memory.allocate(x.shape, "float32"), memory.allocate(gain.shape, "float32"), memory.allocate(gain.shape, "float32")] as const;
        const [dx, dgain, dshift] = outputs.map((o) => memory.view(o) as Values);
        backward(
          memory.view(dy) as Values,
          memory.view(x) as Values,
          memory.view(gain) as Values,
          dx!,
          dgain!,
          dshift!,
          x.shape[x.shape.length - 1]!,
          attrs.eps,
        );
        return [...outputs];
      }) as never,
    });
  }
  tf.registerGradient({
    kernelName: FORWARD,
    inputsToSave: ["x", "gain"],
    gradFunc: (dy, saved, attrs) => {
      const [x, gain] = saved as Tensor[];
      const [dx, dgain, dshift] = tf.engine().runKernel(BACKWARD, { dy: dy as Tensor, x: x!, gain: gain! }, attrs as never) as Tensor[];
      return { x: () => dx!, gain: () => dgain!, shift: () => dshift! };
    },
  });
}

/** Whether the current backend runs the fused kernel (else the plan's ops run one by one). */
export function hasFusedLayerNorm(backendName: string): boolean {
  return HOST_BACKENDS.includes(backendName);
}

/** LayerNorm over the last axis of `x` as one kernel; call only where `hasFusedLayerNorm`. */
export function fusedLayerNorm(x: Tensor, gain: Tensor, shift: Tensor, eps: number): Tensor {
  register();
  return tf.engine().runKernel(FORWARD, { x, gain, shift }, { eps } as never) as Tensor;
}
