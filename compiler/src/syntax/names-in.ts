// The names an expression mentions: expression → the distinct identifiers in it, in source order.
// An over-approximation by design (a lambda's parameters and comprehension variables are listed
// too): the elaborator uses it only to force a deep chain of bindings in dependency order, where
// forcing one binding too many is harmless. Walked with an explicit stack, as expressions can be
// tens of thousands of nodes deep.

import type * as A from "./ast.js";

export function namesIn(root: A.Expr): string[] {
  const names = new Set<string>();
  const stack: A.Expr[] = [root];
  const pushAll = (exprs: ReadonlyArray<A.Expr | undefined>) => {
    // Pushed in reverse, so they are visited in source order.
    for (let i = exprs.length - 1; i >= 0; i--) if (exprs[i]) stack.push(exprs[i]!);
  };
  while (stack.length) {
    const expr = stack.pop()!;
    switch (expr.kind) {
      case "Ident":
        names.add(expr.name);
        break;
      case "Binary":
        pushAll([expr.left, expr.right]);
        break;
      case "Unary":
        stack.push(expr.operand);
        break;
      case "Call":
        pushAll([expr.callee, ...expr.args.map((a) => a.value)]);
        break;
      case "Index":
        pushAll([expr.target, ...expr.subscripts.flatMap((s) => (s.kind === "Slice" ? [s.start, s.stop, s.step] : s.kind === "EllipsisIndex" ? [] : [s]))]);
        break;
      case "Member":
        stack.push(expr.target);
        break;
      case "Lambda":
        stack.push(expr.body);
        break;
      case "IfExpr":
        pushAll([expr.condition, expr.then, expr.else]);
        break;
      case "ListExpr":
      case "TupleExpr":
        pushAll(expr.elements);
        break;
      case "RecordExpr":
        pushAll(expr.fields.map((f) => f.value));
        break;
      case "Comprehension":
        pushAll([...expr.clauses.flatMap((c) => [c.iterable, c.condition]), expr.element]);
        break;
      default:
        break;
    }
  }
  return [...names];
}
