// Elaborating one model: its dims, params (with overrides), inputs, bindings and outputs, in
// a lazy scope; then the model-level rules (losses are scalars, heads depend on inputs,
// nothing unused, causal attention for next-item prediction, parameters fit in memory).

import { trainsOnAttendedSequence } from "./target-leak.js";
import { lookupGradientBytes, trainsSparsely } from "./sparse-gradients.js";
import { totalmem } from "node:os";
import { checkTrainBlocks } from "./train-checks.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../source/source-file.js";
import { symDim } from "../types/dims.js";
import { newModelState, type Elaborator, type EvalContext, type WeightInfo } from "./elaborate.js";
import type { Env } from "./env.js";
import { matchValue, mismatchFacts, newVars, patternOf, patternText, tensorOfPattern } from "./type-patterns.js";
import { dtypeName, printShape, type TensorType } from "../types/tensor-type.js";
import { POISON, type Value } from "./values.js";
import type { Attr, IrModel, IrOutput } from "../ir/ir.js";
import { attrOf } from "./attrs-of.js";
import { positiveSizes } from "./instances.js";
import { evaluateDim, type Dim } from "../types/dims.js";
import { activationBytes } from "../ir/cost.js";
import { numel } from "../types/tensor-type.js";
import { checkDataSchema, type CheckedSchema } from "./schema.js";
import { checkWorld } from "./world-check.js";
import { checkConstantSources, type SettingValue } from "./constant-inputs.js";

export interface ModelOutput {
  readonly role: A.Role;
  readonly name: string;
  readonly type?: TensorType;
}

export interface ElaboratedModel {
  readonly name: string;
  readonly file: string;
  readonly decl: A.ModelDecl;
  readonly dims: readonly string[];
  readonly params: ReadonlyMap<string, Value>;
  readonly inputs: readonly { name: string; type: TensorType; constant?: true }[];
  readonly outputs: readonly ModelOutput[];
  readonly weights: readonly WeightInfo[];
  /** The model as a graph: every op it evaluates, and its outputs by role. */
  readonly graph: IrModel;
  /** The optimizer state slots per weight, by group, from the first `train` block. */
  /** Optimizer state slots per weight by group, and whether lookup-only tables train sparsely (sparse-gradients.ts). */
  readonly optimizerSlots: OptimizerSlots;
  /** The evaluated `train` blocks, in order (multi-stage training has several). */
  readonly train: readonly TrainStage[];
  /** The data schemas the train blocks read files with, checked against the inputs. */
  readonly schemas: readonly CheckedSchema[];
  /** Every name the model binds (params, inputs, lets, outputs) with its value and where it is declared (editors' hovers and hints). */
  readonly bindings: readonly { readonly name: string; readonly span: Span; readonly value: Value }[];
}

/** `--set name=value` overrides, already parsed into values by the caller. */
export type Overrides = ReadonlyMap<
  string,
  { value: Value; text: string; /** A name of the file (a fn or reward), for a param whose default is one. */ byName?: A.Ident }
>;

