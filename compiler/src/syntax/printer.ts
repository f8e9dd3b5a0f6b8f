// AST → canonical .rec text (`rec print`, `printExpr` for messages and overrides). One member
// per line, two-space indent, the fewest parentheses that keep the tree; doc comments are
// printed, ordinary comments are not in the AST (the formatter, compiler/src/format/, keeps them). `parse(print(ast))` equals
// `ast` up to spans, for every file the parser accepts: a test checks it on every .rec file.

import type * as A from "./ast.js";
import { NEGATE_PRECEDENCE, NOT_PRECEDENCE, PRECEDENCE } from "./ast.js";

export function printFile(file: A.File): string {
  // Consecutive imports stay together; every other declaration is set off by a blank line.
  return (
    file.decls
      .map((d, i) => {
        const previous = file.decls[i - 1];
        const gap = i === 0 ? "" : previous?.kind === "ImportDecl" && d.kind === "ImportDecl" && d.doc === undefined ? "\n" : "\n\n";
        return gap + printDecl(d);
      })
      .join("") + (file.decls.length ? "\n" : "")
  );
}

function doc(node: { doc?: string }, indent: string): string {
  if (node.doc === undefined) return "";
  return node.doc
    .split("\n")
    .map((line) => `${indent}///${line ? ` ${line}` : ""}\n`)
    .join("");
}

function printDecl(decl: A.Decl): string {
  const lead = doc(decl, "");
  switch (decl.kind) {
    case "ImportDecl": {
      const what = decl.namespace
        ? `* as ${decl.namespace.name}`
        : `{ ${(decl.names ?? []).map((s) => (s.alias ? `${s.name.name} as ${s.alias.name}` : s.name.name)).join(", ")} }`;
      return `${lead}import ${what} from ${printExpr(decl.path)}`;
    }
    case "ModuleDecl": {
      const params = decl.params.length ? `(${printParams(decl.params)})` : "";
      return `${lead}module ${printName(decl.name)}${params} ${printBody(decl.members.map((m) => printMember(m, "  ")))}`;
    }
    case "ModelDecl":
      return `${lead}model ${printName(decl.name)} ${printBody(decl.members.map((m) => printMember(m, "  ")))}`;
    case "FnDecl":
    case "RewardDecl": {
      const keyword = decl.kind === "FnDecl" ? "fn" : "reward";
      return `${lead}${keyword} ${printName(decl.name)}(${printParams(decl.params)})${printReturns(decl.returns)} ${printBlock(decl.body, "")}`;
    }
    case "SchemaDecl": {
      const fields = decl.fields.map((f) => `${doc(f, "  ")}  ${printName(f.name)}: ${printType(f.type)}${f.source ? ` = ${printExpr(f.source)}` : ""}`);
      return `${lead}schema ${printName(decl.name)} ${printBody(fields)}`;
    }
    case "ExperimentDecl":
    case "SweepDecl":
      return `${lead}${decl.kind === "SweepDecl" ? "sweep" : "experiment"} ${printName(decl.name)} ${printSettings(decl.settings, "")}`;
  }
}

function printBody(lines: string[]): string {
  return lines.length ? `{\n${lines.join("\n")}\n}` : "{}";
}

function printMember(member: A.ModuleMember | A.ModelMember, indent: string): string {
  const lead = doc(member, indent) + indent;
  switch (member.kind) {
    case "DimsDecl":
      return `${lead}dims ${member.names.map((n) => n.name).join(", ")}`;
    case "ParamDecl":
      return `${lead}param ${printParams(member.items)}`;
    case "InputDecl":
      return `${lead}input ${printName(member.name)}: ${printType(member.type)}${member.constant ? " constant" : ""}`;
    case "LetDecl":
      return lead + printLet(member);
    case "WeightDecl":
      return (
        `${lead}${member.state ? "state" : "weight"} ${printName(member.name)}: ` +
        `${printType(member.type)}${member.init ? ` = ${printExpr(member.init)}` : ""}`
      );
    case "RoleDecl":
      return `${lead}${member.role} ${printName(member.name)}${member.type ? `: ${printType(member.type)}` : ""} = ${printExpr(member.value)}`;
    case "TrainDecl":
      return `${lead}train ${member.name ? `${member.name.name} ` : ""}${printSettings(member.settings, indent)}`;
    case "ForwardDecl":
      return (
        `${lead}fn ` +
        `${member.name ? member.name.name : ""}(${printParams(member.params)})${printReturns(member.returns)} ` +
        `${printBlock(member.body, indent)}`
      );
  }
}

