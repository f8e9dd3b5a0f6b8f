// Attributes and their text, and attributes as the registry's shape rules read them (what the
// verifier hands back to a rule). The checker turns its values into attributes
// (semantics/attrs-of.ts); nothing here knows the checker.

import { parseDim, printDim } from "../types/dims.js";
import type { OpArg } from "../ops/types.js";
import type { Attr } from "./ir.js";

/** An attribute as a rule's argument; `kind` is the parameter's (a string naming a dtype is one). */
export function opArgOf(attr: Attr, kind?: string): OpArg {
  switch (attr.kind) {
    case "int":
      return { kind: "int", dim: attr.dim };
    case "float":
      return { kind: "float", value: attr.value };
    case "bool":
      return { kind: "bool", value: attr.value };
    case "none":
      return { kind: "none" };
    case "string":
      return kind === "dtype" && (attr.value === "f32" || attr.value === "i32" || attr.value === "bool")
        ? { kind: "dtype", name: attr.value }
        : { kind: "string", value: attr.value };
    case "list":
      return { kind: "list", items: attr.items.map((i) => opArgOf(i)) };
  }
}

export function printAttr(attr: Attr): string {
  switch (attr.kind) {
    case "int":
      return printDim(attr.dim);
    case "float": {
      const text = String(attr.value);
      return /[.eE]|Infinity|NaN/.test(text) ? text : `${text}.0`;
    }
    case "bool":
      return String(attr.value);
    case "string":
      return JSON.stringify(attr.value);
    case "none":
      return "None";
    case "list":
      return `[${attr.items.map(printAttr).join(", ")}]`;
  }
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
  for (const [word, attr] of [
    ["true", { kind: "bool", value: true }],
    ["false", { kind: "bool", value: false }],
    ["None", { kind: "none" }],
  ] as const) {
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
