// Elementwise ops: arithmetic, comparisons, logic, activations, `where` and `cast`.
// Binary ops broadcast their operands (helpers.broadcast); every output element costs the
// number of flops given to elementwiseCost.

import { tensorType, type DType } from "../types/tensor-type.js";
import { broadcast, elementwiseCost, idsOfShape, numericDType, p, requireDType, str, tensorArg } from "./helpers.js";
import type { OpArg, OpDef } from "./types.js";

function arithmetic(name: string, doc: string, flops = 1, fold?: (a: number, b: number) => number, algebra?: OpDef["algebra"]): OpDef {
  return {
    name,
    ...(fold ? { fold: ([a, b]: readonly number[]) => fold(a!, b!) } : {}),
    ...(algebra ? { algebra } : {}),
    category: "elementwise",
    fusable: true,
    doc,
    params: [p("x", "tensor"), p("y", "tensor")],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      const y = tensorArg(args, "y");
      const dtype = numericDType(name, x, y, ctx, ["x", "y"]);
      return tensorType(dtype, broadcast(name, x.type.shape, y.type.shape, ctx, ["x", "y"]));
    },
    cost: elementwiseCost(flops),
  };
}

function comparison(name: string, doc: string, allowIds: boolean): OpDef {
  return {
    name,
    category: "elementwise",
    fusable: true,
    doc,
    params: [p("x", "tensor"), p("y", "tensor")],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      const y = tensorArg(args, "y");
      if (allowIds && x.type.dtype === "id" && y.type.dtype === "id") {
        // An unnamed space (argmax's, arange's) matches any space of its size.
        const [sx, sy] = [x.type.space!, y.type.space!];
        const compatible = sx.name === "" || sy.name === "" ? ctx.unifier.unify(sx.size, sy.size) : sx.name === sy.name;
        if (!compatible) {
          ctx.fail("REC2005", { case: "compare", found: y.type.space?.name ?? "?", expected: x.type.space?.name ?? "?", op: name }, "y");
        }
      } else if (!(x.type.dtype === "bool" && y.type.dtype === "bool" && allowIds)) {
        numericDType(name, x, y, ctx, ["x", "y"]);
      }
      return tensorType("bool", broadcast(name, x.type.shape, y.type.shape, ctx, ["x", "y"]));
    },
    cost: elementwiseCost(1),
  };
}

function logical(name: string, doc: string): OpDef {
  return {
    name,
    category: "elementwise",
    fusable: true,
    doc,
    params: [p("x", "tensor"), p("y", "tensor")],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      const y = tensorArg(args, "y");
      requireDType(name, x.type, ["bool"], ctx, "x");
      requireDType(name, y.type, ["bool"], ctx, "y");
      return tensorType("bool", broadcast(name, x.type.shape, y.type.shape, ctx, ["x", "y"]));
    },
    cost: elementwiseCost(1),
  };
}

function unary(name: string, doc: string, flops = 1, allowed: readonly DType[] = ["f32"], fold?: (x: number) => number, algebra?: OpDef["algebra"]): OpDef {
  return {
    name,
    ...(fold ? { fold: ([x]: readonly number[]) => fold(x!) } : {}),
    ...(algebra ? { algebra } : {}),
    category: "elementwise",
    fusable: true,
    doc,
    params: [p("x", "tensor")],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      requireDType(name, x.type, allowed, ctx, "x");
      return tensorType(x.weak && allowed.includes("f32") ? "f32" : x.type.dtype, x.type.shape, x.type.space);
    },
    cost: elementwiseCost(flops),
  };
}

const where: OpDef = {
  name: "where",
  category: "elementwise",
  fusable: true,
  doc: "where(cond, a, b): `a` where `cond` is true, else `b`; the three broadcast together. The gradient flows to the chosen side.",
  params: [p("cond", "tensor"), p("a", "tensor"), p("b", "tensor")],
  infer(args, ctx) {
    const cond = tensorArg(args, "cond");
    const a = tensorArg(args, "a");
    const b = tensorArg(args, "b");
    requireDType("where", cond.type, ["bool"], ctx, "cond");
    const dtype = a.weak && b.weak ? "f32" : a.weak ? b.type.dtype : b.weak ? a.type.dtype : a.type.dtype;
    if (!a.weak && !b.weak && a.type.dtype !== b.type.dtype) {
      ctx.fail("REC2002", { op: "where", case: "branches", found: `${a.type.dtype} and ${b.type.dtype}` }, "b");
    }
    const ab = broadcast("where", a.type.shape, b.type.shape, ctx, ["a", "b"]);
    return tensorType(dtype, broadcast("where", cond.type.shape, ab, ctx, ["cond", "a"]), dtype === "id" ? (a.weak ? b : a).type.space : undefined);
  },
  cost: elementwiseCost(1),
};

