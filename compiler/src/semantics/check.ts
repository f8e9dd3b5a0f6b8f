// The semantic stage: a loaded program (+ overrides) → every model elaborated and checked,
// with diagnostics. Drives the elaborator over each model of the entry files, then checks the
// files' experiments against those models.

import type { WorldContracts } from "./world-check.js";
import { resolve } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { suggest } from "../diagnostics/suggest.js";
import { SourceFile } from "../source/source-file.js";
import type * as A from "../syntax/ast.js";
import { parseSource } from "../syntax/parse-source.js";
import { Elaborator, newModelState } from "./elaborate.js";
import { builtinEnv, FileEnvs } from "./file-env.js";
import { elaborateModel, type ElaboratedModel, type Overrides } from "./model.js";
import { checkExperiment } from "./experiment.js";
import { checkRollouts } from "./rollouts-check.js";
import { readSweep, type SweepTarget } from "./sweep-decl.js";
import type { Program } from "./program.js";
import { describeValue, type Value } from "./values.js";
import { declaredNames } from "./declared-names.js";

export interface CheckedProgram {
  readonly models: readonly ElaboratedModel[];
  readonly diagnostics: readonly Diagnostic[];
}

export function checkProgram(program: Program, rawOverrides: ReadonlyMap<string, string> = new Map(), worlds?: WorldContracts): CheckedProgram {
  const el = new Elaborator((path) => program.files.get(resolve(path))?.source, worlds);
  const envs = new FileEnvs(program, el);
  const overrides = parseOverrides(el, program, rawOverrides);
  const models: ElaboratedModel[] = [];
  for (const path of program.entries) {
    const file = program.files.get(path);
    if (!file) continue;
    const env = envs.get(path);
    // Imports resolve lazily; force them so a bad import is reported even if unused.
    for (const decl of file.ast.decls) {
      if (decl.kind !== "ImportDecl") continue;
      for (const spec of decl.names ?? []) {
        const local = (spec.alias ?? spec.name).name;
        const slot = env.ownSlot(local);
        if (slot) el.force(local, slot, spec.span, { file: file.source.path });
      }
    }
    const fileModels: ElaboratedModel[] = [];
    for (const decl of file.ast.decls) {
      if (decl.kind === "ModelDecl") fileModels.push(elaborateModel(el, decl, env, file.source.path, overrides));
    }
    for (const decl of file.ast.decls) if (decl.kind === "ExperimentDecl") checkExperiment(el, decl, fileModels, file.source.path);
    checkRollouts(el, fileModels, file.source.path);
    const sweeps = file.ast.decls.filter((d): d is A.SweepDecl => d.kind === "SweepDecl");
    if (sweeps.length) {
      const targets = fileModels.map(sweepTarget);
      const topNames = new Set(file.ast.decls.flatMap(declaredNames));
      for (const decl of sweeps)
        readSweep(decl, file.source.path, targets, topNames, (code, span, args) => el.report({ file: file.source.path }, code, span, args));
    }
    models.push(...fileModels);
  }
  el.flushUnusedLets();
  return { models, diagnostics: el.diagnostics };
}

/** What a sweep is checked against: a model's params with their defaults, and its metrics. */
export function sweepTarget(model: ElaboratedModel): SweepTarget {
  const params = new Map(
    model.decl.members.flatMap((m) =>
      m.kind === "ParamDecl" ? m.items.flatMap((i) => (i.name.kind === "Ident" ? [[i.name.name, i.default] as const] : [])) : [],
    ),
  );
  return { name: model.name, params, metrics: model.outputs.filter((o) => o.role === "metric").map((o) => o.name) };
}

