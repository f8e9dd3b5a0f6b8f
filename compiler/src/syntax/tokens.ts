// The token vocabulary of .rec: every token type, its pattern and its label for messages.
// Read by the lexer (lexer.ts), the grammar (parser.ts) and the spec generator.

import { createToken, Lexer, type TokenType } from "chevrotain";

// Trivia. Comments go to their own group so the formatter and doc-comment attachment can
// see them; whitespace (newlines included) is skipped because the grammar is keyword-led.
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });
export const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: "comments" });
// Error tokens: matched so the lexer can explain them instead of reporting stray characters.
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: "errors",
});
// A string that reaches the end of its line: a custom matcher, because chevrotain forbids `$`.
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: { exec: matchUnterminatedString },
  start_chars_hint: ['"'],
  line_breaks: false,
  group: "errors",
});

function matchUnterminatedString(text: string, offset: number): RegExpExecArray | null {
  if (text[offset] !== '"') return null;
  let i = offset + 1;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r" && text[i] !== '"') {
    i += text[i] === "\\" && i + 1 < text.length && text[i + 1] !== "\n" ? 2 : 1;
  }
  if (text[i] === '"') return null;
  const match = [text.slice(offset, i)] as unknown as RegExpExecArray;
  return match;
}

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: "a name" });

// Literals.
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/,
  label: "a string",
});
export const FloatLiteral = createToken({
  name: "FloatLiteral",
  pattern: /\d[\d_]*\.\d[\d_]*(?:[eE][+-]?\d[\d_]*)?|\d[\d_]*[eE][+-]?\d[\d_]*/,
  label: "a number",
});
export const IntLiteral = createToken({ name: "IntLiteral", pattern: /\d[\d_]*/, label: "a number" });

/**
 * Hard keywords can never be names. Soft keywords start declarations but are still names
 * elsewhere (`weight = 0.5` as a named argument, `input` as a variable), because their token
 * type lists Identifier as a category.
 */
export const hardKeywordWords = ["import", "fn", "let", "for", "in", "if", "then", "else", "and", "or", "not", "true", "false"] as const;
export const softKeywordWords = [
  "from",
  "as",
  "module",
  "model",
  "reward",
  "schema",
  "experiment",
  "sweep",
  "dims",
  "param",
  "input",
  "weight",
  "state",
  "update",
  "encoder",
  "head",
  "loss",
  "metric",
  "policy",
  "train",
  "constant",
] as const;

/** Every binary operator: the grammar reads them as one category and the AST builder applies precedence. */
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA, label: "an operator" });
/** The operators allowed in a dimension or id-space expression (no comparisons, so `<…>` brackets work). */
export const ArithmeticOperator = createToken({ name: "ArithmeticOperator", pattern: Lexer.NA, label: "`+`, `-`, `*`, `/` or `%`" });

function keyword(word: string, soft: boolean): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({
    name,
    pattern: new RegExp(`${word}\\b`),
    longer_alt: Identifier,
    label: `\`${word}\``,
    ...(soft ? { categories: [Identifier] } : word === "and" || word === "or" ? { categories: [BinaryOperator] } : {}),
  });
}

export const hardKeywords: Record<(typeof hardKeywordWords)[number], TokenType> = Object.fromEntries(
  hardKeywordWords.map((w) => [w, keyword(w, false)]),
) as never;
export const softKeywords: Record<(typeof softKeywordWords)[number], TokenType> = Object.fromEntries(
  softKeywordWords.map((w) => [w, keyword(w, true)]),
) as never;

export const HARD_KEYWORDS: readonly string[] = hardKeywordWords;
export const SOFT_KEYWORDS: readonly string[] = softKeywordWords;

export const K = { ...hardKeywords, ...softKeywords };

function punct(name: string, literal: string, extra: Partial<Parameters<typeof createToken>[0]> = {}): TokenType {
  const pattern = new RegExp(literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return createToken({ name, pattern, label: `\`${literal}\``, ...extra });
}

const binary = { categories: [BinaryOperator] };
const arithmetic = { categories: [BinaryOperator, ArithmeticOperator] };

export const Pipe = punct("Pipe", "|>", binary);
export const FatArrow = punct("FatArrow", "=>");
export const Arrow = punct("Arrow", "->");
export const EqEq = punct("EqEq", "==", binary);
export const NotEq = punct("NotEq", "!=", binary);
export const LessEq = punct("LessEq", "<=", binary);
export const GreaterEq = punct("GreaterEq", ">=", binary);
export const Less = punct("Less", "<", binary);
export const Greater = punct("Greater", ">", binary);
export const Equals = punct("Equals", "=");
export const StarStar = punct("StarStar", "**", binary);
export const Star = punct("Star", "*", arithmetic);
export const Slash = punct("Slash", "/", arithmetic);
export const Percent = punct("Percent", "%", arithmetic);
export const At = punct("At", "@", binary);
export const Plus = punct("Plus", "+", arithmetic);
export const Minus = punct("Minus", "-", arithmetic);
export const Ellipsis = punct("Ellipsis", "...");
export const Dot = punct("Dot", ".");
export const Comma = punct("Comma", ",");
export const Colon = punct("Colon", ":");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const LBrace = punct("LBrace", "{");
export const RBrace = punct("RBrace", "}");

// Tokens from other languages that people type by habit. The lexer replaces each with what
// .rec spells instead (or drops it) and reports a diagnostic, so parsing goes on undisturbed.
export const AmpAmp = punct("AmpAmp", "&&");
export const BarBar = punct("BarBar", "||");
export const Bang = punct("Bang", "!");
export const Semicolon = punct("Semicolon", ";");

/** Token types in lexing order: longer and more specific patterns first. */
export const allTokens: TokenType[] = [
  BinaryOperator,
  ArithmeticOperator,
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  StringLiteral,
  UnterminatedString,
  FloatLiteral,
  IntLiteral,
  ...Object.values(hardKeywords),
  ...Object.values(softKeywords),
  Identifier,
  Pipe,
  FatArrow,
  Arrow,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  StarStar,
  Star,
  Slash,
  Percent,
  At,
  Plus,
  Minus,
  Ellipsis,
  Dot,
  Comma,
  Colon,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  AmpAmp,
  BarBar,
  Bang,
  Semicolon,
];

/**
 * The lexer's own vocabulary: no keywords. A keyword is lexed as an Identifier and retyped by a
 * table lookup (KEYWORDS below), which is far cheaper than trying thirty keyword patterns
 * before every name.
 */
export const lexerTokens: TokenType[] = allTokens.filter((t) => !Object.values(K).includes(t));

export const KEYWORDS: ReadonlyMap<string, TokenType> = new Map(Object.entries(K).map(([word, type]) => [word, type]));

export const OPENERS = new Map<TokenType, TokenType>([
  [LParen, RParen],
  [LBracket, RBracket],
  [LBrace, RBrace],
]);
export const CLOSERS = new Map<TokenType, TokenType>([...OPENERS].map(([open, close]) => [close, open]));