export function elaborateModel(el: Elaborator, decl: A.ModelDecl, fileEnv: Env, file: string, overrides: Overrides): ElaboratedModel {
  const model = newModelState();
  const errorsBefore = el.diagnostics.filter((d) => d.severity === "error").length;
  const env = fileEnv.child();
  const name = decl.name.kind === "Ident" ? decl.name.name : "model";
  const base: EvalContext = { file, path: "", bindName: false, model };
  const define = (ident: A.Ident | A.Missing, slot: Parameters<Env["define"]>[1]) => {
    if (ident.kind !== "Ident") return;
    if (env.has(ident.name)) el.report(base, "REC3006", ident.span, { name: ident.name });
    else env.define(ident.name, slot);
  };
  const dims: string[] = [];
  const inputs: { name: string; decl: A.InputDecl }[] = [];
  const params = new Map<string, Value>();

  for (const member of decl.members) {
    switch (member.kind) {
      case "DimsDecl":
        for (const d of member.names) {
          dims.push(d.name);
          el.unifier.declared.set(d.name, d.span);
          el.declaredIn.set(d.name, file);
          define(d, { state: "ready", value: { kind: "int", dim: symDim(d.name), name: d.name }, span: d.span, used: true, kind: "dims" });
        }
        break;
      case "ParamDecl":
        for (const item of member.items) {
          if (item.name.kind !== "Ident") continue;
          const pname = item.name.name;
          const expr = item.default;
          define(item.name, {
            state: "pending",
            compute: () => {
              const override = overrides.get(pname);
              // `--set utility=CtrOnly` for `param utility = Composite`: the name is looked up in the model's scope.
              const value = override?.byName
                ? el.evalExpr({ ...override.byName, span: expr?.span ?? override.byName.span }, env, base)
                : override
                  ? override.value
                  : expr
                    ? el.evalExpr(expr, env, base)
                    : POISON;
              const named = value.kind === "int" ? { ...value, name: pname } : value;
              params.set(pname, named);
              return named;
            },
            span: item.name.span,
            used: true,
            kind: "param",
          });
        }
        break;
      case "InputDecl":
        if (member.name.kind !== "Ident") break;
        inputs.push({ name: member.name.name, decl: member });
        {
          const iname = member.name.name;
          define(member.name, {
            state: "pending",
            compute: () => {
              const type = tensorOfPattern(patternOf(member.type, env, newVars(false), el, base));
              if (!type) return POISON;
              const resolved = { ...type, shape: type.shape.map((d) => el.unifier.resolve(d)) };
              if (!positiveSizes(el, base, resolved, member.type.span, `the input \`${iname}\``)) return POISON;
              const attrs = new Map<string, Attr>([["name", { kind: "string", value: iname }]]);
              if (member.constant) attrs.set("constant", { kind: "bool", value: true });
              const node = model.graph.add("input", [], attrs, resolved, el.locOf(file, member.span));
              return { kind: "tensor", type: resolved, inputs: new Set([iname]), trainable: false, node };
            },
            span: member.name.span,
            used: false,
            kind: "input",
          });
        }
        break;
      case "LetDecl":
        defineLet(el, member, env, base, define);
        break;
      case "RoleDecl": {
        const rname = member.name.kind === "Ident" ? member.name.name : "";
        const value = member.value;
        define(member.name, {
          state: "pending",
          compute: () => declared(el, member.type, el.evalExpr(value, env, { ...base, path: rname, bindName: true, role: member.role }), value, env, base),
          source: { expr: value, env },
          span: member.name.span,
          used: true,
          kind: "role",
        });
        break;
      }
      case "TrainDecl":
        break;
    }
  }

  // Evaluate everything: outputs first (in order), then whatever nothing reached.
  const outputs: ModelOutput[] = [];
  const graphOutputs: IrOutput[] = [];
  for (const member of decl.members) {
    if (member.kind !== "RoleDecl" || member.name.kind !== "Ident") continue;
    const value = el.lookup(member.name.name, env, member.name.span, base);
    const type = value.kind === "tensor" ? value.type : undefined;
    outputs.push({ role: member.role, name: member.name.name, ...(type ? { type } : {}) });
    if (value.kind === "tensor" && value.node !== undefined) graphOutputs.push({ role: member.role, name: member.name.name, node: value.node });
    checkRole(el, member, value, base);
  }
  for (const name of [...env.ownNames()]) {
    const slot = env.ownSlot(name)!;
    if (slot.state === "pending") el.force(name, slot, slot.span ?? decl.span, base);
  }
  for (const [state, update] of model.updates) graphOutputs.push({ role: "update", name: state, node: update.node });
  const { slots: optimizerSlots, stages: train, data, constants } = trainSettings(el, decl, env, base);

  // After an error in this model, an expression that stopped early may be the one use of a
  // name: "never used" would be a second, bogus diagnostic for the one mistake.
  const failed = el.diagnostics.filter((d) => d.severity === "error").length > errorsBefore;
  for (const name of failed ? [] : env.ownNames()) {
    const slot = env.ownSlot(name)!;
    if (slot.used || name.startsWith("_") || !slot.span) continue;
    if (slot.state === "ready" && slot.value.kind === "poison") continue; // Already reported.
    if (slot.kind === "let") el.report(base, "REC3007", slot.span, { name });
    if (slot.kind === "input") el.report(base, "REC3008", slot.span, { name });
  }
  // Next-item prediction is told by a loss's or head's name (a metric's name does not train), or
  // by a loss whose targets come from the sequence its unmasked attention reads (target-leak.ts).
  const namedNext = outputs.some((o) => o.role !== "metric" && /next/i.test(o.name));
  const losses = graphOutputs.filter((o) => o.role === "loss").map((o) => o.node);
  for (const at of model.nonCausal) {
    const leaks = at.node !== undefined && losses.some((loss) => trainsOnAttendedSequence(model.graph, at.node!, loss));
    if (namedNext || leaks) el.report({ file: at.file }, "REC2009", at.span);
  }
  const graph = model.graph.build(name, dims, graphOutputs, (d) => el.unifier.resolve(d));
  checkMemory(el, model.weights, graph, optimizerSlots, train, decl, base);
  checkTrainBlocks(
    el,
    decl,
    train,
    model.weights,
    inputs.map((i) => i.name),
    base,
  );

  const inputTypes = inputs.flatMap(({ name: iname, decl: input }) => {
    const slot = env.ownSlot(iname);
    return slot?.state === "ready" && slot.value.kind === "tensor"
      ? [{ name: iname, type: slot.value.type, ...(input.constant ? { constant: true as const } : {}) }]
      : [];
  });
  // Batches feed the batched inputs; a `constants = csv(…)` file (or the world's whole fields) the constant ones.
  const batched = inputTypes.filter((i) => !i.constant);
  const schemas = new Map<string, CheckedSchema>();
  for (const setting of data) {
    const checked = checkDataSchema(el, setting.value, setting.span, env, batched, base);
    if (checked) schemas.set(checked.plan.name, checked);
    checkWorld(el, setting.value, setting.span, inputTypes, decl, base);
  }
  for (const checked of checkConstantSources(el, decl, env, inputTypes, data, constants, base)) schemas.set(checked.plan.name, checked);
  return {
    name,
    file,
    decl,
    dims,
    params,
    inputs: inputTypes,
    outputs,
    weights: model.weights,
    graph,
    optimizerSlots,
    train,
    schemas: [...schemas.values()],
    bindings: [...env.ownNames()].flatMap((n) => {
      const slot = env.ownSlot(n)!;
      return slot.state === "ready" && slot.span ? [{ name: n, span: slot.span, value: slot.value }] : [];
    }),
  };
}

