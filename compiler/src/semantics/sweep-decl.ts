// Reading and checking `sweep` declarations (spec/language.md §3.8): a declaration's syntax tree
// and its file's models → the sweep's search space typed against the model's params, its search,
// metric, seeds and cost constraint, or diagnostics with spans (REC3021–REC3023). Nothing is
// compiled per point here: compiler/src/sweep/plan-sweep.ts enumerates the points, compiles
// each and applies the constraint; `rec sweep` trains them.

import type { Span } from "../source/source-file.js";
import { quoteList, suggest } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { printExpr } from "../syntax/printer.js";
import { setting } from "./experiment-decl.js";

/** What a param's default (or a space value) is: the kinds `--set` distinguishes. */
export type ValueKind = "int" | "float" | "bool" | "string" | "list" | "name";

/** One value of an axis, as `--set` takes it, with its kind. */
export interface AxisValue {
  readonly text: string;
  readonly kind: ValueKind;
  readonly number?: number;
}

/** One param the sweep varies: a list of values, or a continuous range (random search only). */
export interface SweepAxis {
  readonly param: string;
  readonly span: Span;
  readonly values?: readonly AxisValue[];
  readonly range?: { readonly low: number; readonly high: number; readonly log: boolean; readonly integer: boolean };
}

export type SearchKind = "grid" | "random" | "halving";

/** The cost model's quantities a `where` constraint may name. */
export const COST_NAMES: Readonly<Record<string, string>> = {
  params: "the parameter count",
  memory: "the bytes training needs (weights, gradients, optimizer state)",
  flops: "forward FLOPs per example",
  step_ms: "the measured milliseconds of one training step",
};

export interface SweepSpec {
  readonly name: string;
  readonly span: Span;
  readonly file: string;
  readonly model: string;
  readonly axes: readonly SweepAxis[];
  readonly search: SearchKind;
  /** Points drawn by random search and successive halving (absent: the whole grid). */
  readonly points?: number;
  /** The seed of the draws. */
  readonly seed: number;
  /** Successive halving: keep 1/eta of the points per round, training eta times longer. */
  readonly eta: number;
  readonly minSteps?: number;
  readonly metric: string;
  readonly mode: "max" | "min";
  /** Training seeds per point (the metric is their mean). */
  readonly seeds: readonly number[];
  readonly steps?: number;
  readonly where?: A.Expr;
  /** Sizes of the model's symbolic dims (beyond the batch) for costs per example. */
  readonly dims: Readonly<Record<string, number>>;
}

/** The reporting side of the checker, so this file needs no elaborator. */
export type Report = (code: string, span: Span, args?: Record<string, string>) => void;

/** What the checker knows of a model: its params' defaults, its metrics, its file's top-level names. */
export interface SweepTarget {
  readonly name: string;
  readonly params: ReadonlyMap<string, A.Expr | undefined>;
  readonly metrics: readonly string[];
}

