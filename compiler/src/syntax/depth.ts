// How deep a syntax tree goes, measured without recursion. In: the tree. Out: its depth and the
// span of its deepest node. The checker, the elaborator and the printers walk trees
// recursively, so parse-source.ts refuses a tree deeper than MAX_TREE_DEPTH (REC1024) before
// they see it: a chain of 5,000 pipe stages is a left-deep tree 5,000 levels deep, which no
// bracket shows. Every stage was measured to handle twice this depth (2,000 levels) on Node's
// default stack.

import type { Span } from "../source/source-file.js";

export const MAX_TREE_DEPTH = 1000;

export function treeDepth(root: unknown): { readonly depth: number; readonly span?: Span } {
  let best: { depth: number; span?: Span } = { depth: 0 };
  const stack: Array<[node: unknown, depth: number]> = [[root, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth]);
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const node = value as { kind?: unknown; span?: Span };
    const here = typeof node.kind === "string" ? depth + 1 : depth;
    if (here > best.depth) best = { depth: here, span: node.span ?? best.span };
    for (const [key, field] of Object.entries(value)) if (key !== "span" && typeof field === "object") stack.push([field, here]);
  }
  return best;
}
