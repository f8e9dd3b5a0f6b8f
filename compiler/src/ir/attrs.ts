// Attributes ↔ compile-time values, and attribute text: what the elaborator records on a node
// and what the verifier hands back to the registry's shape rules.

import { parseDim, printDim } from "../semantics/dims.js";
import type { Value } from "../semantics/values.js";
import type { Attr } from "./ir.js";

/** The attribute form of a compile-time argument; undefined for values that are not data. */
export function attrOf(value: Value): Attr | undefined {
  switch (value.kind) {
    case "int": return { kind: "int", dim: value.dim };
    case "float": return { kind: "float", value: value.value };
    case "bool": return { kind: "bool", value: value.value };
    case "string": return { kind: "string", value: value.value };
    case "none": return { kind: "none" };
    case "dtype": return { kind: "string", value: value.name };
    case "list":
    case "tuple": {
      const items = value.items.map(attrOf);
      return items.every((i): i is Attr => i !== undefined) ? { kind: "list", items } : undefined;
    }
    case "config": return { kind: "string", value: printConfig(value) };
    default: return undefined;
  }
}

export function valueOf(attr: Attr, kind?: string): Value {
  switch (attr.kind) {
    case "int": return { kind: "int", dim: attr.dim };
    case "float": return { kind: "float", value: attr.value };
    case "bool": return { kind: "bool", value: attr.value };
    case "none": return { kind: "none" };
    case "string":
      return kind === "dtype" && (attr.value === "f32" || attr.value === "i32" || attr.value === "bool")
        ? { kind: "dtype", name: attr.value }
        : { kind: "string", value: attr.value };
    case "list": return { kind: "list", items: attr.items.map((i) => valueOf(i)) };
  }
}

export function printAttr(attr: Attr): string {
  switch (attr.kind) {
    case "int": return printDim(attr.dim);
    case "float": {
      const text = String(attr.value);
      return /[.eE]|Infinity|NaN/.test(text) ? text : `${text}.0`;
    }
    case "bool": return String(attr.value);
    case "string": return JSON.stringify(attr.value);
    case "none": return "None";
    case "list": return `[${attr.items.map(printAttr).join(", ")}]`;
  }
}

function printConfig(value: Extract<Value, { kind: "config" }>): string {
  const args = [...value.args].map(([k, v]) => {
    const a = attrOf(v);
    return `${k} = ${a ? printAttr(a) : v.kind}`;
  });
  return `${value.name}(${args.join(", ")})`;
}

/** Parses one attribute's text; returns the attribute and where it ended, or undefined. */
export function parseAttr(text: string, at = 0): { attr: Attr; end: number } | undefined {
  const skip = (i: number) => {
    while (text[i] === " ") i++;
    return i;
  };
  let i = skip(at);
  const ch = text[i];
  if (ch === "[") {
    const items: Attr[] = [];
    i = skip(i + 1);
    if (text[i] === "]") return { attr: { kind: "list", items }, end: i + 1 };
    for (;;) {
      const item = parseAttr(text, i);
      if (!item) return undefined;
      items.push(item.attr);
      i = skip(item.end);
      if (text[i] === ",") i++;
      else if (text[i] === "]") return { attr: { kind: "list", items }, end: i + 1 };
      else return undefined;
    }
  }
  if (ch === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    return { attr: { kind: "string", value: JSON.parse(text.slice(i, j + 1)) as string }, end: j + 1 };
  }
  for (const [word, attr] of [["true", { kind: "bool", value: true }], ["false", { kind: "bool", value: false }], ["None", { kind: "none" }]] as const) {
    if (text.startsWith(word, i) && !/[A-Za-z0-9_]/.test(text[i + word.length] ?? "")) return { attr, end: i + word.length };
  }
  // A number or a dimension expression runs to the next `,`, `]` or `}` at depth 0.
  let j = i;
  let depth = 0;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && (c === "," || c === "]" || c === "}")) break;
    j++;
  }
  const raw = text.slice(i, j).trim();
  if (/^-?(\d+\.\d*|\d*\.\d+|\d+)([eE][-+]?\d+)?$/.test(raw) && /[.eE]/.test(raw)) {
    return { attr: { kind: "float", value: Number(raw) }, end: j };
  }
  if (raw === "Infinity" || raw === "-Infinity") return { attr: { kind: "float", value: Number(raw) }, end: j };
  const dim = parseDim(raw);
  return dim ? { attr: { kind: "int", dim }, end: j } : undefined;
}

