// Compile-time arithmetic: a binary operator over two constant values (ints, floats, bools,
// strings, lists) folds to a value while the checker elaborates. In: the operator and its two
// values. Out: the result, "inexact" when an int division leaves a remainder, or undefined.

import type * as A from "../syntax/ast.js";
import { addDims, constDim, constValue, divDims, equalDims, mulDims, subDims } from "../types/dims.js";
import type { Value } from "./values.js";

/** Compile-time arithmetic on numbers, bools, strings and lists; undefined when not constant. */
export function foldConstants(op: A.BinaryOp, left: Value, right: Value): Value | "inexact" | undefined {
  if (left.kind === "int" && right.kind === "int") {
    const a = left.dim;
    const b = right.dim;
    const ca = constValue(a);
    const cb = constValue(b);
    switch (op) {
      case "+":
        return { kind: "int", dim: addDims(a, b) };
      case "-":
        return { kind: "int", dim: subDims(a, b) };
      case "*":
        return { kind: "int", dim: mulDims(a, b) };
      case "/": {
        const q = divDims(a, b);
        return q ? { kind: "int", dim: q } : ca !== undefined && cb !== undefined && cb !== 0 ? "inexact" : undefined;
      }
      case "%":
        return ca !== undefined && cb ? { kind: "int", dim: constDim(((ca % cb) + cb) % cb) } : undefined;
      case "**":
        return ca !== undefined && cb !== undefined ? { kind: "int", dim: constDim(ca ** cb) } : undefined;
      case "==":
        return { kind: "bool", value: equalDims(a, b) };
      case "!=":
        return { kind: "bool", value: !equalDims(a, b) };
      default:
        if (ca === undefined || cb === undefined) return undefined;
        return { kind: "bool", value: op === "<" ? ca < cb : op === "<=" ? ca <= cb : op === ">" ? ca > cb : op === ">=" ? ca >= cb : false };
    }
  }
  const num = (v: Value) => (v.kind === "float" ? v.value : v.kind === "int" ? constValue(v.dim) : undefined);
  const a = num(left);
  const b = num(right);
  if (a !== undefined && b !== undefined && (left.kind === "float" || right.kind === "float")) {
    switch (op) {
      case "+":
        return { kind: "float", value: a + b };
      case "-":
        return { kind: "float", value: a - b };
      case "*":
        return { kind: "float", value: a * b };
      case "/":
        return { kind: "float", value: a / b };
      case "%":
        return { kind: "float", value: a % b };
      case "**":
        return { kind: "float", value: a ** b };
      case "==":
        return { kind: "bool", value: a === b };
      case "!=":
        return { kind: "bool", value: a !== b };
      case "<":
        return { kind: "bool", value: a < b };
      case "<=":
        return { kind: "bool", value: a <= b };
      case ">":
        return { kind: "bool", value: a > b };
      case ">=":
        return { kind: "bool", value: a >= b };
      default:
        return undefined;
    }
  }
  if (left.kind === "bool" && right.kind === "bool") {
    if (op === "and") return { kind: "bool", value: left.value && right.value };
    if (op === "or") return { kind: "bool", value: left.value || right.value };
    if (op === "==") return { kind: "bool", value: left.value === right.value };
    if (op === "!=") return { kind: "bool", value: left.value !== right.value };
  }
  if (left.kind === "string" && right.kind === "string") {
    if (op === "==") return { kind: "bool", value: left.value === right.value };
    if (op === "!=") return { kind: "bool", value: left.value !== right.value };
    if (op === "+") return { kind: "string", value: left.value + right.value };
  }
  if (left.kind === "list" && right.kind === "list" && op === "+") return { kind: "list", items: [...left.items, ...right.items] };
  return undefined;
}
