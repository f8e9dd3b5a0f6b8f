// A spec with some params' defaults replaced: source text + a model's param values (as `--set`
// takes them) → the same text with each value written where the param's default was. Only the
// default expressions change, so comments, layout and every other declaration stay as written.
// `rec sweep` writes its best point this way; the API prints variants with it.

import type { ParsedFile } from "../syntax/parse-source.js";

export class UnknownParam extends Error {
  override readonly name = "UnknownParam";
}

/** The file's text with `values` as the defaults of `model`'s params (every name must be a param with a default). */
export function withParamValues(file: ParsedFile, model: string, values: ReadonlyMap<string, string>): string {
  const decl = file.ast.decls.find((d) => d.kind === "ModelDecl" && d.name.kind === "Ident" && d.name.name === model);
  if (!decl || decl.kind !== "ModelDecl") throw new UnknownParam(`${file.source.path} has no model \`${model}\``);
  const spans = new Map(
    decl.members.flatMap((m) =>
      m.kind === "ParamDecl" ? m.items.flatMap((i) => (i.name.kind === "Ident" && i.default ? [[i.name.name, i.default.span] as const] : [])) : [],
    ),
  );
  const edits = [...values].map(([name, text]) => {
    const span = spans.get(name);
    if (!span) throw new UnknownParam(`\`${name}\` is not a param of ${model} (it has ${[...spans.keys()].join(", ") || "none"})`);
    return { span, text };
  });
  let text = file.source.text;
  for (const { span, text: value } of edits.sort((a, b) => b.span.start - a.span.start)) text = text.slice(0, span.start) + value + text.slice(span.end);
  return text;
}
