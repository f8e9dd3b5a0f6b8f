// Parser errors → diagnostics. chevrotain reports what it expected as token types; this file
// turns that into plain words for the place in the grammar where it happened: "expected `=`",
// "expected an expression", "unknown model member `inptu`: did you mean `input`?".

import { HOMES } from "./syntax-diagnostics.js";
import { EOF, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { quoteList, suggest } from "../diagnostics/suggest.js";
import type { SourceFile, Span } from "../source/source-file.js";
import { onSameLine, tokenEnd } from "./lexer.js";
import { syntaxDiagnostic } from "./syntax-diagnostics.js";
import * as T from "./tokens.js";

/** What a parser error carries, encoded as JSON in chevrotain's message string. */
interface ErrorFacts {
  readonly expected: string[];
}

/** Message provider whose "messages" are structured facts for `toDiagnostic` to word. */
export const factsProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => JSON.stringify({ expected: [expected.name] } satisfies ErrorFacts),
  buildNotAllInputParsedMessage: () => JSON.stringify({ expected: [] } satisfies ErrorFacts),
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) => JSON.stringify({ expected: firstTokens(expectedPathsPerAlt.flat()) } satisfies ErrorFacts),
  buildEarlyExitMessage: ({ expectedIterationPaths }) => JSON.stringify({ expected: firstTokens(expectedIterationPaths) } satisfies ErrorFacts),
};

function firstTokens(paths: TokenType[][]): string[] {
  return [...new Set(paths.map((p) => p[0]?.name).filter((n): n is string => n !== undefined))];
}

const TOKEN_TYPES = new Map(T.allTokens.map((t) => [t.name, t]));

/** How a token type is named in a message: `=`, `input`, a name, a number. */
export function describeTokenType(name: string): string {
  if (name === "EOF") return "the end of the file";
  const type = TOKEN_TYPES.get(name);
  return type?.LABEL ?? name;
}

function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return "the end of the file";
  if (token.tokenType === T.Identifier) return `the name \`${token.image}\``;
  if (token.tokenType === T.StringLiteral) return "a string";
  if (token.tokenType === T.IntLiteral || token.tokenType === T.FloatLiteral) return `the number \`${token.image}\``;
  return `\`${token.image}\``;
}

/** Where each grammar rule sits, for "expected X in …" labels. */
const RULE_PLACES: Record<string, string> = {
  importDecl: "in this import",
  importSpec: "in this import",
  moduleDecl: "in this module",
  modelDecl: "in this model",
  fnDecl: "in this function",
  rewardDecl: "in this reward",
  callable: "in this function",
  schemaDecl: "in this schema",
  schemaField: "in this schema field",
  experimentDecl: "in this experiment",
  sweepDecl: "in this sweep",
  dimsDecl: "in `dims`",
  paramDecl: "in this `param`",
  paramItem: "in this `param`",
  inputDecl: "in this input",
  letDecl: "in this `let`",
  weightDecl: "in this weight",
  roleDecl: "in this declaration",
  trainDecl: "in this `train` block",
  settingsBlock: "in this block of settings",
  setting: "in this setting",
  forwardDecl: "in this function",
  paramList: "in the parameter list",
  param: "in this parameter",
  returnType: "after `->`",
  block: "in this block",
  pattern: "in this pattern",
  namedType: "in this type",
  listType: "in this list type",
  tupleType: "in this tuple type",
  lambdaExpr: "in this lambda",
  ifExpr: "in this `if`",
  callSuffix: "in this call",
  argument: "in this argument",
  indexSuffix: "in this index",
  memberSuffix: "after `.`",
  parenExpr: "in these parentheses",
  listExpr: "in this list",
  compClause: "in this comprehension",
  recordExpr: "in this record",
  recordField: "in this record field",
};

const EXPRESSION_RULES = new Set(["expr", "dimExpr", "operand", "argument", "subscript", "dim"]);

const TOP_KEYWORDS = ["import", "module", "model", "fn", "reward", "schema", "experiment", "sweep"];
/** Body kinds and the keywords that start their members. */
const BODIES: Record<string, { name: string; keywords: string[] }> = {
  modelDecl: { name: "a model", keywords: ["dims", "param", "input", "let", "encoder", "head", "loss", "metric", "policy", "train"] },
  moduleDecl: { name: "a module", keywords: ["let", "weight", "param", "dims", "fn"] },
};

const OPEN_TO_CLOSE = new Set(["RParen", "RBracket", "RBrace"]);

