// The abstract syntax tree: what cst-to-ast.ts builds and every later stage reads.
// Every node has a `kind` and a `span`. Syntax-only detail (parentheses, commas, comments
// other than doc comments) is gone; a part the parser could not read is a `Missing` node.

import type { Span } from "../source/source-file.js";

export interface Node {
  readonly kind: string;
  readonly span: Span;
}

export interface Ident extends Node {
  readonly kind: "Ident";
  readonly name: string;
}

/** Something required that the source lacks; a diagnostic has already been reported. */
export interface Missing extends Node {
  readonly kind: "Missing";
}

// ── Files and declarations ─────────────────────────────────────────────────────────────
export interface File extends Node {
  readonly kind: "File";
  readonly decls: readonly Decl[];
}

export type Decl = ImportDecl | ModuleDecl | ModelDecl | FnDecl | RewardDecl | SchemaDecl | ExperimentDecl | SweepDecl;

interface Documented {
  /** The `///` doc comment lines right above the declaration, without the slashes. */
  readonly doc?: string;
}

export interface ImportSpec extends Node {
  readonly kind: "ImportSpec";
  readonly name: Ident;
  readonly alias?: Ident;
}

export interface ImportDecl extends Node, Documented {
  readonly kind: "ImportDecl";
  /** `import { a, b as c } from …`: the names; absent for `import * as ns from …`. */
  readonly names?: readonly ImportSpec[];
  readonly namespace?: Ident;
  readonly path: StringLit | Missing;
}

export interface ModuleDecl extends Node, Documented {
  readonly kind: "ModuleDecl";
  readonly name: Ident | Missing;
  readonly params: readonly Param[];
  readonly members: readonly ModuleMember[];
}

export type ModuleMember = LetDecl | WeightDecl | ParamDecl | DimsDecl | ForwardDecl;

export interface ModelDecl extends Node, Documented {
  readonly kind: "ModelDecl";
  readonly name: Ident | Missing;
  readonly members: readonly ModelMember[];
}

export type ModelMember = DimsDecl | ParamDecl | InputDecl | LetDecl | RoleDecl | TrainDecl;

export interface FnDecl extends Node, Documented {
  readonly kind: "FnDecl";
  readonly name: Ident | Missing;
  readonly params: readonly Param[];
  readonly returns?: TypeExpr;
  readonly body: Block;
}

export interface RewardDecl extends Node, Documented {
  readonly kind: "RewardDecl";
  readonly name: Ident | Missing;
  readonly params: readonly Param[];
  readonly returns?: TypeExpr;
  readonly body: Block;
}

export interface SchemaDecl extends Node, Documented {
  readonly kind: "SchemaDecl";
  readonly name: Ident | Missing;
  readonly fields: readonly SchemaField[];
}

export interface SchemaField extends Node, Documented {
  readonly kind: "SchemaField";
  readonly name: Ident | Missing;
  readonly type: TypeExpr;
  readonly source?: Expr;
}

export interface ExperimentDecl extends Node, Documented {
  readonly kind: "ExperimentDecl";
  readonly name: Ident | Missing;
  readonly settings: readonly Setting[];
}

/** `sweep Name { model = M, space { … }, metric = "…", where = … }` (spec/language.md §3.8). */
export interface SweepDecl extends Node, Documented {
  readonly kind: "SweepDecl";
  readonly name: Ident | Missing;
  readonly settings: readonly Setting[];
}

// ── Members ───────────────────────────────────────────────────────────────────────────
export interface DimsDecl extends Node, Documented {
  readonly kind: "DimsDecl";
  readonly names: readonly Ident[];
}

export interface ParamDecl extends Node, Documented {
  readonly kind: "ParamDecl";
  readonly items: readonly Param[];
}

/** A compile-time parameter: of a module, a function, a lambda, or a `param` declaration. */
export interface Param extends Node {
  readonly kind: "Param";
  readonly name: Ident | Missing;
  readonly type?: TypeExpr;
  readonly default?: Expr;
}

export interface InputDecl extends Node, Documented {
  readonly kind: "InputDecl";
  readonly name: Ident | Missing;
  readonly type: TypeExpr;
  /** `input edges: id<items>[E] constant`: not batched; the whole tensor is fed once (a graph's edge list). */
  readonly constant?: true;
}

export interface LetDecl extends Node, Documented {
  readonly kind: "LetDecl";
  readonly pattern: Pattern;
  readonly type?: TypeExpr;
  readonly value: Expr;
  /**
   * `update name = value` (a block statement): not a binding but the value the module's state
   * `name` takes after a training step; `pattern` is the state's name, a use.
   */
  readonly update?: true;
}

export type Pattern = Ident | TuplePattern | Missing;

export interface TuplePattern extends Node {
  readonly kind: "TuplePattern";
  readonly elements: readonly Pattern[];
}

/** `weight name: T = init`, or `state name: T = init`: a value kept across steps but not trained. */
export interface WeightDecl extends Node, Documented {
  readonly kind: "WeightDecl";
  readonly state?: true;
  readonly name: Ident | Missing;
  readonly type: TypeExpr;
  readonly init?: Expr;
}

export type Role = "encoder" | "head" | "loss" | "metric" | "policy";

/** `encoder`, `head`, `loss`, `metric` or `policy`: a named output of a model. */
export interface RoleDecl extends Node, Documented {
  readonly kind: "RoleDecl";
  readonly role: Role;
  readonly name: Ident | Missing;
  readonly type?: TypeExpr;
  readonly value: Expr;
}

