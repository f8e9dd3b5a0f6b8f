// The .rec grammar: tokens → CST. One CstParser instance is built at load and reused for
// every file (chevrotain's advice: self-analysis is costly). Recovery is on, so one run
// reports every syntax error and still yields a tree; cst-to-ast.ts turns it into the AST.
// spec/language.md's grammar section and spec/grammar.html are generated from this file.

import { CstParser, type CstNode, type IToken } from "chevrotain";
import * as T from "./tokens.js";
import { factsProvider } from "./parse-errors.js";
import { onSameLine } from "./lexer.js";

const K = T.K;

export class RecParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      // Offsets are all the AST needs; lines come from the tokens themselves.
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 3,
      errorMessageProvider: factsProvider,
    });
    this.performSelfAnalysis();
  }

  /** The text being parsed, for line questions (tokens carry offsets only). */
  private text = "";

  /** A call's `(` or an index's `[` must sit on the line of what it applies to. */
  private sameLine(): boolean {
    const previous = this.LA(0);
    return previous.startOffset === undefined || !Number.isFinite(previous.startOffset) || onSameLine(this.text, previous, this.LA(1));
  }

  /** Parses a token stream of `text`; assigning `input` resets the parser for reuse. */
  parseFile(tokens: IToken[], text: string): CstNode {
    this.text = text;
    this.input = tokens;
    return this.file();
  }

  /**
   * A soft keyword followed by a name (`head score`) or, for `train`, by `{` starts a
   * declaration: no expression has two adjacent names, so reading it as a name could only
   * produce a worse error one token later (after `let y = x +` with the operand missing).
   */
  private startsDeclaration(): boolean {
    const token = this.LA(1);
    if (!T.SOFT_KEYWORDS.includes(token.image) || token.tokenType === T.Identifier) return false;
    const next = this.LA(2);
    return next.tokenType === T.Identifier || T.SOFT_KEYWORDS.includes(next.image) || (token.image === "train" && next.tokenType === T.LBrace);
  }

  // ── Files and top-level declarations ────────────────────────────────────────────────
  public file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.topDecl));
  });

  public topDecl = this.RULE("topDecl", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.moduleDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.fnDecl) },
      { ALT: () => this.SUBRULE(this.rewardDecl) },
      { ALT: () => this.SUBRULE(this.schemaDecl) },
      { ALT: () => this.SUBRULE(this.experimentDecl) },
      { ALT: () => this.SUBRULE(this.sweepDecl) },
    ]);
  });

  public importDecl = this.RULE("importDecl", () => {
    this.CONSUME(K.import);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.importSpec) });
          this.CONSUME(T.RBrace);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Star);
          this.CONSUME(K.as);
          this.CONSUME(T.Identifier, { LABEL: "namespace" });
        },
      },
    ]);
    this.CONSUME(K.from);
    this.CONSUME(T.StringLiteral);
  });

  public importSpec = this.RULE("importSpec", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(K.as);
      this.CONSUME2(T.Identifier, { LABEL: "alias" });
    });
  });

  public moduleDecl = this.RULE("moduleDecl", () => {
    this.CONSUME(K.module);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.moduleMember));
    this.CONSUME(T.RBrace);
  });

  public moduleMember = this.RULE("moduleMember", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.weightDecl) },
      { ALT: () => this.SUBRULE(this.paramDecl) },
      { ALT: () => this.SUBRULE(this.dimsDecl) },
      { ALT: () => this.SUBRULE(this.forwardDecl) },
    ]);
  });

  public modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(K.model);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.modelMember));
    this.CONSUME(T.RBrace);
  });

  public modelMember = this.RULE("modelMember", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.dimsDecl) },
      { ALT: () => this.SUBRULE(this.paramDecl) },
      { ALT: () => this.SUBRULE(this.inputDecl) },
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.roleDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
    ]);
  });

  public fnDecl = this.RULE("fnDecl", () => {
    this.CONSUME(K.fn);
    this.SUBRULE(this.callable);
  });

  public rewardDecl = this.RULE("rewardDecl", () => {
    this.CONSUME(K.reward);
    this.SUBRULE(this.callable);
  });

  /** What `fn` and `reward` declarations share: a name, parameters, a return type and a body. */
  public callable = this.RULE("callable", () => {
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.paramList);
    this.OPTION(() => this.SUBRULE(this.returnType));
    this.SUBRULE(this.block);
  });

  public schemaDecl = this.RULE("schemaDecl", () => {
    this.CONSUME(K.schema);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.schemaField));
    this.CONSUME(T.RBrace);
  });

  public schemaField = this.RULE("schemaField", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
    this.OPTION2(() => this.CONSUME(T.Comma));
  });

  public experimentDecl = this.RULE("experimentDecl", () => {
    this.CONSUME(K.experiment);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.settingsBlock);
  });

  public sweepDecl = this.RULE("sweepDecl", () => {
    this.CONSUME(K.sweep);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.settingsBlock);
  });

  // ── Members ─────────────────────────────────────────────────────────────────────────
  public dimsDecl = this.RULE("dimsDecl", () => {
    this.CONSUME(K.dims);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
  });

  public paramDecl = this.RULE("paramDecl", () => {
    this.CONSUME(K.param);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.paramItem) });
  });

  public paramItem = this.RULE("paramItem", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type);
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  public inputDecl = this.RULE("inputDecl", () => {
    this.CONSUME(K.input);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    this.OPTION(() => this.CONSUME(K.constant));
  });

  public letDecl = this.RULE("letDecl", () => {
    this.CONSUME(K.let);
    this.SUBRULE(this.pattern);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type);
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  /** `update running_mean = …`: a state's value after this training step (a block statement). */
  public updateDecl = this.RULE("updateDecl", () => {
    this.CONSUME(K.update);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  public weightDecl = this.RULE("weightDecl", () => {
    this.OR([{ ALT: () => this.CONSUME(K.weight) }, { ALT: () => this.CONSUME(K.state) }]);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
  });

  public roleDecl = this.RULE("roleDecl", () => {
    this.OR([
      { ALT: () => this.CONSUME(K.encoder) },
      { ALT: () => this.CONSUME(K.head) },
      { ALT: () => this.CONSUME(K.loss) },
      { ALT: () => this.CONSUME(K.metric) },
      { ALT: () => this.CONSUME(K.policy) },
    ]);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type);
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  public trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(K.train);
    this.OPTION(() => this.CONSUME(T.Identifier));
    this.SUBRULE(this.settingsBlock);
  });

  public settingsBlock = this.RULE("settingsBlock", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.setting);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  public setting = this.RULE("setting", () => {
    this.CONSUME(T.Identifier);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expr);
        },
      },
      { ALT: () => this.SUBRULE(this.settingsBlock) },
    ]);
  });

  public forwardDecl = this.RULE("forwardDecl", () => {
    this.CONSUME(K.fn);
    this.OPTION(() => this.CONSUME(T.Identifier));
    this.SUBRULE(this.paramList);
    this.OPTION2(() => this.SUBRULE(this.returnType));
    this.SUBRULE(this.block);
  });

  public paramList = this.RULE("paramList", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
  });

  public param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
  });

  public returnType = this.RULE("returnType", () => {
    this.CONSUME(T.Arrow);
    this.SUBRULE(this.type);
  });

  public block = this.RULE("block", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.letDecl) }, { ALT: () => this.SUBRULE(this.updateDecl) }]));
    this.OPTION(() => this.SUBRULE(this.expr));
    this.CONSUME(T.RBrace);
  });

  public pattern = this.RULE("pattern", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.pattern) });
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  // ── Types ───────────────────────────────────────────────────────────────────────────
  public type = this.RULE("type", () => {
    this.OR([
      { GATE: () => !this.startsDeclaration(), ALT: () => this.SUBRULE(this.namedType) },
      { ALT: () => this.SUBRULE(this.listType) },
      { ALT: () => this.SUBRULE(this.tupleType) },
      { ALT: () => this.CONSUME(K.fn) },
    ]);
  });

  public namedType = this.RULE("namedType", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Less);
      this.SUBRULE(this.dimExpr);
      this.CONSUME(T.Greater);
    });
    this.OPTION2(() => {
      this.CONSUME(T.LBracket);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.dim) });
      this.CONSUME(T.RBracket);
    });
  });

  public dim = this.RULE("dim", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Ellipsis);
          this.OPTION(() => this.CONSUME(T.Identifier));
        },
      },
      { ALT: () => this.SUBRULE(this.dimExpr) },
    ]);
  });

  public listType = this.RULE("listType", () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.type);
    this.CONSUME(T.RBracket);
  });

  public tupleType = this.RULE("tupleType", () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.type) });
    this.CONSUME(T.RParen);
  });

  // ── Expressions, from loosest to tightest binding ───────────────────────────────────
  /**
   * An expression. All binary operators share one flat `operand (op operand)*` list and the AST
   * builder applies precedence and associativity (PRECEDENCE in ast.ts). A rule per precedence
   * level, or separate rules for prefix, postfix and primary parts, made every name five to
   * twelve CST nodes deep; building those nodes was most of the parser's time.
   */
  public expr = this.RULE("expr", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.lambdaExpr) },
      { ALT: () => this.SUBRULE(this.ifExpr) },
      {
        ALT: () => {
          this.SUBRULE(this.operand);
          this.MANY(() => {
            this.CONSUME(T.BinaryOperator);
            this.SUBRULE2(this.operand);
          });
        },
      },
    ]);
  });

  public lambdaExpr = this.RULE("lambdaExpr", () => {
    this.CONSUME(K.fn);
    this.SUBRULE(this.paramList);
    this.CONSUME(T.FatArrow);
    this.SUBRULE(this.expr);
  });

  /** `if c then a (else if c then a)* else b`: an `else if` chain is a loop, not nesting. */
  public ifExpr = this.RULE("ifExpr", () => {
    this.CONSUME(K.if);
    this.SUBRULE(this.expr, { LABEL: "condition" });
    this.CONSUME(K.then);
    this.SUBRULE2(this.expr, { LABEL: "then" });
    this.MANY({
      GATE: () => this.LA(1).tokenType === K.else && this.LA(2).tokenType === K.if,
      DEF: () => {
        this.CONSUME2(K.else);
        this.CONSUME2(K.if);
        this.SUBRULE3(this.expr, { LABEL: "condition" });
        this.CONSUME2(K.then);
        this.SUBRULE4(this.expr, { LABEL: "then" });
      },
    });
    this.CONSUME(K.else);
    this.SUBRULE5(this.expr, { LABEL: "else" });
  });

  /** Arithmetic only, for dimensions and id spaces, where `<` and `>` are brackets. */
  public dimExpr = this.RULE("dimExpr", () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(T.ArithmeticOperator);
      this.SUBRULE2(this.operand);
    });
  });

  /** Prefix operators, a primary expression, then calls, indexes and member accesses. */
  public operand = this.RULE("operand", () => {
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(K.not) }]);
    });
    this.OR2([
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.FloatLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(K.true) },
      { ALT: () => this.CONSUME(K.false) },
      { GATE: () => !this.startsDeclaration(), ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.SUBRULE(this.listExpr) },
      { ALT: () => this.SUBRULE(this.recordExpr) },
    ]);
    this.MANY2({
      GATE: () => this.LA(1).tokenType === T.Dot || this.sameLine(),
      DEF: () => {
        this.OR3([{ ALT: () => this.SUBRULE(this.callSuffix) }, { ALT: () => this.SUBRULE(this.indexSuffix) }, { ALT: () => this.SUBRULE(this.memberSuffix) }]);
      },
    });
  });

  public callSuffix = this.RULE("callSuffix", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
    this.CONSUME(T.RParen);
  });

  public argument = this.RULE("argument", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.expr);
  });

  public indexSuffix = this.RULE("indexSuffix", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.subscript) });
    this.CONSUME(T.RBracket);
  });

  public subscript = this.RULE("subscript", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Ellipsis) },
      {
        ALT: () => {
          this.OPTION(() => this.SUBRULE(this.expr, { LABEL: "start" }));
          this.OPTION2(() => {
            this.CONSUME(T.Colon);
            this.OPTION3(() => this.SUBRULE2(this.expr, { LABEL: "stop" }));
            this.OPTION4(() => {
              this.CONSUME2(T.Colon);
              this.OPTION5(() => this.SUBRULE3(this.expr, { LABEL: "step" }));
            });
          });
        },
      },
    ]);
  });

  public memberSuffix = this.RULE("memberSuffix", () => {
    this.CONSUME(T.Dot);
    this.CONSUME(T.Identifier);
  });

  public parenExpr = this.RULE("parenExpr", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr) });
    this.CONSUME(T.RParen);
  });

  public listExpr = this.RULE("listExpr", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expr);
      this.OR([
        { ALT: () => this.AT_LEAST_ONE(() => this.SUBRULE(this.compClause)) },
        {
          ALT: () =>
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.OPTION2(() => this.SUBRULE2(this.expr));
            }),
        },
      ]);
    });
    this.CONSUME(T.RBracket);
  });

  public compClause = this.RULE("compClause", () => {
    this.CONSUME(K.for);
    this.SUBRULE(this.pattern);
    this.CONSUME(K.in);
    this.SUBRULE(this.expr, { LABEL: "iterable" });
    this.OPTION(() => {
      this.CONSUME(K.if);
      this.SUBRULE2(this.expr, { LABEL: "condition" });
    });
  });

  public recordExpr = this.RULE("recordExpr", () => {
    this.CONSUME(T.LBrace);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.recordField) });
    this.CONSUME(T.RBrace);
  });

  // A field's name is a NAME, or a string for keys that are not names (`{ "user_tower.0": "user.mlp" }`).
  public recordField = this.RULE("recordField", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.StringLiteral) }]);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr);
  });
}

/** The single parser instance. Assigning `input` resets its state for the next file. */
export const parser = new RecParser();

export function parseTokens(tokens: IToken[], text: string): { cst: CstNode; errors: typeof parser.errors } {
  const cst = parser.parseFile(tokens, text);
  return { cst, errors: parser.errors };
}