/** Parses `--set name=value` texts as .rec expressions and checks them against the params. */
function parseOverrides(el: Elaborator, program: Program, raw: ReadonlyMap<string, string>): Overrides {
  const out = new Map<string, { value: Value; text: string; byName?: A.Ident }>();
  if (raw.size === 0) return out;
  const declared = new Map<string, { item: A.Param; file: string; model: A.ModelDecl }>();
  const models: { model: A.ModelDecl; file: string }[] = [];
  for (const path of program.entries) {
    const file = program.files.get(path);
    for (const decl of file?.ast.decls ?? []) {
      if (decl.kind !== "ModelDecl") continue;
      models.push({ model: decl, file: file!.source.path });
      for (const m of decl.members) {
        if (m.kind !== "ParamDecl") continue;
        for (const item of m.items) if (item.name.kind === "Ident") declared.set(item.name.name, { item, file: file!.source.path, model: decl });
      }
    }
  }
  for (const [name, text] of raw) {
    const target = declared.get(name);
    if (!target) {
      const first = models[0];
      if (!first) continue;
      const [suggestion] = suggest(name, [...declared.keys()], 1);
      el.report({ file: first.file }, "REC3014", first.model.name.span, {
        name,
        params: [...declared.keys()].join(", ") || "none",
        ...(suggestion ? { suggestion } : {}),
      });
      continue;
    }
    // A param whose default names a function or reward of the file takes another such name, so a
    // variant switches definitions (`--set utility=CtrOnly`) without editing the model.
    if (target.item.default?.kind === "Ident" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text.trim()) && !["true", "false", "None"].includes(text.trim())) {
      out.set(name, {
        value: { kind: "string", value: text.trim() },
        text,
        byName: { kind: "Ident", name: text.trim(), span: target.item.default.span } as A.Ident,
      });
      continue;
    }
    const value = evaluateLiteral(text);
    const dflt = target.item.default ? evaluateLiteral(target.item.default) : undefined;
    const expected = dflt ? kindOf(dflt) : "any";
    const found = value ? kindOf(value) : "not a value";
    const compatible = value && (expected === "any" || expected === found || (expected === "a float" && found === "an int"));
    if (!compatible) {
      el.report({ file: target.file }, "REC3015", target.item.span, { name, expected, found: value ? describeValue(value) : "not a valid .rec value", text });
      continue;
    }
    out.set(name, { value: value!, text });
  }
  return out;
}

function kindOf(value: Value): string {
  return value.kind === "int"
    ? "an int"
    : value.kind === "float"
      ? "a float"
      : value.kind === "bool"
        ? "a bool"
        : value.kind === "string"
          ? "a string"
          : value.kind === "list"
            ? "a list"
            : value.kind;
}

/**
 * A constant expression (`128`, `1e-3`, `"adam"`, `[64, 32]`), evaluated with no names but
 * builtins. Text from `--set` is parsed as one value: it must be exactly one expression, so text
 * that closes the wrapper and declares more (`1 } model Other { …`) is refused, not pasted in.
 */
function evaluateLiteral(source: string | A.Expr): Value | undefined {
  let expr: A.Expr;
  if (typeof source === "string") {
    const prefix = "model _ {\n  param _v = ";
    const text = source.trim();
    if (text.includes("\n")) return undefined;
    const parsed = parseSource(new SourceFile("--set", `${prefix}${text}\n}\n`));
    const decl = parsed.ast.decls[0];
    const member = decl?.kind === "ModelDecl" && decl.members.length === 1 ? decl.members[0] : undefined;
    const value = member?.kind === "ParamDecl" && member.items.length === 1 ? member.items[0]!.default : undefined;
    const whole = value !== undefined && value.span.start === prefix.length && value.span.end === prefix.length + text.length;
    if (parsed.diagnostics.length || parsed.ast.decls.length !== 1 || !whole) return undefined;
    expr = value;
  } else expr = source;
  const scratch = new Elaborator();
  const value = scratch.evalExpr(expr, builtinEnv(), { file: "--set", path: "", bindName: false, model: newModelState() });
  return scratch.diagnostics.length || value.kind === "poison" ? undefined : value;
}
