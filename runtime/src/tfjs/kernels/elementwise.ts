// Kernels of the elementwise ops (rules: compiler/src/ops/elementwise.ts; reference: compiler/src/ir/reference/elementwise.ts).

import { tf, type Tensor } from "../tf.js";
import { geluOnWasm } from "./wasm/gelu.js";
import { dtypeOf, castTo, binary, outputShape, unary, stopGradient, type Kernel } from "./kernel.js";

export const ELEMENTWISE_KERNELS: Readonly<Record<string, Kernel>> = {
  add: binary(tf.add),
  sub: binary(tf.sub),
  mul: binary(tf.mul),
  div: binary(tf.div),
  mod: binary((a, b) => tf.mod(tf.add(tf.mod(a, b), b), b)),
  // A constant exponent of 2 or 3 (LayerNorm's variance, GELU's cube) by products: tfjs's Pow is
  // slow on wasm and its gradient also differentiates the exponent (a log of the base).
  pow: (inputs, ctx) => {
    const exponent = ctx.inputSteps[1]?.op === "const" ? Number(ctx.inputSteps[1].attrs["value"]) : undefined;
    if (ctx.step.type.dtype === "f32" && (exponent === 2 || exponent === 3)) {
      const x = castTo(inputs[0]!, "float32");
      const shape = outputShape(ctx);
      const squared = tf.mul(x, x);
      const value = exponent === 2 ? squared : tf.mul(squared, x);
      return value.shape.join() === shape.join() ? value : tf.broadcastTo(value, shape);
    }
    return binary(tf.pow)(inputs, ctx);
  },
  maximum: binary(tf.maximum),
  minimum: binary(tf.minimum),
  eq: binary(tf.equal, true),
  ne: binary(tf.notEqual, true),
  lt: binary(tf.less, true),
  le: binary(tf.lessEqual, true),
  gt: binary(tf.greater, true),
  ge: binary(tf.greaterEqual, true),
  logical_and: binary(tf.logicalAnd, true),
  logical_or: binary(tf.logicalOr, true),
  logical_not: unary(tf.logicalNot),
  neg: unary(tf.neg),
  exp: unary(tf.exp),
  log: unary(tf.log),
  log1p: unary(tf.log1p),
  sqrt: unary(tf.sqrt),
  abs: unary(tf.abs),
  relu: unary(tf.relu),
  // GELU's tanh form, 0.5·x·(1 + tanh(u)) with u = √(2/π)(x + 0.044715x³); on wasm by a form
  // that runs on its fast kernels (wasm/gelu.ts). Other backends keep tanh: webgpu's sigmoid (an
  // approximate exp on lavapipe) drifts past the conformance tolerance through SASRec's blocks.
  // The exact form (`approximate = "none"`), 0.5·x·(1 + erf(x/√2)), through tfjs's Erf kernel
  // (every backend has one; its gradient 2/√π·e^(−u²) is tfjs's own).
  gelu: ([x], ctx) =>
    ctx.step.attrs["approximate"] === "none"
      ? tf.mul(tf.mul(x!, 0.5), tf.add(1, tf.erf(tf.mul(x!, Math.SQRT1_2))))
      : tf.getBackend() === "wasm" && x!.dtype === "float32"
        ? geluOnWasm(x!)
        : tf.mul(tf.mul(x!, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x!, tf.mul(0.044715, tf.mul(tf.mul(x!, x!), x!))))))),
  silu: unary((x) => tf.mul(x, tf.sigmoid(x))),
  sigmoid: unary(tf.sigmoid),
  tanh: unary(tf.tanh),
  sin: unary(tf.sin),
  cos: unary(tf.cos),
  softplus: unary(tf.softplus),
  identity: unary((x) => x),
  square: unary(tf.square),
  rsqrt: unary(tf.rsqrt),
  // Not tf.logSigmoid: its own gradient reads a freed tensor under variableGrads.
  log_sigmoid: unary((x) => tf.neg(tf.softplus(tf.neg(x)))),
  // tf.logSigmoid's own gradient reads a freed tensor under variableGrads.
  clip: ([x], ctx) => tf.clipByValue(x!, Number(ctx.step.attrs["low"]), Number(ctx.step.attrs["high"])),
  // tf.where broadcasts the condition; the branches must be full-sized (a scalar mask value is
  // filled once rather than broadcast by a copy of every operand).
  where: ([c, a, b], ctx) => {
    const want = dtypeOf(ctx.step);
    const shape = ctx.step.type.shape.map((d) => ctx.dim(typeof d === "number" ? d : { dim: d }));
    const full = (t: Tensor, i: number) => {
      const typed = castTo(t, want);
      if (typed.shape.join() === shape.join()) return typed;
      const constant = ctx.inputSteps[i]?.op === "const" ? Number(ctx.inputSteps[i]!.attrs["value"]) : undefined;
      return constant !== undefined && Number.isFinite(constant) ? tf.fill(shape, constant, want === "bool" ? "bool" : want) : tf.broadcastTo(typed, shape);
    };
    return tf.where(c!.shape.join() === shape.join() ? c! : tf.broadcastTo(c!, shape), full(a!, 1), full(b!, 2));
  },
  cast: ([x], ctx) => tf.cast(x!, dtypeOf(ctx.step)),
  as_ids: ([x]) => tf.cast(x!, "int32"),
  stop_gradient: unary(stopGradient),
};
