// What formatting must keep, and where it did not. In: a file's text. Out: its meaning — the
// syntax tree without positions (a string a declaration), its comments' texts in order, and for
// each comment its anchor: the token it followed (commas and parentheses aside, which the
// formatter may add or drop) — and the first difference between two meanings, with the offset
// in the input to name. format.ts proves each output with it before returning it.

import type { IToken } from "chevrotain";
import { SourceFile } from "../source/source-file.js";
import type * as A from "../syntax/ast.js";
import { stripSpans } from "../syntax/ast-dump.js";
import { lex } from "../syntax/lexer.js";
import { parseSource } from "../syntax/parse-source.js";
import { PRINTED_KINDS, printedChildren, verbatimKey } from "./prettier-plugin.js";

export interface Meaning {
  readonly errors: number;
  readonly ast: A.File;
  /** Each declaration's tree without positions, as JSON. */
  readonly decls: readonly string[];
  readonly comments: readonly { readonly text: string; readonly offset: number; readonly anchor: string }[];
  /** Every token but comments, in order (to tell a node whose text is a whole, bracket for bracket). */
  readonly tokens: readonly IToken[];
}

export interface Difference {
  readonly what: string;
  /** Where in the input. */
  readonly offset: number;
  /** The index of the comment that differs, when a comment does. */
  readonly comment?: number;
}

/** Tokens the formatter may add or drop without changing a comment's place. */
const LOOSE = new Set([",", "(", ")"]);

export function meaningOf(path: string, text: string): Meaning {
  const source = new SourceFile(path, text);
  const parsed = parseSource(source);
  const all = lex(source).tokens;
  const tokens = all.filter((t) => !LOOSE.has(t.image));
  const anchorOf = (offset: number) => {
    // The last token before the comment (binary search over the sorted offsets).
    let [low, high] = [0, tokens.length];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (tokens[middle]!.startOffset < offset) low = middle + 1;
      else high = middle;
    }
    const token: IToken | undefined = tokens[low - 1];
    if (!token) return "(start)";
    // A string's quotes may change; which string it is shows in the tree.
    return token.tokenType.name === "StringLiteral" ? `${low - 1}:string` : `${low - 1}:${token.image}`;
  };
  // A doc comment's text after `///`, which the formatter writes with one space (`///x` is `/// x`).
  const commentText = (image: string) => image.trimEnd().replace(/^\/\/\/(?=[^ /])/, "/// ");
  return {
    errors: parsed.diagnostics.filter((d) => d.severity === "error").length,
    ast: parsed.ast,
    decls: parsed.ast.decls.map((d) => JSON.stringify(stripSpans(d))),
    comments: parsed.comments.map((c) => ({ text: commentText(c.image), offset: c.startOffset, anchor: anchorOf(c.startOffset) })),
    tokens: all,
  };
}

/** The first way `after` (the output) differs from `before` (the input), or undefined. */
export function compareMeaning(before: Meaning, after: Meaning): Difference | undefined {
  if (after.errors) return { what: "the output would not parse", offset: 0 };
  const decl = before.decls.findIndex((d, i) => d !== after.decls[i]);
  if (decl >= 0 || after.decls.length !== before.decls.length) {
    const at = decl >= 0 ? decl : before.decls.length - 1;
    return { what: "the output would mean something else", offset: before.ast.decls[Math.max(at, 0)]?.span.start ?? 0 };
  }
  const count = Math.max(before.comments.length, after.comments.length);
  for (let i = 0; i < count; i++) {
    const [b, a] = [before.comments[i], after.comments[i]];
    const offset = (b ?? before.comments.at(-1))?.offset ?? 0;
    if (!b || !a || a.text !== b.text) return { what: "a comment would be lost or changed", offset, comment: i };
    // Anchors count tokens, and the formatter keeps the token sequence (commas and parentheses aside).
    if (a.anchor !== b.anchor) return { what: "a comment would move away from the token it follows", offset, comment: i };
  }
  return undefined;
}

/** The innermost printed node of `meaning`'s tree around `offset`, as the plugin's verbatim key. */
export function nodeAround(meaning: Meaning, offset: number): string | undefined {
  let best: { kind: string; span: { start: number; end: number } } | undefined;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== "object" || value === null) return;
    const node = value as { kind?: string; span?: { start: number; end: number } };
    if (node.span && node.kind && PRINTED_KINDS.has(node.kind) && node.span.start <= offset && offset < node.span.end && balanced(meaning, node.span)) {
      if (!best || node.span.end - node.span.start <= best.span.end - best.span.start) best = { kind: node.kind, span: node.span };
    }
    // Only the children printed through prettier's path (a type's dims print as text).
    for (const key of printedChildren(node.kind ?? "")) visit((node as Record<string, unknown>)[key]);
  };
  visit(meaning.ast.decls);
  return best && verbatimKey(best.kind, best.span);
}

/** Whether a span's text opens and closes its own brackets (a parenthesized operand's node does not include its parentheses). */
function balanced(meaning: Meaning, span: { start: number; end: number }): boolean {
  let depth = 0;
  for (const token of meaning.tokens) {
    if (token.startOffset < span.start || token.startOffset >= span.end) continue;
    if (["(", "[", "{"].includes(token.image)) depth++;
    else if ([")", "]", "}"].includes(token.image) && --depth < 0) return false;
  }
  return depth === 0;
}