function defineLet(el: Elaborator, member: A.LetDecl, env: Env, base: EvalContext, define: (i: A.Ident | A.Missing, s: Parameters<Env["define"]>[1]) => void) {
  const pattern = member.pattern;
  if (pattern.kind === "Ident") {
    define(pattern, {
      state: "pending",
      compute: () => declared(el, member.type, el.evalExpr(member.value, env, { ...base, path: pattern.name, bindName: true }), member.value, env, base),
      source: { expr: member.value, env },
      span: pattern.span,
      used: pattern.name.startsWith("_"),
      kind: "let",
    });
    return;
  }
  // A destructuring `let (a, b) = …`: evaluate once, hand each name its part.
  let whole: Value | undefined;
  const names: A.Ident[] = [];
  const collect = (p: A.Pattern) => (p.kind === "Ident" ? names.push(p) : p.kind === "TuplePattern" ? p.elements.forEach(collect) : undefined);
  collect(pattern);
  for (const ident of names) {
    define(ident, {
      state: "pending",
      compute: () => {
        whole ??= el.evalExpr(member.value, env, { ...base, path: ident.name, bindName: false });
        const scratch = env.child();
        el.bindPattern(pattern, whole, scratch, base, "arg");
        const slot = scratch.ownSlot(ident.name);
        return slot?.state === "ready" ? slot.value : POISON;
      },
      span: ident.span,
      used: ident.name.startsWith("_"),
      kind: "let",
    });
  }
}