const cast: OpDef = {
  name: "cast",
  category: "elementwise",
  fusable: true,
  doc: "cast(x, dtype): converts bool, i32 or ids to `f32` or `i32` (true is 1), or numbers to bool (nonzero is true).",
  params: [p("x", "tensor"), p("dtype", "dtype")],
  infer(args) {
    const x = tensorArg(args, "x");
    const target = args.get("dtype") as Extract<OpArg, { kind: "dtype" }>;
    return tensorType(target.name, x.type.shape);
  },
  cost: elementwiseCost(1),
};

const asIds: OpDef = {
  name: "as_ids",
  category: "elementwise",
  fusable: true,
  doc:
    "as_ids(x, n): whole numbers (`f32` or `i32`, such as tokens computed during decoding) as " +
    "ids of an unnamed space of n, which fits any table of n rows (as `arange`'s positions " +
    "do); the fractional part is dropped. No gradient.",
  params: [p("x", "tensor"), p("n", "int")],
  infer: idsOfShape("as_ids", "x", ["f32", "i32"], "n", () => ""),
  cost: elementwiseCost(1),
};

// Not fusable: a fusion region is differentiated as one piece, and this op's whole point is
// that its gradient is cut.
const stopGradient: OpDef = {
  name: "stop_gradient",
  category: "elementwise",
  stopsGradient: true,
  algebra: { idempotent: true },
  doc:
    "stop_gradient(x): `x` in the forward pass, zero gradient in the backward pass (tfjs has " +
    "none; the runtime builds it with customGrad). Straight-through estimators are `x + " +
    "stop_gradient(q - x)`.",
  params: [p("x", "tensor")],
  infer(args) {
    return tensorArg(args, "x").type;
  },
  cost: elementwiseCost(0),
};

const clip: OpDef = {
  name: "clip",
  category: "elementwise",
  fusable: true,
  doc: "clip(x, low, high) = min(max(x, low), high); the gradient is zero outside [low, high].",
  params: [p("x", "tensor"), p("low", "float"), p("high", "float")],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    requireDType("clip", x.type, ["f32"], ctx, "x");
    return x.type;
  },
  cost: elementwiseCost(2),
};

/** GELU's two forms, as PyTorch's `approximate` argument names them. */
const GELU_FORMS = ["none", "tanh"];

/**
 * gelu(x, approximate = "tanh"): x Φ(x) (Hendrycks & Gimpel 2016). "none" is the exact form,
 * 0.5 x (1 + erf(x / √2)), PyTorch's `nn.GELU()` default; "tanh" (reclang's default) is
 * 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))), PyTorch's `approximate="tanh"`. They differ by up to
 * about 1e-3, which matters when a port must match a PyTorch model that uses the other form.
 */
const GELU: OpDef = {
  name: "gelu",
  category: "elementwise",
  fusable: true,
  doc:
    'gelu(x, approximate = "tanh") = x Φ(x) (Hendrycks & Gimpel 2016): "tanh" is the tanh ' +
    'approximation (PyTorch\'s approximate="tanh"), "none" the exact erf form (PyTorch\'s default).',
  params: [p("x", "tensor"), p("approximate", "string", str("tanh"))],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    requireDType("gelu", x.type, ["f32"], ctx, "x");
    const form = args.get("approximate");
    if (form?.kind !== "string" || !GELU_FORMS.includes(form.value)) {
      const found = form?.kind === "string" ? `"${form.value}"` : "another value";
      ctx.fail("REC2011", { param: "approximate", callee: "gelu", expected: '"none" or "tanh"', found }, "approximate");
    }
    return tensorType("f32", x.type.shape, x.type.space);
  },
  cost: elementwiseCost(8),
};