/** Reads a sweep and checks it against its file's models; undefined after an error. */
export function readSweep(
  decl: A.SweepDecl,
  file: string,
  models: readonly SweepTarget[],
  topNames: ReadonlySet<string>,
  report: Report,
): SweepSpec | undefined {
  let failed = false;
  const fail: Report = (code, span, args) => {
    failed = true;
    report(code, span, args);
  };
  const get = (key: string) => setting(decl.settings, key);
  /** A setting that is not what the sweep takes: `expects` keys REC3023's catalog (sweep-diagnostics.ts). */
  const bad = (node: A.Node, name: string, expects: string, facts: Record<string, string> = {}) => fail("REC3023", node.span, { name, expects, ...facts });
  const integerOf = (key: string, min: number): number | undefined => {
    const node = get(key);
    if (node === undefined) return undefined;
    const n = numberOf(node);
    if (n === undefined || !Number.isInteger(n) || n < min) return void bad(node, key, "whole", { min: String(min) });
    return n;
  };

  const modelNode = get("model");
  const target = modelNode?.kind === "Ident" ? models.find((m) => m.name === modelNode.name) : undefined;
  if (!modelNode || modelNode.kind !== "Ident") return void bad(modelNode ?? decl.name, "model", "model");
  if (!target)
    return void missing(
      fail,
      modelNode,
      "model",
      modelNode.name,
      models.map((m) => m.name),
    );

  const searchNode = get("search");
  const search =
    searchNode === undefined
      ? "grid"
      : searchNode.kind === "StringLit" && ["grid", "random", "halving"].includes(searchNode.value)
        ? (searchNode.value as SearchKind)
        : undefined;
  if (!search) return void bad(searchNode!, "search", "search");

  const space = get("space");
  if (space?.kind !== "SettingsBlock" || space.settings.length === 0) return void bad(space ?? decl.name, "space", "space");
  const axes: SweepAxis[] = [];
  for (const entry of space.settings) {
    const param = entry.name.name;
    if (!target.params.has(param)) {
      missing(fail, entry.name, "param", param, [...target.params.keys()], target.name);
      continue;
    }
    if (entry.value.kind === "SettingsBlock") {
      bad(entry.value, param, "values");
      continue;
    }
    const axis = readAxis(param, entry.value, (node, expects, facts) => bad(node, param, expects, facts));
    if (!axis) continue;
    const expected = kindOfExpr(target.params.get(param));
    for (const [i, value] of (axis.values ?? []).entries()) {
      const node = entry.value.kind === "ListExpr" ? (entry.value.elements[i] ?? entry.value) : entry.value;
      const fits = expected === undefined || value.kind === expected || (expected === "float" && value.kind === "int");
      if (!fits) fail("REC3022", node.span, { param, expected: KIND_WORDS[expected!], found: `${KIND_WORDS[value.kind]} \`${value.text}\`` });
      else if (value.kind === "name" && !topNames.has(value.text)) missing(fail, node, "callable", value.text, [...topNames]);
    }
    if (axis.range && expected !== undefined && expected !== "float" && !(expected === "int" && axis.range.integer)) {
      fail("REC3022", entry.value.span, { param, expected: KIND_WORDS[expected], found: "a range of floats" });
    }
    if (axis.range && search === "grid") bad(entry.value, param, "grid-values");
    axes.push(axis);
  }

  const metricNode = get("metric");
  if (metricNode?.kind !== "StringLit") return void bad(metricNode ?? decl.name, "metric", "metric", { example: target.metrics[0] ?? "auc" });
  if (!target.metrics.includes(metricNode.value)) missing(fail, metricNode, "metric", metricNode.value, target.metrics, target.name);
  const modeNode = get("mode");
  const mode =
    modeNode === undefined ? "max" : modeNode.kind === "StringLit" && (modeNode.value === "max" || modeNode.value === "min") ? modeNode.value : undefined;
  if (!mode) bad(modeNode!, "mode", "mode");

  const seedsNode = get("seeds");
  const seeds = seedsNode === undefined ? [1] : seedsNode.kind === "ListExpr" ? seedsNode.elements.map((e) => numberOf(e)) : [];
  if (seeds.length === 0 || seeds.some((s) => s === undefined || !Number.isInteger(s) || s < 0)) bad(seedsNode!, "seeds", "seeds");

  const points = integerOf("points", 1);
  if (search === "random" && points === undefined && !failed) bad(decl.name, "points", "random-points");
  if (search !== "grid" && points === undefined && axes.some((a) => a.range)) bad(decl.name, "points", "range-points");
  const steps = integerOf("steps", 1);
  const minSteps = integerOf("min_steps", 1);
  const eta = integerOf("eta", 2) ?? 3;
  const seed = integerOf("seed", 0) ?? 1;
  if (search === "halving" && steps === undefined && !failed) bad(decl.name, "steps", "halving-steps");

  const dims: Record<string, number> = {};
  const dimsNode = get("dims");
  if (dimsNode?.kind === "SettingsBlock") {
    for (const d of dimsNode.settings) {
      const n = d.value.kind === "SettingsBlock" ? undefined : numberOf(d.value);
      if (n === undefined || !Number.isInteger(n) || n < 1) bad(d.value, `dims.${d.name.name}`, "positive");
      else dims[d.name.name] = n;
    }
  } else if (dimsNode) bad(dimsNode, "dims", "dims");

  const where = get("where");
  if (where?.kind === "SettingsBlock") bad(where, "where", "where");
  else if (where) checkConstraint(where, bad);

  if (failed) return undefined;
  const name = decl.name.kind === "Ident" ? decl.name.name : "sweep";
  return {
    name,
    span: decl.span,
    file,
    model: target.name,
    axes,
    search,
    ...(points !== undefined ? { points } : {}),
    seed,
    eta,
    ...(minSteps !== undefined ? { minSteps } : {}),
    metric: metricNode.value,
    mode: mode!,
    seeds: seeds as number[],
    ...(steps !== undefined ? { steps } : {}),
    ...(where && where.kind !== "SettingsBlock" ? { where } : {}),
    dims,
  };
}

