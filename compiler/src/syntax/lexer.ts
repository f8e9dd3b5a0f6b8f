// Lexing: SourceFile → tokens for the parser, the comments (for doc comments and the
// formatter), and diagnostics. Never throws: every odd input becomes a diagnostic, and habits
// from other languages (`&&`, `;`) are reported and repaired so the parser sees valid tokens.

import { createTokenInstance, Lexer, type IToken, type TokenType } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../source/source-file.js";
import * as T from "./tokens.js";
import { syntaxDiagnostic } from "./syntax-diagnostics.js";

export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: IToken[];
  readonly diagnostics: Diagnostic[];
}

const lexer = new Lexer(T.lexerTokens, {
  // Offsets only: lines come from SourceFile when needed, and tracking them here doubled lexing time.
  positionTracking: "onlyOffset",
  ensureOptimizations: true,
});

/** The largest integer literal we accept: beyond it, float64 loses integer precision. */
const MAX_SAFE_LITERAL = Number.MAX_SAFE_INTEGER;

/** Replacements for operators borrowed from other languages: token → (keyword, spelling). */
const BORROWED_OPERATORS = new Map<TokenType, { replacement: TokenType; word: string }>([
  [T.AmpAmp, { replacement: T.K.and, word: "and" }],
  [T.BarBar, { replacement: T.K.or, word: "or" }],
  [T.Bang, { replacement: T.K.not, word: "not" }],
]);

export function lex(source: SourceFile): LexResult {
  const result = lexer.tokenize(source.text);
  const diagnostics: Diagnostic[] = [];
  const d = (code: string, start: number, end: number, args: Record<string, string> = {}) =>
    diagnostics.push(syntaxDiagnostic(source, code, { start, end }, args));

  for (const error of result.errors) {
    const ch = source.text.slice(error.offset, error.offset + error.length);
    d("REC1001", error.offset, error.offset + Math.max(1, [...ch][0]?.length ?? 1), { char: [...ch][0] ?? ch });
  }

  // Error-group tokens come back separately; repair them into the stream as real tokens.
  const repaired: IToken[] = [];
  for (const token of result.groups["errors"] ?? []) {
    if (token.tokenType === T.UnterminatedBlockComment) {
      d("REC1003", token.startOffset, token.startOffset + 2);
    } else if (token.tokenType === T.UnterminatedString) {
      d("REC1002", token.startOffset, tokenEnd(token));
      repaired.push(retype(token, T.StringLiteral, token.image));
    }
  }

  const tokens: IToken[] = [];
  for (const token of result.tokens) {
    // The lexer tracks start offsets only (faster); the parser's CST locations need the end.
    token.endOffset = token.startOffset + token.image.length - 1;
    if (token.tokenType === T.Identifier) {
      const keyword = T.KEYWORDS.get(token.image);
      if (keyword) {
        token.tokenType = keyword;
        token.tokenTypeIdx = keyword.tokenTypeIdx!;
      }
      tokens.push(token);
      continue;
    }
    const borrowed = BORROWED_OPERATORS.get(token.tokenType);
    if (borrowed) {
      d("REC1006", token.startOffset, tokenEnd(token), { found: token.image, word: borrowed.word });
      tokens.push(retype(token, borrowed.replacement, borrowed.word));
      continue;
    }
    if (token.tokenType === T.Semicolon) {
      d("REC1007", token.startOffset, tokenEnd(token));
      continue;
    }
    tokens.push(token);
  }
  const merged = repaired.length ? mergeByOffset(tokens, repaired) : tokens;
  const checked = checkLiterals(merged, d);
  return { tokens: checked, comments: result.groups["comments"] ?? [], diagnostics };
}

/** Reports malformed literals; a name glued to a number is dropped so it is reported once. */
function checkLiterals(tokens: readonly IToken[], d: (code: string, s: number, e: number, a?: Record<string, string>) => void): IToken[] {
  const kept: IToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    kept.push(token);
    const type = token.tokenType;
    if (type === T.IntLiteral || type === T.FloatLiteral) {
      const next = tokens[i + 1];
      const glued = next && next.startOffset === tokenEnd(token) && isWordLike(next.image);
      if (glued) {
        d("REC1004", token.startOffset, tokenEnd(next), {
          text: token.image + next.image,
          case: "run-on",
        });
        i++;
      } else if (/_$|__|_\.|\._|_[eE]|[eE][+-]?_/.test(token.image)) {
        d("REC1004", token.startOffset, tokenEnd(token), {
          text: token.image,
          case: "underscore",
        });
      } else if (type === T.IntLiteral && Number(token.image.replace(/_/g, "")) > MAX_SAFE_LITERAL) {
        d("REC1004", token.startOffset, tokenEnd(token), {
          text: token.image,
          case: "too-large",
        });
      }
    } else if (type === T.StringLiteral) {
      const body = token.image.slice(1, -1);
      const escape = /\\(.)/gs;
      let match: RegExpExecArray | null;
      while ((match = escape.exec(body))) {
        if (!'nrt\\"0'.includes(match[1]!)) {
          const start = token.startOffset + 1 + match.index;
          d("REC1005", start, start + 2, { escape: match[0] });
        }
      }
    }
  }
  return kept;
}

/** The offset just past a token (chevrotain's endOffset is inclusive and may be absent). */
export function tokenEnd(token: IToken): number {
  // endOffset, not the image: a repaired token (`&&` read as `and`) keeps its source extent.
  const end = token.endOffset;
  return end !== undefined && Number.isFinite(end) ? end + 1 : token.startOffset + token.image.length;
}

function isWordLike(image: string): boolean {
  return /^[A-Za-z0-9_.]/.test(image);
}

function retype(token: IToken, type: TokenType, image: string): IToken {
  return createTokenInstance(type, image, token.startOffset, tokenEnd(token) - 1, NaN, NaN, NaN, NaN);
}

/** Whether a line break separates two tokens (a comment between them counts if it spans one). */
export function onSameLine(text: string, previous: IToken, next: IToken): boolean {
  for (let i = tokenEnd(previous); i < next.startOffset; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return false;
  }
  return true;
}

function mergeByOffset(a: IToken[], b: IToken[]): IToken[] {
  return [...a, ...b].sort((x, y) => x.startOffset - y.startOffset);
}

/** The string value of a string literal token's image (quotes removed, escapes decoded). */
export function decodeString(image: string): string {
  const body = image.startsWith('"') ? image.slice(1, image.endsWith('"') && image.length > 1 ? -1 : undefined) : image;
  return body.replace(/\\(.)/gs, (_, ch: string) => ESCAPES[ch] ?? ch);
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"', "0": "\0" };