/** Checks a value against the type written on its binding (`head score: f32[B, B] = …`). */
function declared(el: Elaborator, type: A.TypeExpr | undefined, value: Value, expr: A.Expr, env: Env, ctx: EvalContext): Value {
  if (!type || value.kind === "poison") return value;
  const pattern = patternOf(type, env, newVars(false), el, ctx);
  const failure = matchValue(value, pattern, newVars(false), el);
  if (failure) {
    const found = value.kind === "tensor" ? `${dtypeName(value.type)}${printShape(value.type.shape)}` : value.kind;
    el.report(ctx, "REC2016", expr.span, { what: "this value", found, declared: patternText(pattern), ...mismatchFacts(failure) }, [
      { span: type.span, message: `declared as ${patternText(pattern)}` },
    ]);
    return POISON;
  }
  return value;
}

function checkRole(el: Elaborator, member: A.RoleDecl, value: Value, ctx: EvalContext) {
  if (value.kind !== "tensor") return;
  const name = member.name.kind === "Ident" ? member.name.name : "";
  if (member.role === "loss" && (value.type.shape.length !== 0 || value.type.dtype !== "f32")) {
    el.report(ctx, "REC2006", member.value.span, { name, found: `${dtypeName(value.type)}${printShape(value.type.shape)}` });
  }
  if (member.role === "head" && value.inputs.size === 0) {
    el.report(ctx, "REC2014", member.value.span, { name });
  }
}

/** The settings of one `train` block, evaluated: values as IR attributes, blocks nested. */
export interface TrainStage {
  readonly name?: string;
  readonly settings: TrainSettings;
}
export type TrainSettings = ReadonlyMap<string, Attr | TrainSettings>;

export interface OptimizerSlots {
  readonly dense: number;
  readonly embedding: number;
  readonly sparseEmbedding: boolean;
}

/** `rowwise_adagrad`'s slots: one float of state per table row, not per weight. */
export const ROW_SLOT = -1;

/** The optimizer state of one weight of `bytes` bytes under `slots` slots per weight (or ROW_SLOT). */
export function optimizerStateBytes(slots: number, bytes: number, shape: readonly Dim[]): number {
  if (slots !== ROW_SLOT) return bytes * slots;
  return bytes / (evaluateDim(numel(shape.slice(1)), () => undefined) ?? 1);
}

/** Evaluates every `train` block; the first one decides the optimizer state slots per group. */
function trainSettings(
  el: Elaborator,
  decl: A.ModelDecl,
  env: Env,
  base: EvalContext,
): { slots: OptimizerSlots; stages: TrainStage[]; data: SettingValue[]; constants: SettingValue[] } {
  const data: SettingValue[] = [];
  const constants: SettingValue[] = [];
  const slotsOf = (v: Value | undefined) => {
    if (!v || v.kind !== "config") return undefined;
    if (v.name === "adam" || v.name === "adamw" || v.name === "lazy_adam") return 2;
    if (v.name === "adagrad") return 1;
    if (v.name === "rowwise_adagrad") return ROW_SLOT;
    if (v.name === "sgd") {
      const m = v.args.get("momentum");
      return m && ((m.kind === "float" && m.value !== 0) || m.kind === "int") ? 1 : 0;
    }
    return undefined;
  };
  const stageNames = decl.members.flatMap((m) => (m.kind === "TrainDecl" && m.name ? [m.name.name] : []));
  const scope = env.child();
  for (const stage of stageNames) scope.define(stage, { state: "ready", value: { kind: "string", value: stage }, used: true, kind: "decl" });
  const visit = (settings: readonly A.Setting[], raw: Map<string, Value>): TrainSettings => {
    const out = new Map<string, Attr | TrainSettings>();
    for (const s of settings) {
      if (s.value.kind === "SettingsBlock") out.set(s.name.name, visit(s.value.settings, new Map()));
      else {
        const value = el.evalExpr(s.value, scope, base);
        raw.set(s.name.name, value);
        if (s.name.name === "data") data.push({ value, span: s.value.span });
        if (s.name.name === "constants") {
          // `constants = [csv(…), parquet(…)]`: several files, each checked against its own schema.
          if (value.kind === "list" && s.value.kind === "ListExpr")
            value.items.forEach((item, i) => constants.push({ value: item, span: (s.value as A.ListExpr).elements[i]?.span ?? s.value.span }));
          else constants.push({ value, span: s.value.span });
        }
        const attr = value.kind === "record" ? undefined : attrOf(value);
        if (attr) out.set(s.name.name, attr);
        else if (value.kind === "record") out.set(s.name.name, new Map([...value.fields].flatMap(([k, v]) => (attrOf(v) ? [[k, attrOf(v)!]] : []))));
      }
    }
    return out;
  };
  const stages: TrainStage[] = [];
  let slots: OptimizerSlots | undefined;
  for (const m of decl.members) {
    if (m.kind !== "TrainDecl") continue;
    const raw = new Map<string, Value>();
    stages.push({ ...(m.name ? { name: m.name.name } : {}), settings: visit(m.settings, raw) });
    if (!slots) {
      const dense = slotsOf(raw.get("optimizer")) ?? 2;
      const embeddings = raw.get("embeddings") ?? raw.get("optimizer");
      const pipeline = stages[0]!.settings.get("gradients");
      const piped = pipeline instanceof Map && (pipeline.get("enabled") as { value?: unknown } | undefined)?.value !== false;
      const config =
        embeddings?.kind === "config"
          ? { name: embeddings.name, args: new Map([...embeddings.args].map(([k, v]) => [k, { kind: v.kind, value: "value" in v ? v.value : undefined }])) }
          : undefined;
      slots = { dense, embedding: slotsOf(raw.get("embeddings")) ?? dense, sparseEmbedding: trainsSparsely(config, piped) };
    }
  }
  return { slots: slots ?? { dense: 2, embedding: 2, sparseEmbedding: false }, stages, data, constants };
}