export interface TrainDecl extends Node, Documented {
  readonly kind: "TrainDecl";
  readonly name?: Ident;
  readonly settings: readonly Setting[];
}

/** `name = value` or `name { settings }` inside `train` and `experiment` blocks. */
export interface Setting extends Node {
  readonly kind: "Setting";
  readonly name: Ident;
  readonly value: Expr | SettingsBlock;
}

export interface SettingsBlock extends Node {
  readonly kind: "SettingsBlock";
  readonly settings: readonly Setting[];
}

/** The forward function of a module (`fn (x) -> T { … }`) or a named method. */
export interface ForwardDecl extends Node, Documented {
  readonly kind: "ForwardDecl";
  readonly name?: Ident;
  readonly params: readonly Param[];
  readonly returns?: TypeExpr;
  readonly body: Block;
}

export interface Block extends Node {
  readonly kind: "Block";
  readonly lets: readonly LetDecl[];
  readonly result: Expr;
}

// ── Types ─────────────────────────────────────────────────────────────────────────────
export type TypeExpr = NamedType | ListType | TupleType | FnType | Missing;

/** `int`, `f32[B, D]`, `id<items>[B]`: a name, an optional id space, optional dimensions. */
export interface NamedType extends Node {
  readonly kind: "NamedType";
  readonly name: Ident;
  readonly space?: Expr;
  /** Absent when the type has no brackets (a compile-time type or a rank-0 tensor). */
  readonly dims?: readonly Dim[];
}

export type Dim = Expr | EllipsisDim;

export interface EllipsisDim extends Node {
  readonly kind: "EllipsisDim";
  readonly name?: Ident;
}

export interface ListType extends Node {
  readonly kind: "ListType";
  readonly element: TypeExpr;
}

export interface TupleType extends Node {
  readonly kind: "TupleType";
  readonly elements: readonly TypeExpr[];
}

export interface FnType extends Node {
  readonly kind: "FnType";
}

// ── Expressions ───────────────────────────────────────────────────────────────────────
export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | Ident
  | Binary
  | Unary
  | Call
  | Index
  | Member
  | Lambda
  | IfExpr
  | ListExpr
  | Comprehension
  | TupleExpr
  | RecordExpr
  | Missing;

export interface NumberLit extends Node {
  readonly kind: "NumberLit";
  /** The literal as written (`1_000`, `1e-3`), kept so printing reproduces it. */
  readonly raw: string;
  readonly value: number;
  readonly isFloat: boolean;
}

export interface StringLit extends Node {
  readonly kind: "StringLit";
  readonly value: string;
}

export interface BoolLit extends Node {
  readonly kind: "BoolLit";
  readonly value: boolean;
}

export type BinaryOp = "|>" | "or" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "@" | "**";

export interface Binary extends Node {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface Unary extends Node {
  readonly kind: "Unary";
  readonly op: "-" | "not";
  readonly operand: Expr;
}

export interface Argument extends Node {
  readonly kind: "Argument";
  readonly name?: Ident;
  readonly value: Expr;
}

export interface Call extends Node {
  readonly kind: "Call";
  readonly callee: Expr;
  readonly args: readonly Argument[];
}

export type Subscript = Expr | Slice | EllipsisIndex;

export interface Slice extends Node {
  readonly kind: "Slice";
  readonly start?: Expr;
  readonly stop?: Expr;
  readonly step?: Expr;
}

export interface EllipsisIndex extends Node {
  readonly kind: "EllipsisIndex";
}

export interface Index extends Node {
  readonly kind: "Index";
  readonly target: Expr;
  readonly subscripts: readonly Subscript[];
}

export interface Member extends Node {
  readonly kind: "Member";
  readonly target: Expr;
  readonly name: Ident | Missing;
}

export interface Lambda extends Node {
  readonly kind: "Lambda";
  readonly params: readonly Param[];
  readonly body: Expr;
}

export interface IfExpr extends Node {
  readonly kind: "IfExpr";
  readonly condition: Expr;
  readonly then: Expr;
  readonly else: Expr;
}

export interface ListExpr extends Node {
  readonly kind: "ListExpr";
  readonly elements: readonly Expr[];
}

export interface CompClause extends Node {
  readonly kind: "CompClause";
  readonly pattern: Pattern;
  readonly iterable: Expr;
  readonly condition?: Expr;
}

export interface Comprehension extends Node {
  readonly kind: "Comprehension";
  readonly element: Expr;
  readonly clauses: readonly CompClause[];
}

export interface TupleExpr extends Node {
  readonly kind: "TupleExpr";
  readonly elements: readonly Expr[];
}

export interface RecordField extends Node {
  readonly kind: "RecordField";
  /** The key; `quoted` when written as a string (a key that is not a name, such as `"user_tower.0"`). */
  readonly name: Ident;
  readonly quoted?: true;
  readonly value: Expr;
}

export interface RecordExpr extends Node {
  readonly kind: "RecordExpr";
  readonly fields: readonly RecordField[];
}

/** Binding strength of binary operators; higher binds tighter. The printer and spec read it. */
export const PRECEDENCE: Record<BinaryOp, number> = {
  "|>": 1,
  or: 2,
  and: 3,
  "==": 5,
  "!=": 5,
  "<": 5,
  "<=": 5,
  ">": 5,
  ">=": 5,
  "+": 6,
  "-": 6,
  "*": 7,
  "/": 7,
  "%": 7,
  "@": 7,
  "**": 9,
};
/** `not` sits at 4 (between `and` and comparisons); unary minus at 8 (below `**`). */
export const NOT_PRECEDENCE = 4;
export const NEGATE_PRECEDENCE = 8;