export function toDiagnostic(source: SourceFile, error: IRecognitionException): Diagnostic {
  const facts = parseFacts(error.message);
  const found = error.token;
  const previous = (error as IRecognitionException & { previousToken?: IToken }).previousToken;
  const span = errorSpan(source, found, previous);
  const ruleStack = error.context?.ruleStack ?? [];
  const rule = ruleStack[ruleStack.length - 1] ?? "file";
  const foundText = describeToken(found);
  const expected = facts.expected;
  const isHardKeyword = T.HARD_KEYWORDS.includes(found.image) && found.tokenType !== T.Identifier;

  // A reserved word where a name belongs.
  if (isHardKeyword && expected.includes("Identifier") && !expected.includes(found.tokenType.name)) {
    return syntaxDiagnostic(source, "REC1014", span, { word: found.image });
  }

  // `fn(a) => { … }`: a block where a lambda's one expression belongs, read as a record.
  const record = ruleStack.lastIndexOf("recordExpr");
  if (
    record > 0 &&
    ruleStack.lastIndexOf("lambdaExpr") >= 0 &&
    ruleStack.slice(ruleStack.lastIndexOf("lambdaExpr") + 1, record).every((r) => r === "expr" || r === "operand")
  ) {
    const brace = source.text.lastIndexOf("{", found.startOffset);
    return syntaxDiagnostic(source, "REC1027", brace >= 0 ? { start: brace, end: brace + 1 } : span);
  }

  // The top level: anything that is not a declaration.
  if (error.name === "NotAllInputParsedException" || rule === "file" || rule === "topDecl") {
    return declarationProblem(source, span, found, TOP_KEYWORDS, "declaration", "file");
  }

  // A model or module body: an unknown member keyword surfaces as "expected `}`".
  const body = BODIES[rule];
  if (body && expected.includes("RBrace") && found.tokenType !== EOF) {
    return declarationProblem(source, span, found, body.keywords, `${body.name.replace(/^a /, "")} member`, body.name);
  }

  if (EXPRESSION_RULES.has(rule) && error.name === "NoViableAltException") {
    return syntaxDiagnostic(source, "REC1011", missingAt(source, found, previous, span), {
      found: foundText,
      where: RULE_PLACES[ruleStack[ruleStack.length - 2] ?? ""] ?? "",
    });
  }
  if ((rule === "type" || rule === "namedType") && error.name === "NoViableAltException") {
    return syntaxDiagnostic(source, "REC1026", span, { found: foundText });
  }

  const names = expected.map(describeTokenType);
  const args: Record<string, string> = {
    expected: names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}` : (names[0] ?? "something else"),
    found: foundText,
    where: RULE_PLACES[rule] ?? "",
  };
  const hint = hintFor(source, expected, found, previous, rule);
  if (hint) args["hint"] = hint;
  return syntaxDiagnostic(source, "REC1010", missingAt(source, found, previous, span), args);
}

function declarationProblem(source: SourceFile, span: Span, found: IToken, keywords: string[], what: string, container: string): Diagnostic {
  const word = found.image;
  const choices = quoteList(keywords);
  if (!keywords.includes(word) && HOMES[word]) {
    return syntaxDiagnostic(source, "REC1025", span, {
      keyword: word,
      container,
      choices,
    });
  }
  if (found.tokenType === T.Identifier) {
    const [suggestion] = suggest(word, keywords, 1);
    return syntaxDiagnostic(source, "REC1013", span, {
      context: what,
      found: word,
      expected: `a ${what}`,
      choices,
      ...(suggestion ? { suggestion } : {}),
    });
  }
  if (what === "declaration") {
    return syntaxDiagnostic(source, "REC1012", span, { found: describeToken(found) });
  }
  return syntaxDiagnostic(source, "REC1010", span, { member: what, found: describeToken(found), where: "", container, choices });
}

/** Which hint of REC1010's catalog entry fits (syntax-diagnostics.ts, `PARSE_HINTS`), if any. */
function hintFor(source: SourceFile, expected: readonly string[], found: IToken, previous: IToken | undefined, rule: string): string | undefined {
  if (expected.includes("FatArrow") && found.tokenType === T.Arrow) return "lambda";
  if (expected.includes("Equals") && found.tokenType === T.EqEq) return "bind";
  if (expected.includes("Equals") && found.tokenType === T.Colon && rule === "setting") return "setting";
  if (expected.includes("Then")) return "conditional";
  if (expected.includes("Else")) return "branches";
  if (expected.includes("In")) return "comprehension";
  if (expected.includes("Colon") && rule === "inputDecl") return "input";
  if (expected.includes("Colon") && rule === "weightDecl") return "weight";
  if (expected.includes("From")) return "import";
  if (expected.some((e) => OPEN_TO_CLOSE.has(e)) && startsExpression(found) && sameLine(source, previous, found)) return "comma";
  if (expected.includes("Equals") && rule === "paramItem") return "param";
  return undefined;
}

function sameLine(source: SourceFile, previous: IToken | undefined, token: IToken): boolean {
  return previous !== undefined && Number.isFinite(previous.startOffset) && onSameLine(source.text, previous, token);
}

function startsExpression(token: IToken): boolean {
  const t = token.tokenType;
  return (
    t === T.Identifier ||
    T.SOFT_KEYWORDS.includes(token.image) ||
    t === T.IntLiteral ||
    t === T.FloatLiteral ||
    t === T.StringLiteral ||
    t === T.LParen ||
    t === T.LBracket ||
    t === T.K.true ||
    t === T.K.false
  );
}

function parseFacts(message: string): ErrorFacts {
  try {
    const parsed = JSON.parse(message) as ErrorFacts;
    return Array.isArray(parsed.expected) ? parsed : { expected: [] };
  } catch {
    return { expected: [] };
  }
}

/**
 * Where to point when something is missing: when the token found is on a later line, the gap
 * is at the end of the line before it (`input x` ⏎ — the type is missing after `x`).
 */
function missingAt(source: SourceFile, found: IToken, previous: IToken | undefined, span: Span): Span {
  if (!previous || found.tokenType === EOF || sameLine(source, previous, found)) return span;
  return errorSpan(source, { ...found, tokenType: EOF }, previous);
}

/** The found token's span; at the end of the file, the point just after the last real token. */
function errorSpan(source: SourceFile, found: IToken, previous: IToken | undefined): Span {
  if (found.tokenType !== EOF && Number.isFinite(found.startOffset)) {
    return { start: found.startOffset, end: tokenEnd(found) };
  }
  if (previous && Number.isFinite(previous.startOffset)) {
    const end = tokenEnd(previous);
    return { start: end, end };
  }
  return { start: source.text.length, end: source.text.length };
}
