// Text → IR: reads what printer.ts writes (grammar in spec/ir.md). Line-based; every error
// names the line. Used by tests written in IR text and by `print(parse(print(m)))` checks.

import { parseDim, type Dim } from "../types/dims.js";
import type { DType, TensorType } from "../types/tensor-type.js";
import { parseAttr } from "./attrs.js";
import type { Attr, IrModel, IrNode, IrOutput, OutputRole } from "./ir.js";

export class IrSyntaxError extends Error {
  override readonly name = "IrSyntaxError";
}

const HEADER = /^model\s+([A-Za-z_][A-Za-z0-9_]*)\s*\[([^\]]*)\]\s*\{$/;
const NODE = /^%(\d+)\s*=\s*([A-Za-z_][A-Za-z0-9_]*)(?:\(([^)]*)\))?(.*)$/;
const OUTPUT = /^(encoder|head|loss|metric|policy|update)\s+([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*%(\d+)$/;

export function parseModels(text: string): IrModel[] {
  const models: IrModel[] = [];
  const lines = text.split("\n");
  let current: { name: string; dims: string[]; nodes: IrNode[]; outputs: IrOutput[] } | undefined;
  lines.forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, "").trim();
    const fail = (why: string): never => {
      throw new IrSyntaxError(`line ${index + 1}: ${why}: ${raw.trim()}`);
    };
    if (!line) return;
    if (!current) {
      const m = HEADER.exec(line) ?? fail("expected `model Name [dims] {`");
      current = {
        name: m[1]!,
        dims: m[2]!
          .split(",")
          .map((d) => d.trim())
          .filter(Boolean),
        nodes: [],
        outputs: [],
      };
      return;
    }
    if (line === "}") {
      models.push(current);
      current = undefined;
      return;
    }
    const out = OUTPUT.exec(line);
    if (out) {
      const node = Number(out[3]);
      if (node >= current.nodes.length) fail(`output refers to %${node}, which is not defined`);
      current.outputs.push({ role: out[1] as OutputRole, name: out[2]!, node });
      return;
    }
    const m = NODE.exec(line) ?? fail("expected a node `%n = op(…) : type` or an output `role name = %n`");
    const id = Number(m[1]);
    if (id !== current.nodes.length) fail(`expected %${current.nodes.length} next`);
    const inputs = (m[3] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const n = /^%(\d+)$/.exec(s) ?? fail(`bad input \`${s}\``);
        const ref = Number(n[1]);
        if (ref >= id) fail(`%${ref} is used before it is defined`);
        return ref;
      });
    let rest = m[4]!.trim();
    const attrs = new Map<string, Attr>();
    if (rest.startsWith("{")) {
      let at = 1;
      for (;;) {
        while (rest[at] === " ") at++;
        if (rest[at] === "}") {
          at++;
          break;
        }
        const key = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/.exec(rest.slice(at)) ?? fail("expected `name = value` in attributes");
        at += key[0].length;
        const value = parseAttr(rest, at) ?? fail(`bad value for attribute \`${key[1]}\``);
        attrs.set(key[1]!, value.attr);
        at = value.end;
        while (rest[at] === " ") at++;
        if (rest[at] === ",") at++;
      }
      rest = rest.slice(at).trim();
    }
    const typed = /^:\s*((?:f32|i32|bool|id<[^>]*>)\[[^\]]*\])(?:\s+@(\d+):(\d+))?(?:\s+#(\d+))?$/.exec(rest) ?? fail("expected `: type` after the node");
    const type = parseTensorType(typed[1]!) ?? fail(`bad type \`${typed[1]}\``);
    current.nodes.push({
      id,
      op: m[2]!,
      inputs,
      attrs,
      type,
      ...(typed[2] ? { loc: { line: Number(typed[2]), column: Number(typed[3]) } } : {}),
      ...(typed[4] ? { group: Number(typed[4]) } : {}),
    });
  });
  if (current) throw new IrSyntaxError(`model ${current.name} is not closed with \`}\``);
  return models;
}

export function parseTensorType(text: string): TensorType | undefined {
  const m = /^(f32|i32|bool|id<([^:>]*):([^>]*)>)\[(.*)\]$/.exec(text);
  if (!m) return undefined;
  const shape: Dim[] = [];
  for (const part of m[4]!
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const dim = parseDim(part);
    if (!dim) return undefined;
    shape.push(dim);
  }
  if (m[1]!.startsWith("id")) {
    const size = parseDim(m[3]!);
    if (!size) return undefined;
    return { dtype: "id", space: { name: m[2]!, size }, shape };
  }
  return { dtype: m[1] as DType, shape };
}
