// Symbolic dimensions: the normal form makes equal polynomials compare equal (property test
// against evaluation at random points), and unification binds variables, never rigid dims.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDims, constDim, divDims, equalDims, evaluateDim, mulDims, printDim, subDims, symDim, type Dim } from "../compiler/src/types/dims.js";
import { Unifier } from "../compiler/src/types/unify.js";

type Expr = { op: "+" | "-" | "*"; a: Expr; b: Expr } | { sym: string } | { n: number };

const exprArb: fc.Arbitrary<Expr> = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: "small" },
    fc.record({ sym: fc.constantFrom("B", "L", "D", "H") }),
    fc.record({ n: fc.integer({ min: -5, max: 9 }) }),
    fc.record({ op: fc.constantFrom("+" as const, "-" as const, "*" as const), a: tie("expr"), b: tie("expr") }),
  ),
})).expr as fc.Arbitrary<Expr>;

function toDim(e: Expr): Dim {
  if ("sym" in e) return symDim(e.sym);
  if ("n" in e) return constDim(e.n);
  const a = toDim(e.a);
  const b = toDim(e.b);
  return e.op === "+" ? addDims(a, b) : e.op === "-" ? subDims(a, b) : mulDims(a, b);
}

function evaluate(e: Expr, env: Record<string, number>): number {
  if ("sym" in e) return env[e.sym]!;
  if ("n" in e) return e.n;
  const a = evaluate(e.a, env);
  const b = evaluate(e.b, env);
  return e.op === "+" ? a + b : e.op === "-" ? a - b : a * b;
}

const envArb = fc.record({
  B: fc.integer({ min: 1, max: 50 }),
  L: fc.integer({ min: 1, max: 50 }),
  D: fc.integer({ min: 1, max: 50 }),
  H: fc.integer({ min: 1, max: 50 }),
});

describe("dimension normal form", () => {
  it("evaluates like the expression it came from", () => {
    fc.assert(fc.property(exprArb, envArb, (e, env) => evaluateDim(toDim(e), (s) => env[s as keyof typeof env]) === evaluate(e, env)));
  });

  it("makes algebraically equal expressions equal", () => {
    fc.assert(
      fc.property(exprArb, exprArb, exprArb, (a, b, c) => {
        const left = mulDims(toDim(a), addDims(toDim(b), toDim(c)));
        const right = addDims(mulDims(toDim(b), toDim(a)), mulDims(toDim(c), toDim(a)));
        return equalDims(left, right) && printDim(left) === printDim(right);
      }),
    );
  });

  it("divides exactly or not at all", () => {
    const twoLPlus2 = addDims(mulDims(constDim(2), symDim("L")), constDim(2));
    expect(printDim(divDims(twoLPlus2, constDim(2))!)).toBe("L + 1");
    expect(divDims(addDims(symDim("L"), constDim(1)), constDim(2))).toBeUndefined();
    expect(printDim(divDims(mulDims(symDim("B"), symDim("T")), symDim("B"))!)).toBe("T");
  });
});

describe("unification", () => {
  it("binds a variable to a polynomial and resolves through it", () => {
    const u = new Unifier();
    const n = u.fresh("N");
    expect(u.unify(addDims(n, constDim(1)), addDims(symDim("L"), constDim(2)))).toBe(true);
    expect(printDim(u.resolve(mulDims(n, constDim(2))))).toBe("2*L + 2");
  });

  it("never binds rigid dims or different constants", () => {
    const u = new Unifier();
    expect(u.unify(symDim("B"), symDim("L"))).toBe(false);
    expect(u.unify(constDim(4), constDim(8))).toBe(false);
    expect(u.unify(symDim("B"), symDim("B"))).toBe(true);
  });
});
