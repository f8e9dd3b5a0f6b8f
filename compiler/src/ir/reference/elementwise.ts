// Reference implementations of the elementwise ops (rules: compiler/src/ops/elementwise.ts).

import { binary, broadcastIndex, make, num, unary, type Reference } from "./reference.js";

const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

export const ELEMENTWISE_REFERENCE: Readonly<Record<string, Reference>> = {
  add: binary((a, b) => a + b),
  sub: binary((a, b) => a - b),
  mul: binary((a, b) => a * b),
  div: binary((a, b) => a / b),
  mod: binary((a, b) => ((a % b) + b) % b),
  pow: binary((a, b) => a ** b),
  maximum: binary(Math.max),
  minimum: binary(Math.min),
  eq: binary((a, b) => +(a === b)),
  ne: binary((a, b) => +(a !== b)),
  lt: binary((a, b) => +(a < b)),
  le: binary((a, b) => +(a <= b)),
  gt: binary((a, b) => +(a > b)),
  ge: binary((a, b) => +(a >= b)),
  logical_and: binary((a, b) => +(a && b)),
  logical_or: binary((a, b) => +(a || b)),
  logical_not: unary((x) => (x ? 0 : 1)),
  neg: unary((x) => -x),
  exp: unary(Math.exp),
  log: unary(Math.log),
  log1p: unary(Math.log1p),
  sqrt: unary(Math.sqrt),
  abs: unary(Math.abs),
  relu: unary((x) => Math.max(x, 0)),
  gelu: unary(gelu),
  silu: unary((x) => x / (1 + Math.exp(-x))),
  sigmoid: unary((x) => 1 / (1 + Math.exp(-x))),
  tanh: unary(Math.tanh),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  softplus: unary(softplus),
  identity: unary((x) => x),
  square: unary((x) => x * x),
  rsqrt: unary((x) => 1 / Math.sqrt(x)),
  log_sigmoid: unary((x) => -softplus(-x)),
  clip: ([x], { node, shape, dim }) => make(shape, (i) => Math.min(Math.max(x!.data[i]!, num(node.attrs.get("low"), dim)), num(node.attrs.get("high"), dim))),
  where: ([c, a, b], { shape }) =>
    make(shape, (i) => (c!.data[broadcastIndex(c!, shape, i)] ? a!.data[broadcastIndex(a!, shape, i)]! : b!.data[broadcastIndex(b!, shape, i)]!)),
  cast: ([x], { node, shape }) =>
    make(shape, (i) => (node.type.dtype === "bool" ? +(x!.data[i] !== 0) : node.type.dtype === "f32" ? x!.data[i]! : Math.trunc(x!.data[i]!))),
  as_ids: ([x], { shape }) => make(shape, (i) => Math.trunc(x!.data[i]!)),
  // The forward value; the interpreter freezes it when taking finite differences.
  stop_gradient: ([x], { shape, frozen }) => ({ shape, data: (frozen ?? x!).data }),
};