/**
 * What training allocates, against this machine's memory (REC2015): the weights, their gradients
 * (whole, but for a table trained sparsely the rows a batch looks up: sparse-gradients.ts), the optimizer's state (slots per weight by group), and the
 * values of one forward pass at the first train block's batch size, kept for the backward pass
 * and matched by as many gradients (counted when every dimension but the batch is known).
 */
function checkMemory(
  el: Elaborator,
  weights: readonly WeightInfo[],
  graph: IrModel,
  slots: OptimizerSlots,
  train: readonly TrainStage[],
  decl: A.ModelDecl,
  ctx: EvalContext,
) {
  const batch = trainBatchSize(train);
  const sparse = slots.sparseEmbedding ? lookupGradientBytes(graph, batch) : new Map<string, number>();
  let weightBytes = 0;
  let gradientBytes = 0;
  let stateBytes = 0;
  let largest: WeightInfo | undefined;
  let largestBytes = 0;
  for (const w of weights) {
    const count = evaluateDim(numel(w.type.shape), () => undefined);
    if (count === undefined) continue;
    const bytes = count * 4;
    weightBytes += bytes;
    gradientBytes += w.group === "embedding" ? (sparse.get(w.path) ?? bytes) : bytes;
    stateBytes += optimizerStateBytes(w.group === "embedding" ? slots.embedding : w.group === "state" ? 0 : slots.dense, bytes, w.type.shape);
    if (bytes > largestBytes) {
      largestBytes = bytes;
      largest = w;
    }
  }
  const batchDim = graph.dims[0];
  const activations = evaluateDim(activationBytes(graph), (s) => (s === batchDim ? batch : undefined)) ?? 0;
  const needed = weightBytes + gradientBytes + stateBytes + activations * 2;
  const available = totalmem();
  if (needed > available && largest) {
    el.report(ctx, "REC2015", decl.name.span, {
      needed: formatBytes(needed),
      available: formatBytes(available),
      weights: formatBytes(weightBytes),
      gradients: formatBytes(gradientBytes),
      state: formatBytes(stateBytes),
      ...(activations ? { batch: String(batch), values: formatBytes(activations * 2) } : {}),
      largest: largest.path,
      shape: printShape(largest.type.shape),
      size: formatBytes(largestBytes),
    });
  }
}

/** The first train block's batch size (64 where it is not a known number). */
export function trainBatchSize(train: readonly TrainStage[]): number {
  const batchAttr = train[0]?.settings.get("batch");
  return batchAttr && "kind" in batchAttr && batchAttr.kind === "int" ? (evaluateDim(batchAttr.dim as Dim, () => undefined) ?? 64) : 64;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
