// AST → an indented, line-per-node text dump (for golden files and `rec ast`), and AST →
// span-free plain data (for comparing trees that came from different text).

import type { SourceFile } from "../source/source-file.js";
import type * as A from "./ast.js";

type Plain = { [key: string]: unknown };

function isNode(value: unknown): value is A.Node & Plain {
  return typeof value === "object" && value !== null && "kind" in value && "span" in value;
}

/** One line per node: `Kind line:col..line:col` then its scalar fields; children indented. */
export function dumpAst(node: A.Node, source: SourceFile): string {
  const lines: string[] = [];
  const at = (span: { start: number; end: number }) => {
    const s = source.position(span.start);
    const e = source.position(span.end);
    return `${s.line}:${s.column}..${e.line}:${e.column}`;
  };
  const visit = (value: A.Node & Plain, indent: string, label: string) => {
    const scalars: string[] = [];
    const children: [string, unknown][] = [];
    for (const [key, field] of Object.entries(value)) {
      if (key === "kind" || key === "span") continue;
      if (isNode(field) || Array.isArray(field)) children.push([key, field]);
      else scalars.push(`${key}=${JSON.stringify(field)}`);
    }
    lines.push(`${indent}${label}${value.kind} ${at(value.span)}${scalars.length ? ` ${scalars.join(" ")}` : ""}`);
    for (const [key, field] of children) {
      if (Array.isArray(field)) {
        if (field.length === 0) continue;
        lines.push(`${indent}  ${key}:`);
        for (const item of field) if (isNode(item)) visit(item, `${indent}    `, "");
      } else if (isNode(field)) {
        visit(field, `${indent}  `, `${key}: `);
      }
    }
  };
  visit(node as A.Node & Plain, "", "");
  return `${lines.join("\n")}\n`;
}

/** A deep copy without `span` fields: equal for trees that differ only in layout. */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (typeof value === "object" && value !== null) {
    const out: Plain = {};
    for (const [key, field] of Object.entries(value)) if (key !== "span") out[key] = stripSpans(field);
    return out;
  }
  return value;
}