function printLet(decl: A.LetDecl): string {
  if (decl.update) return `update ${printPattern(decl.pattern)} = ${printExpr(decl.value)}`;
  return `let ${printPattern(decl.pattern)}${decl.type ? `: ${printType(decl.type)}` : ""} = ${printExpr(decl.value)}`;
}

function printSettings(settings: readonly A.Setting[], indent: string): string {
  if (!settings.length) return "{}";
  const inner = indent + "  ";
  const lines = settings.map((s) => {
    const value = s.value.kind === "SettingsBlock" ? ` ${printSettings(s.value.settings, inner)}` : ` = ${printExpr(s.value)}`;
    return `${inner}${s.name.name}${value}`;
  });
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function printBlock(block: A.Block, indent: string): string {
  const inner = indent + "  ";
  const lines = block.lets.map((l) => `${doc(l, inner)}${inner}${printLet(l)}`);
  if (block.result.kind !== "Missing") lines.push(inner + printExpr(block.result));
  return `{\n${lines.join("\n")}\n${indent}}`;
}

export function printParams(params: readonly A.Param[]): string {
  return params.map((p) => `${printName(p.name)}${p.type ? `: ${printType(p.type)}` : ""}${p.default ? ` = ${printExpr(p.default)}` : ""}`).join(", ");
}

export function printReturns(type: A.TypeExpr | undefined): string {
  return type ? ` -> ${printType(type)}` : "";
}

function printName(name: A.Ident | A.Missing): string {
  return name.kind === "Ident" ? name.name : "";
}

function printPattern(pattern: A.Pattern): string {
  if (pattern.kind === "TuplePattern") return `(${pattern.elements.map(printPattern).join(", ")})`;
  return printName(pattern);
}

export function printType(type: A.TypeExpr): string {
  switch (type.kind) {
    case "NamedType": {
      const space = type.space ? `<${printExpr(type.space, PRECEDENCE["+"])}>` : "";
      const dims = type.dims ? `[${type.dims.map(printDim).join(", ")}]` : "";
      return `${type.name.name}${space}${dims}`;
    }
    case "ListType":
      return `[${printType(type.element)}]`;
    case "TupleType":
      return `(${type.elements.map(printType).join(", ")})`;
    case "FnType":
      return "fn";
    case "Missing":
      return "";
  }
}

function printDim(dim: A.Dim): string {
  if (dim.kind === "EllipsisDim") return dim.name ? `...${dim.name.name}` : "...";
  return printExpr(dim, PRECEDENCE["+"]);
}

/** Precedence of an expression as an operand; postfix and primary forms bind tightest. */
function precedenceOf(expr: A.Expr): number {
  switch (expr.kind) {
    case "Binary":
      return PRECEDENCE[expr.op];
    case "Unary":
      return expr.op === "not" ? NOT_PRECEDENCE : NEGATE_PRECEDENCE;
    case "Lambda":
    case "IfExpr":
      return 0;
    default:
      return 10;
  }
}

/** Prints `expr`, in parentheses when it binds more loosely than `minimum` requires. */
export function printExpr(expr: A.Expr, minimum = 0): string {
  const text = printBare(expr);
  return precedenceOf(expr) < minimum ? `(${text})` : text;
}

function printBare(expr: A.Expr): string {
  switch (expr.kind) {
    case "NumberLit":
      return expr.raw;
    case "StringLit":
      return quote(expr.value);
    case "BoolLit":
      return String(expr.value);
    case "Ident":
      return expr.name;
    case "Missing":
      return "";
    case "Binary": {
      // Left-associative operators keep an equal-precedence left operand bare; `**` is
      // right-associative; comparisons do not chain, so they parenthesize both sides. A bare left
      // operand continues the loop, so a chain of thousands of terms uses no stack.
      const suffixes: string[] = [];
      let node: A.Binary = expr;
      for (;;) {
        const p = PRECEDENCE[node.op];
        const comparison = p === PRECEDENCE["=="];
        const leftMin = node.op === "**" || comparison ? p + 1 : p;
        const rightMin = node.op === "**" ? p : p + 1;
        suffixes.push(` ${node.op} ${printExpr(node.right, rightMin)}`);
        if (node.left.kind === "Binary" && precedenceOf(node.left) >= leftMin) {
          node = node.left;
          continue;
        }
        return printExpr(node.left, leftMin) + suffixes.reverse().join("");
      }
    }
    case "Unary":
      return expr.op === "not"
        ? `not ${printExpr(expr.operand, NOT_PRECEDENCE)}`
        : `-${printExpr(expr.operand, expr.operand.kind === "Unary" ? 11 : NEGATE_PRECEDENCE)}`;
    case "Call":
    case "Index":
    case "Member": {
      // A chain of calls, indexes and members is a left spine: walk it with a loop.
      const suffixes: string[] = [];
      let node: A.Expr = expr;
      for (; node.kind === "Call" || node.kind === "Index" || node.kind === "Member"; node = node.kind === "Call" ? node.callee : node.target) {
        if (node.kind === "Call") suffixes.push(`(${node.args.map((a) => (a.name ? `${a.name.name} = ` : "") + printExpr(a.value)).join(", ")})`);
        else if (node.kind === "Index") suffixes.push(`[${node.subscripts.map(printSubscript).join(", ")}]`);
        else suffixes.push(`.${printName(node.name)}`);
      }
      return printExpr(node, 10) + suffixes.reverse().join("");
    }
    case "Lambda":
      return `fn(${printParams(expr.params)}) => ${printExpr(expr.body)}`;
    case "IfExpr": {
      let text = "";
      let node: A.Expr = expr;
      for (; node.kind === "IfExpr"; node = node.else) text += `if ${printExpr(node.condition)} then ${printExpr(node.then)} else `;
      return text + printExpr(node);
    }
    case "ListExpr":
      return `[${expr.elements.map((e) => printExpr(e)).join(", ")}]`;
    case "Comprehension": {
      const clauses = expr.clauses.map(
        (c) =>
          ` for ${printPattern(c.pattern)} in ${printExpr(c.iterable, PRECEDENCE["|>"])}` +
          (c.condition ? ` if ${printExpr(c.condition, PRECEDENCE["|>"])}` : ""),
      );
      return `[${printExpr(expr.element)}${clauses.join("")}]`;
    }
    case "TupleExpr":
      return `(${expr.elements.map((e) => printExpr(e)).join(", ")})`;
    case "RecordExpr":
      return `{${expr.fields.map((f) => ` ${f.quoted ? quote(f.name.name) : f.name.name}: ${printExpr(f.value)}`).join(",")}${expr.fields.length ? " " : ""}}`;
  }
}

function printSubscript(sub: A.Subscript): string {
  if (sub.kind === "EllipsisIndex") return "...";
  if (sub.kind === "Slice") {
    const part = (e?: A.Expr) => (e ? printExpr(e) : "");
    return `${part(sub.start)}:${part(sub.stop)}${sub.step ? `:${part(sub.step)}` : ""}`;
  }
  return printExpr(sub);
}

export function quote(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t\0]/g, (ch) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0" })[ch]!);
  return `"${escaped}"`;
}
