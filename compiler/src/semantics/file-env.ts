// File environments: the names a file sees — the registry's primitives, dtypes and `None`,
// its imports, and its own top-level declarations — each bound lazily.

import { schemaValue } from "./schema.js";
import type * as A from "../syntax/ast.js";
import { OPS } from "../ops/index.js";
import { BUILTINS } from "./builtins/index.js";
import type { Elaborator } from "./elaborate.js";
import { Env } from "./env.js";
import type { Program } from "./program.js";
import type { Value } from "./values.js";

let builtins: Env | undefined;

/** The environment every file starts from: primitives, dtypes and `None`. */
export function builtinEnv(): Env {
  if (builtins) return builtins;
  const env = new Env();
  for (const op of [...OPS.values(), ...BUILTINS.values()])
    env.define(op.name, { state: "ready", value: { kind: "builtin", op }, used: true, kind: "builtin" });
  for (const name of ["f32", "i32", "bool"] as const) env.define(name, { state: "ready", value: { kind: "dtype", name }, used: true, kind: "builtin" });
  env.define("None", { state: "ready", value: { kind: "none" }, used: true, kind: "builtin" });
  builtins = env;
  return env;
}

export class FileEnvs {
  private readonly envs = new Map<string, Env>();

  constructor(
    private readonly program: Program,
    private readonly el: Elaborator,
  ) {}

  get(path: string): Env {
    const existing = this.envs.get(path);
    if (existing) return existing;
    const env = builtinEnv().child();
    const file = this.program.files.get(path);
    // Diagnostics name files as the user gave them (the entry) or as they were found (imports).
    env.file = file?.source.path ?? path;
    this.envs.set(path, env);
    if (!file) return env;
    const ctx = { file: file.source.path };
    const declare = (name: A.Ident | A.Missing, value: () => Value) => {
      if (name.kind !== "Ident") return;
      if (env.has(name.name)) this.el.report(ctx, "REC3006", name.span, { name: name.name });
      else env.define(name.name, { state: "pending", compute: value, span: name.span, used: true, kind: "decl" });
    };
    for (const decl of file.ast.decls) {
      switch (decl.kind) {
        case "ImportDecl":
          this.bindImport(decl, env, ctx.file);
          break;
        case "ModuleDecl":
          declare(decl.name, () => ({ kind: "module", decl, env }));
          break;
        case "FnDecl":
        case "RewardDecl":
          declare(decl.name, () => ({
            kind: "closure",
            name: decl.name.kind === "Ident" ? decl.name.name : "fn",
            params: decl.params,
            ...(decl.returns ? { returns: decl.returns } : {}),
            body: decl.body,
            env,
            isReward: decl.kind === "RewardDecl",
            span: decl.span,
          }));
          break;
        case "SchemaDecl":
          declare(decl.name, () => schemaValue(decl, ctx.file));
          break;
        case "ModelDecl":
        case "ExperimentDecl":
        case "SweepDecl":
          declare(decl.name, () => ({
            kind: "config",
            name: decl.kind === "ModelDecl" ? "model" : decl.kind === "SweepDecl" ? "sweep" : "experiment",
            args: new Map(),
          }));
          break;
      }
    }
    return env;
  }

  private bindImport(decl: A.ImportDecl, env: Env, file: string) {
    const target = this.program.importTargets.get(decl);
    if (!target || decl.path.kind !== "StringLit") return;
    const path = decl.path.value;
    if (decl.namespace) {
      env.define(decl.namespace.name, {
        state: "pending",
        compute: () => ({ kind: "namespace", path, env: this.get(target) }),
        span: decl.namespace.span,
        used: true,
        kind: "import",
      });
      return;
    }
    for (const spec of decl.names ?? []) {
      const local = spec.alias ?? spec.name;
      const name = spec.name.name;
      env.define(local.name, {
        state: "pending",
        compute: () => {
          const targetEnv = this.get(target);
          const slot = targetEnv.ownSlot(name);
          // A name the imported file does not declare was reported (REC3004) by the resolver,
          // which runs before elaboration (resolve.ts, reportMissingImports).
          if (!slot) return { kind: "poison" };
          slot.used = true;
          return this.el.force(name, slot, spec.name.span, { file });
        },
        span: local.span,
        used: true,
        kind: "import",
      });
    }
  }
}
