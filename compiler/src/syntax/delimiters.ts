// Delimiter matching over the token stream: tokens → diagnostics for unclosed, unexpected and
// mismatched brackets, and for nesting deeper than the parser's recursion may safely go.
// Runs before parsing so these errors name both brackets, which the parser alone cannot.

import type { IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../source/source-file.js";
import { onSameLine, tokenEnd } from "./lexer.js";
import { CLOSERS, OPENERS } from "./tokens.js";
import { syntaxDiagnostic } from "./syntax-diagnostics.js";

/** Deeper nesting than any real spec needs, and well inside the parser's stack budget. */
export const MAX_NESTING = 256;

export interface DelimiterReport {
  readonly diagnostics: Diagnostic[];
  /** True when nesting passed MAX_NESTING: the parser must not run on this token stream. */
  readonly tooDeep: boolean;
}

export function checkDelimiters(source: SourceFile, tokens: readonly IToken[]): DelimiterReport {
  const diagnostics: Diagnostic[] = [];
  const stack: IToken[] = [];
  const spanOf = (t: IToken) => ({ start: t.startOffset, end: tokenEnd(t) });
  for (const token of tokens) {
    if (OPENERS.has(token.tokenType)) {
      stack.push(token);
      if (stack.length > MAX_NESTING) {
        diagnostics.push(syntaxDiagnostic(source, "REC1024", spanOf(token), { limit: String(MAX_NESTING) }));
        return { diagnostics, tooDeep: true };
      }
      continue;
    }
    const opener = CLOSERS.get(token.tokenType);
    if (!opener) continue;
    const top = stack[stack.length - 1];
    if (top && top.tokenType === opener) {
      stack.pop();
    } else if (top && !onSameLine(source.text, top, token) && stack.some((t) => t.tokenType === opener)) {
      // The closer belongs to an outer bracket opened earlier, and the inner ones were left
      // open on earlier lines: blame each where it opened, pointing at the closer that ends them.
      while (stack.length && stack[stack.length - 1]!.tokenType !== opener) {
        const open = stack.pop()!;
        diagnostics.push(
          syntaxDiagnostic(
            source,
            "REC1008",
            spanOf(open),
            { open: open.image, close: image(OPENERS.get(open.tokenType)!) },
            [{ span: spanOf(token), message: `this \`${token.image}\` closes an outer \`${image(opener)}\` first` }],
          ),
        );
      }
      stack.pop();
    } else if (top) {
      const expected = OPENERS.get(top.tokenType)!;
      diagnostics.push(
        syntaxDiagnostic(
          source,
          "REC1009",
          spanOf(token),
          { close: token.image, open: top.image, expected: image(expected) },
          [{ span: spanOf(top), message: `this \`${top.image}\` is still open` }],
        ),
      );
      // Read the wrong closer as the right one, so one typo gives one diagnostic.
      stack.pop();
    } else {
      diagnostics.push(syntaxDiagnostic(source, "REC1009", spanOf(token), { close: token.image }));
    }
  }
  for (const open of stack) {
    diagnostics.push(
      syntaxDiagnostic(source, "REC1008", spanOf(open), {
        open: open.image,
        close: image(OPENERS.get(open.tokenType)!),
      }),
    );
  }
  return { diagnostics, tooDeep: false };
}

function image(type: { LABEL?: string; name: string }): string {
  return (type.LABEL ?? type.name).replace(/`/g, "");
}