const KIND_WORDS: Record<ValueKind, string> = {
  int: "an int",
  float: "a float",
  bool: "a bool",
  string: "a string",
  list: "a list",
  name: "a name of this file",
};

/** A name the sweep uses that is not what it should be (`kind`: a key of REC3021's catalog entry; `of`: whose). */
function missing(report: Report, node: A.Node, kind: string, name: string, known: readonly string[], of = "") {
  const [suggestion] = suggest(name, known, 1);
  report("REC3021", node.span, { kind, of, name, known: known.length ? quoteList(known.slice(0, 12), "and") : "none", ...(suggestion ? { suggestion } : {}) });
}

/** A number literal, negated or not. */
function numberOf(e: A.Expr | A.SettingsBlock): number | undefined {
  if (e.kind === "NumberLit") return e.value;
  if (e.kind === "Unary" && e.op === "-") {
    const n = numberOf(e.operand);
    return n === undefined ? undefined : -n;
  }
  return undefined;
}

function isFloatLiteral(e: A.Expr): boolean {
  return e.kind === "NumberLit" ? e.isFloat : e.kind === "Unary" ? isFloatLiteral(e.operand) : false;
}

/** The kind of a constant expression (a param's default or a space value); undefined: not a constant. */
function kindOfExpr(e: A.Expr | undefined): ValueKind | undefined {
  if (!e) return undefined;
  if (numberOf(e) !== undefined) return isFloatLiteral(e) ? "float" : "int";
  if (e.kind === "StringLit") return "string";
  if (e.kind === "BoolLit") return "bool";
  if (e.kind === "Ident") return "name";
  if (e.kind === "ListExpr") return "list";
  return undefined;
}

/** One value of an axis written in the source: a constant, or the name of a module, fn or reward. */
function constantValue(e: A.Expr): AxisValue | undefined {
  const kind = kindOfExpr(e);
  if (kind === undefined || (kind === "list" && (e as A.ListExpr).elements.some((x) => kindOfExpr(x) === undefined))) return undefined;
  const n = numberOf(e);
  return { text: printExpr(e), kind, ...(n !== undefined ? { number: n } : {}) };
}

