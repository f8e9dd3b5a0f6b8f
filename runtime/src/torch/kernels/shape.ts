// Torch lowerings of the shape ops (rules: compiler/src/ops/shape.ts and index-op.ts).

import type { PlanValue } from "../../plan.js";
import { axes, axis, py, rankOf, torchDtype, type TorchLowering } from "./lowering.js";

export const SHAPE_TORCH: Readonly<Record<string, TorchLowering>> = {
  transpose: (c) => `R.transpose(${c.inputs[0]}, ${py(axes(c, rankOf(c, 0), "perm") ?? null)})`,
  reshape: (c) => `${c.inputs[0]}.reshape(${(c.step.attrs["shape"] as PlanValue[]).map((d) => c.dim(d)).join(", ")})`,
  squeeze: (c) => `${c.inputs[0]}.reshape(${c.shape()})`,
  expand_dims: (c) => `${c.inputs[0]}.unsqueeze(${axis(c, 1)})`,
  broadcast_to: (c) => `${c.inputs[0]}.expand(${(c.step.attrs["shape"] as PlanValue[]).map((d) => c.dim(d)).join(", ")})`,
  concat: (c) => `torch.cat([${c.inputs.join(", ")}], dim=${axis(c)})`,
  stack: (c) => `torch.stack([${c.inputs.join(", ")}], dim=${axis(c, 1)})`,
  index: (c) => `R.index(${c.inputs[0]}, ${py(c.step.attrs["spec"])}, d, ${c.shape()})`,
  arange: (c) => `torch.arange(${c.dim(c.step.attrs["n"])}, device=device)`,
  constant: (c) => {
    const dtype = c.step.attrs["dtype"];
    const values = py(c.step.attrs["values"]);
    if (dtype === "bool") return `(torch.tensor(${values}, device=device) != 0)`;
    const truncated = (v: PlanValue): PlanValue => (Array.isArray(v) ? v.map(truncated) : Math.trunc(Number(v)));
    return dtype === "i32"
      ? `torch.tensor(${py(truncated(c.step.attrs["values"]!))}, dtype=torch.int64, device=device)`
      : `torch.tensor(${values}, dtype=torch.float32, device=device)`;
  },
  full: (c) => {
    const value = Number(c.step.attrs["value"] ?? 0);
    const shape = `(${(c.step.attrs["shape"] as PlanValue[]).map((d) => c.dim(d)).join(", ")},)`;
    // torch 1.13's tracer (ONNX export) has no `full` with a bool fill: fill ints and compare.
    if (c.step.attrs["dtype"] === "bool") return `(torch.full(${shape}, ${value !== 0 ? 1 : 0}, device=device, dtype=torch.int64) != 0)`;
    const filled = c.step.attrs["dtype"] === "i32" ? String(Math.trunc(value)) : py(value);
    return `torch.full(${shape}, ${filled}, device=device, dtype=${torchDtype(c.step.type)})`;
  },
  eye: (c) => `torch.eye(${c.dim(c.step.attrs["n"])}, device=device).to(${torchDtype(c.step.type)})`,
  take: (c) => `torch.index_select(${c.inputs[0]}, ${axis(c)}, ${c.inputs[1]}.to(torch.int64).reshape(-1)).reshape(${c.shape()})`,
};
