// Delimiter matching over the token stream: tokens → diagnostics for unclosed, unexpected and
// mismatched brackets, and for nesting deeper than the parser's recursion may safely go.
// Runs before parsing so these errors name both brackets, which the parser alone cannot.
//
// Nesting counts brackets and the two expressions that nest without brackets: a conditional
// (open from `if` to its `else`) and a lambda (open from `=>` to the end of the bracket, list
// item, branch or declaration it sits in). An `else if` chain closes one conditional as it opens
// the next, so a long chain is flat; only conditionals inside conditionals nest. A run of prefix
// operators nests too, and so does a chain of `**` (right-associative: the parser recurses on
// it). Left-associative chains (thousands of `+` terms or `|>` stages) are walked with loops.

import type { IToken, TokenType } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../source/source-file.js";
import { onSameLine, tokenEnd } from "./lexer.js";
import { CLOSERS, Comma, FatArrow, Dot, FloatLiteral, Identifier, IntLiteral, K, Minus, OPENERS, SOFT_KEYWORDS, StarStar, StringLiteral } from "./tokens.js";
import { syntaxDiagnostic } from "./syntax-diagnostics.js";

/** Deeper nesting than any real spec needs, and well inside the parser's stack budget. */
export const MAX_NESTING = 256;

/** Tokens inside one operand of a `**` chain, which neither end nor extend it (`a.b ** c[0]`). */
const CHAIN_LINKS = new Set<TokenType>([Identifier, IntLiteral, FloatLiteral, StringLiteral, Dot, ...OPENERS.keys(), ...CLOSERS.keys()]);

export interface DelimiterReport {
  readonly diagnostics: Diagnostic[];
  /** True when nesting passed MAX_NESTING: the parser must not run on this token stream. */
  readonly tooDeep: boolean;
}

export function checkDelimiters(source: SourceFile, tokens: readonly IToken[]): DelimiterReport {
  const diagnostics: Diagnostic[] = [];
  const stack: IToken[] = [];
  const open = new OpenExpressions();
  const spanOf = (t: IToken) => ({ start: t.startOffset, end: tokenEnd(t) });
  let previous: IToken | undefined;
  // A run of prefix operators (`- - - x`, `not not x`) nests as deeply as brackets do.
  let unaryRun = 0;
  const powers = [0];
  for (const token of tokens) {
    const startsLine = !previous || !onSameLine(source.text, previous, token);
    const unary = token.tokenType === Minus || token.tokenType === K.not;
    unaryRun = unary && previous && (previous.tokenType === Minus || previous.tokenType === K.not) ? unaryRun + 1 : unary ? 1 : 0;
    previous = token;
    // `**` is right-associative: a chain of them nests as deeply as it is long.
    powers[powers.length - 1] =
      token.tokenType === StarStar ? powers[powers.length - 1]! + 1 : CHAIN_LINKS.has(token.tokenType) ? powers[powers.length - 1]! : 0;
    if (OPENERS.has(token.tokenType)) powers.push(0);
    else if (CLOSERS.has(token.tokenType) && powers.length > 1) powers.pop();
    if (stack.length + open.depth + Math.max(unaryRun, powers[powers.length - 1]!) > MAX_NESTING) {
      diagnostics.push(syntaxDiagnostic(source, "REC1024", spanOf(token), { limit: String(MAX_NESTING) }));
      return { diagnostics, tooDeep: true };
    }
    if (OPENERS.has(token.tokenType) || open.track(token, startsLine)) {
      if (OPENERS.has(token.tokenType)) {
        stack.push(token);
        open.enterBracket();
      }
      if (stack.length + open.depth > MAX_NESTING) {
        diagnostics.push(syntaxDiagnostic(source, "REC1024", spanOf(token), { limit: String(MAX_NESTING) }));
        return { diagnostics, tooDeep: true };
      }
      continue;
    }
    const opener = CLOSERS.get(token.tokenType);
    if (!opener) continue;
    open.leaveBracket();
    const top = stack[stack.length - 1];
    if (top && top.tokenType === opener) {
      stack.pop();
    } else if (top && !onSameLine(source.text, top, token) && stack.some((t) => t.tokenType === opener)) {
      // The closer belongs to an outer bracket opened earlier, and the inner ones were left
      // open on earlier lines: blame each where it opened, pointing at the closer that ends them.
      while (stack.length && stack[stack.length - 1]!.tokenType !== opener) {
        const open = stack.pop()!;
        diagnostics.push(
          syntaxDiagnostic(source, "REC1008", spanOf(open), { open: open.image, close: image(OPENERS.get(open.tokenType)!) }, [
            { span: spanOf(token), message: `this \`${token.image}\` closes an outer \`${image(opener)}\` first` },
          ]),
        );
      }
      stack.pop();
    } else if (top) {
      const expected = OPENERS.get(top.tokenType)!;
      diagnostics.push(
        syntaxDiagnostic(source, "REC1009", spanOf(token), { close: token.image, open: top.image, expected: image(expected) }, [
          { span: spanOf(top), message: `this \`${top.image}\` is still open` },
        ]),
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

/**
 * The conditionals and lambdas open at each bracket level (level 0 is outside every bracket).
 * Approximate by design: it only has to keep real nesting from reaching the parser's stack limit,
 * so a construct it closes too late merely counts a level early.
 */
class OpenExpressions {
  private readonly levels: Array<Array<"if" | "fn">> = [[]];
  depth = 0;

  /** Updates the counts for one token; true when it opened a conditional or a lambda. */
  track(token: IToken, startsLine: boolean): boolean {
    const level = this.levels[this.levels.length - 1]!;
    if (token.tokenType === K.if) return this.push(level, "if");
    if (token.tokenType === FatArrow) return this.push(level, "fn");
    if (token.tokenType === Comma) this.closeLambdas(level);
    else if (token.tokenType === K.else) {
      this.closeLambdas(level);
      if (level[level.length - 1] === "if") this.pop(level);
    } else if (startsLine && (token.tokenType === K.let || token.tokenType === K.import || SOFT_KEYWORDS.includes(token.image))) {
      // A new declaration ends whatever its predecessor left open at this level.
      while (level.length) this.pop(level);
    }
    return false;
  }

  enterBracket(): void {
    this.levels.push([]);
  }

  leaveBracket(): void {
    if (this.levels.length === 1) return;
    this.depth -= this.levels.pop()!.length;
  }

  private push(level: Array<"if" | "fn">, kind: "if" | "fn"): true {
    level.push(kind);
    this.depth++;
    return true;
  }

  private pop(level: Array<"if" | "fn">): void {
    level.pop();
    this.depth--;
  }

  private closeLambdas(level: Array<"if" | "fn">): void {
    while (level[level.length - 1] === "fn") this.pop(level);
  }
}

function image(type: { LABEL?: string; name: string }): string {
  return (type.LABEL ?? type.name).replace(/`/g, "");
}
