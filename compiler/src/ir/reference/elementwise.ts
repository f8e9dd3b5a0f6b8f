// Reference implementations of the elementwise ops (rules: compiler/src/ops/elementwise.ts).

import { binary, broadcastIndex, make, num, unary, type Reference } from "./reference.js";

const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
const geluExact = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

/**
 * erf(x) to about 1e-13: its Maclaurin series up to |x| = 3 (the alternating terms peak near 170,
 * costing three of double's sixteen digits), beyond that 1 − erfc(x) with erfc by its continued
 * fraction e^(−x²) / (√π (x + (1/2) / (x + 1 / (x + (3/2) / (x + …))))), evaluated from the tail.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a <= 3) {
    let [term, sum] = [x, x];
    for (let n = 1; n < 60 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = a;
  for (let n = 60; n >= 1; n--) fraction = a + n / 2 / fraction;
  const erfc = Math.exp(-a * a) / (Math.sqrt(Math.PI) * fraction);
  return Math.sign(x) * (1 - erfc);
}
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
  gelu: (inputs, ctx) => {
    const exact = (ctx.node.attrs.get("approximate") as { value?: string } | undefined)?.value === "none";
    return unary(exact ? geluExact : geluTanh)(inputs, ctx);
  },
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