export const ELEMENTWISE_OPS: readonly OpDef[] = [
  arithmetic("add", "add(x, y) = x + y, broadcasting.", 1, (a, b) => a + b, { identityElement: { value: 0, commutes: true } }),
  arithmetic("sub", "sub(x, y) = x - y, broadcasting.", 1, (a, b) => a - b, { identityElement: { value: 0, commutes: false } }),
  arithmetic("mul", "mul(x, y) = x * y, broadcasting.", 1, (a, b) => a * b, { identityElement: { value: 1, commutes: true } }),
  arithmetic("div", "div(x, y) = x / y, broadcasting.", 1, (a, b) => a / b, { identityElement: { value: 1, commutes: false } }),
  arithmetic("mod", "mod(x, y) = x % y (sign of y), broadcasting."),
  arithmetic("pow", "pow(x, y) = x ** y, broadcasting.", 4, (a, b) => a ** b),
  arithmetic("maximum", "maximum(x, y): elementwise larger, broadcasting.", 1, Math.max),
  arithmetic("minimum", "minimum(x, y): elementwise smaller, broadcasting.", 1, Math.min),
  comparison("eq", "eq(x, y) = x == y → bool; ids compare within one id space.", true),
  comparison("ne", "ne(x, y) = x != y → bool; ids compare within one id space.", true),
  comparison("lt", "lt(x, y) = x < y → bool.", false),
  comparison("le", "le(x, y) = x <= y → bool.", false),
  comparison("gt", "gt(x, y) = x > y → bool.", false),
  comparison("ge", "ge(x, y) = x >= y → bool.", false),
  logical("logical_and", "logical_and(x, y) = x and y, on bools."),
  logical("logical_or", "logical_or(x, y) = x or y, on bools."),
  unary("logical_not", "logical_not(x) = not x, on bools.", 1, ["bool"], undefined, { involution: true }),
  unary("neg", "neg(x) = -x.", 1, ["f32", "i32"], (x) => -x, { involution: true }),
  unary("exp", "exp(x) = eˣ.", 1, ["f32"], Math.exp),
  unary("log", "log(x): natural logarithm.", 1, ["f32"], Math.log),
  unary("log1p", "log1p(x) = log(1 + x), accurate near 0."),
  unary("sqrt", "sqrt(x): square root.", 1, ["f32"], Math.sqrt),
  unary("abs", "abs(x) = |x|.", 1, ["f32", "i32"]),
  unary("relu", "relu(x) = max(x, 0)."),
  GELU,
  unary("silu", "silu(x) = x σ(x) (Elfwing et al. 2018).", 4),
  unary("sigmoid", "sigmoid(x) = 1 / (1 + e⁻ˣ).", 4),
  unary("tanh", "tanh(x): the hyperbolic tangent, in (−1, 1).", 4),
  unary("sin", "sin(x), x in radians (sinusoidal positions).", 4, ["f32"], Math.sin),
  unary("cos", "cos(x), x in radians (sinusoidal positions).", 4, ["f32"], Math.cos),
  unary("softplus", "softplus(x) = log(1 + eˣ), computed stably.", 4),
  unary("identity", "identity(x) = x (the default activation).", 0, ["f32", "i32", "bool", "id"], undefined, { isIdentity: true }),
  unary("square", "square(x) = x².", 1),
  unary("rsqrt", "rsqrt(x) = 1 / √x.", 2),
  unary("log_sigmoid", "log_sigmoid(x) = −softplus(−x), stable for large |x|: the log-likelihood term of BCE and DPO.", 4),
  clip,
  where,
  cast,
  asIds,
  stopGradient,
];

/** The op each unary operator of the language means. */
export const UNARY_OPERATOR_OPS: Record<string, string> = { "-": "neg", not: "logical_not" };

/** The op each binary operator of the language means. */
export const OPERATOR_OPS: Record<string, string> = {
  "+": "add",
  "-": "sub",
  "*": "mul",
  "/": "div",
  "%": "mod",
  "**": "pow",
  "@": "matmul",
  "==": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  and: "logical_and",
  or: "logical_or",
};
