// Ops evaluated entirely at compile time over lists, numbers and functions: len, range,
// enumerate, zip, fold, float, int, str, flip_probability. Their results shape the graph (how many layers, which sizes).

import { constDim, constValue } from "../../types/dims.js";
import type { Value } from "../values.js";
import type { Builtin, BuiltinContext, BuiltinParam, BuiltinParamKind } from "./builtin.js";

const p = (name: string, kind: BuiltinParamKind): BuiltinParam => ({ name, kind });

/**
 * The longest list `range` unrolls at compile time. Every element becomes part of the graph (a
 * layer, an op per position), so a larger one (`--set window=1000000`) would run the checker out
 * of memory long before it finished; such a repetition belongs in a tensor (`arange`).
 */
export const MAX_UNROLL = 10_000;
const int = (n: number): Value => ({ kind: "int", dim: constDim(n) });

/** A compile-time int or float as a number (0 for anything else, which the params' kinds exclude). */
function numberOf(v: Value | undefined): number {
  return v?.kind === "int" ? (constValue(v.dim) ?? 0) : v?.kind === "float" ? v.value : 0;
}

function items(v: Value | undefined): readonly Value[] {
  return v && (v.kind === "list" || v.kind === "tuple") ? v.items : [];
}

export const COMPILE_TIME_BUILTINS: readonly Builtin[] = [
  {
    name: "len",
    category: "compile-time",
    doc: "len(xs): the number of items of a compile-time list.",
    params: [p("xs", "list")],
    evaluate: (args) => int(items(args.get("xs")).length),
  },
  {
    name: "range",
    category: "compile-time",
    doc:
      "range(n) or range(start, stop, step = 1): the compile-time list [0, 1, …, n − 1], or " +
      "start, start + step, … up to stop (excluded), as Python's; the bounds must be constants " +
      "(use `arange` for a tensor).",
    params: [p("n", "int"), { name: "stop", kind: "any", default: { kind: "none" } }, { name: "step", kind: "int", default: int(1) }],
    evaluate(args, ctx: BuiltinContext) {
      const known = (name: string) => {
        const value = args.get(name)!;
        if (value.kind !== "int") ctx.fail("REC2011", { param: name, callee: "`range`", expected: "an int", found: value.kind }, name);
        const n = constValue(ctx.unifier.resolve(value.dim));
        if (n === undefined) ctx.fail("REC2010", { what: "`range`", found: "a symbolic dimension" }, name);
        return n;
      };
      const stopGiven = args.get("stop")!.kind !== "none";
      const [start, stop, step] = stopGiven ? [known("n"), known("stop"), known("step")] : [0, known("n"), known("step")];
      if (step === 0) ctx.fail("REC2023", { name: "step", value: "0", needs: "step" }, "step");
      const count = Math.max(0, Math.ceil((stop - start) / step));
      if (count > MAX_UNROLL) ctx.fail("REC2022", { n: String(count), limit: String(MAX_UNROLL) }, stopGiven ? "stop" : "n");
      return { kind: "list", items: Array.from({ length: count }, (_, i) => int(start + i * step)) };
    },
  },
  {
    name: "enumerate",
    category: "compile-time",
    doc: "enumerate(xs): the list of pairs (index, item).",
    params: [p("xs", "list")],
    evaluate: (args) => ({ kind: "list", items: items(args.get("xs")).map((v, i) => ({ kind: "tuple", items: [int(i), v] })) }),
  },
  {
    name: "zip",
    category: "compile-time",
    doc: "zip(xs, ys): the list of pairs (xs[i], ys[i]), as long as the shorter list.",
    params: [p("xs", "list"), p("ys", "list")],
    evaluate(args) {
      const xs = items(args.get("xs"));
      const ys = items(args.get("ys"));
      return { kind: "list", items: xs.slice(0, Math.min(xs.length, ys.length)).map((x, i) => ({ kind: "tuple", items: [x, ys[i]!] })) };
    },
  },
  {
    name: "fold",
    category: "compile-time",
    doc: "fold(xs, init, f): f(…f(f(init, xs[0]), xs[1])…, xs[n−1]), unrolled at compile time; threads a tensor through a list of layers.",
    params: [p("xs", "list"), p("init", "any"), p("f", "function")],
    evaluate(args, ctx) {
      let acc = args.get("init")!;
      for (const item of items(args.get("xs"))) acc = ctx.call(args.get("f")!, [acc, item]);
      return acc;
    },
  },
  {
    name: "float",
    category: "compile-time",
    doc: "float(n): a compile-time int as a float.",
    params: [p("n", "float")],
    evaluate: (args) => ({ kind: "float", value: numberOf(args.get("n")) }),
  },
  {
    name: "int",
    category: "compile-time",
    doc: "int(x): a compile-time float truncated to an int.",
    params: [p("x", "float")],
    evaluate: (args) => {
      const v = args.get("x")!;
      return v.kind === "int" ? v : { kind: "int", dim: constDim(Math.trunc(v.kind === "float" ? v.value : 0)) };
    },
  },
  {
    name: "str",
    category: "compile-time",
    doc: 'str(x): a compile-time number or string as a string, for names built in a comprehension: `["C" + str(i) for i in range(1, 27)]`.',
    params: [p("x", "any")],
    evaluate: (args, ctx: BuiltinContext) => {
      const v = args.get("x")!;
      if (v.kind === "string") return v;
      if (v.kind === "float") return { kind: "string", value: String(v.value) };
      if (v.kind === "int") {
        const n = constValue(ctx.unifier.resolve(v.dim));
        if (n !== undefined) return { kind: "string", value: String(n) };
      }
      return ctx.fail("REC2011", { param: "x", callee: "`str`", expected: "a number or a string known at compile time", found: v.kind }, "x");
    },
  },
  {
    name: "flip_probability",
    category: "compile-time",
    doc:
      "flip_probability(epsilon): ρ = 1 / (1 + e^ε), the probability that ε-randomised response " +
      "flips a binary label (the `flip` of the de-biased losses, matching `label_privacy { " +
      "epsilon }`).",
    params: [p("epsilon", "float")],
    evaluate: (args) => ({ kind: "float", value: 1 / (1 + Math.exp(numberOf(args.get("epsilon")))) }),
  },
];
