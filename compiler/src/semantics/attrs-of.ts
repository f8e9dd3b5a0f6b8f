// The attribute form of the checker's compile-time values: what the elaborator records on a
// graph node for an op's non-tensor arguments, and for the settings of train blocks.

import { printAttr } from "../ir/attrs.js";
import type { Attr } from "../ir/ir.js";
import type { Value } from "./values.js";

/** The attribute form of a compile-time argument; undefined for values that are not data. */
export function attrOf(value: Value): Attr | undefined {
  switch (value.kind) {
    case "int":
      return { kind: "int", dim: value.dim };
    case "float":
      return { kind: "float", value: value.value };
    case "bool":
      return { kind: "bool", value: value.value };
    case "string":
      return { kind: "string", value: value.value };
    case "none":
      return { kind: "none" };
    case "dtype":
      return { kind: "string", value: value.name };
    case "list":
    case "tuple": {
      const items = value.items.map(attrOf);
      return items.every((i): i is Attr => i !== undefined) ? { kind: "list", items } : undefined;
    }
    case "config":
      return { kind: "string", value: printConfig(value) };
    default:
      return undefined;
  }
}

function printConfig(value: Extract<Value, { kind: "config" }>): string {
  const args = [...value.args].map(([k, v]) => {
    const a = attrOf(v);
    return `${k} = ${a ? printAttr(a) : v.kind}`;
  });
  return `${value.name}(${args.join(", ")})`;
}