/** The text `--set` takes for a generated number: floats keep a point, so an int param refuses them. */
export function numberText(n: number, integer: boolean): string {
  if (integer) return String(Math.round(n));
  const text = String(Number(n.toPrecision(6)));
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** An axis from its values: a list, `range(a, b[, step])`, `log_range(a, b, n)`, `uniform(a, b)`, `log_uniform(a, b)` or one constant. */
function readAxis(param: string, e: A.Expr, bad: (node: A.Node, expects: string, facts?: Record<string, string>) => void): SweepAxis | undefined {
  if (e.kind === "ListExpr") {
    if (e.elements.length === 0) return void bad(e, "some-value");
    const values: AxisValue[] = [];
    for (const element of e.elements) {
      const value = constantValue(element);
      if (!value) return void bad(element, "constant-value");
      values.push(value);
    }
    return { param, span: e.span, values };
  }
  if (e.kind === "Call" && e.callee.kind === "Ident") {
    const fn = e.callee.name;
    const args = e.args.map((a) => numberOf(a.value));
    const integer = e.args.every((a) => !isFloatLiteral(a.value));
    if (args.some((a) => a === undefined)) return void bad(e, "numeric-args", { fn });
    const [a, b, c] = args as number[];
    if (fn === "range" && (args.length === 2 || args.length === 3) && integer) {
      const step = c ?? 1;
      if (step <= 0 || b! <= a!) return void bad(e, "range");
      const values: AxisValue[] = [];
      for (let v = a!; v < b!; v += step) values.push({ text: String(v), kind: "int", number: v });
      return { param, span: e.span, values };
    }
    if (fn === "log_range" && args.length === 3) {
      if (!(a! > 0 && b! > a! && Number.isInteger(c) && c! >= 2)) return void bad(e, "log-range");
      const numbers = Array.from({ length: c! }, (_, i) => Math.exp(Math.log(a!) + ((Math.log(b!) - Math.log(a!)) * i) / (c! - 1)));
      const texts = [...new Set(numbers.map((n) => numberText(n, integer)))];
      return { param, span: e.span, values: texts.map((text) => ({ text, kind: integer ? "int" : "float", number: Number(text) })) };
    }
    if ((fn === "uniform" || fn === "log_uniform") && args.length === 2) {
      if (!(b! > a! && (fn === "uniform" || a! > 0))) return void bad(e, "uniform", { fn });
      return { param, span: e.span, range: { low: a!, high: b!, log: fn === "log_uniform", integer } };
    }
    return void bad(e, "axis-call");
  }
  const value = constantValue(e);
  if (!value) return void bad(e, "axis");
  return { param, span: e.span, values: [value] };
}

/** A constraint uses numbers, the cost names, comparisons, arithmetic, `and`, `or` and `not`. */
function checkConstraint(e: A.Expr, bad: (node: A.Node, name: string, expects: string, facts?: Record<string, string>) => void): void {
  const walk = (x: A.Expr): void => {
    if (x.kind === "Ident") {
      if (!(x.name in COST_NAMES)) bad(x, x.name, "cost", { costs: Object.keys(COST_NAMES).join(", ") });
    } else if (x.kind === "Binary" && x.op !== "|>" && x.op !== "@") [x.left, x.right].forEach(walk);
    else if (x.kind === "Unary") walk(x.operand);
    else if (x.kind !== "NumberLit") bad(x, "where", "constraint");
  };
  walk(e);
}

/** Evaluates a checked constraint for one point's costs (a cost that is unknown makes it false). */
export function meetsConstraint(e: A.Expr, costs: Readonly<Record<string, number | null | undefined>>): boolean {
  const value = (x: A.Expr): number | boolean => {
    switch (x.kind) {
      case "NumberLit":
        return x.value;
      case "Ident":
        return costs[x.name] ?? Number.NaN;
      case "Unary":
        return x.op === "not" ? !value(x.operand) : -Number(value(x.operand));
      case "Binary": {
        const [l, r] = [value(x.left), value(x.right)];
        const [a, b] = [Number(l), Number(r)];
        switch (x.op) {
          case "and":
            return Boolean(l) && Boolean(r);
          case "or":
            return Boolean(l) || Boolean(r);
          case "<":
            return a < b;
          case "<=":
            return a <= b;
          case ">":
            return a > b;
          case ">=":
            return a >= b;
          case "==":
            return a === b;
          case "!=":
            return a !== b;
          case "+":
            return a + b;
          case "-":
            return a - b;
          case "*":
            return a * b;
          case "/":
            return a / b;
          case "%":
            return a % b;
          case "**":
            return a ** b;
          default:
            return Number.NaN;
        }
      }
      default:
        return Number.NaN;
    }
  };
  return value(e) === true;
}

/** The cost names a constraint reads (step_ms costs a measurement, so it is taken only when read). */
export function costsRead(e: A.Expr | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (x: A.Expr): void => {
    if (x.kind === "Ident") out.add(x.name);
    else if (x.kind === "Binary") [x.left, x.right].forEach(walk);
    else if (x.kind === "Unary") walk(x.operand);
  };
  if (e) walk(e);
  return out;
}

/** The settings `readSweep` checks itself; the resolver leaves them alone. */
export const SWEEP_OWN_SETTINGS = new Set(["model", "space", "search", "metric", "mode", "where", "dims"]);
