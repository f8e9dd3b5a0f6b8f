// Checking a model that learns by rollouts (`train { rollouts { environment = "Env", … } }`)
// against the environment it names, before anything runs (spec/language.md §3.9). In: the
// file's elaborated models. Out: REC2030 (the environment is missing or lacks a part, or a part
// has the wrong type: the state, the action in the catalogue's id space, the reward, the
// transition) and REC2031 (the value model reads an input no transition holds, or holds with
// another type, or has no `q` head), and REC2023 for settings outside their range.
// The runtime checks the same parts as values come back (runtime/src/rl/environment.ts).

import { constValue, printDim, type Dim } from "../types/dims.js";
import { printType, type TensorType } from "../types/tensor-type.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../source/source-file.js";
import type { Elaborator } from "./elaborate.js";
import type { ElaboratedModel } from "./model.js";
import { numberOf, stringsOf } from "./train-checks.js";
import { inputTypeSpan } from "./world-check.js";

/** The environment's inputs that are not state, and its heads by part. */
const NOT_STATE = new Set(["action", "response"]);
const PER_SESSION = ["p_response", "reward", "p_continue"];

/** Two types agree past their batch axis: dtype, rank, fixed sizes (symbolic ones match any) and id-space size. */
function agree(a: TensorType, b: TensorType): boolean {
  const same = (x: Dim, y: Dim) => {
    const [p, q] = [constValue(x), constValue(y)];
    return p === undefined || q === undefined || p === q;
  };
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
  if (!a.shape.slice(1).every((d, i) => same(d, b.shape[i + 1]!))) return false;
  return !a.space || !b.space || same(a.space.size, b.space.size);
}

/** `f32[…, 4]` with the batch axis written as `B`: what a part's type must be, in messages. */
const batched = (t: TensorType, batch: string) => printType({ ...t, shape: [{ terms: new Map([[batch, 1]]) }, ...t.shape.slice(1)] });

export function checkRollouts(el: Elaborator, models: readonly ElaboratedModel[], file: string): void {
  const ctx = { file };
  for (const model of models) {
    const settings = model.train[0]?.settings;
    const block = settings?.get("rollouts");
    if (!block || "kind" in block) continue;
    const train = model.decl.members.find((m): m is A.TrainDecl => m.kind === "TrainDecl");
    const node = train?.settings.find((s) => s.name.name === "rollouts");
    if (!node || node.value.kind !== "SettingsBlock") continue;
    const inner = node.value.settings;
    const at = (name: string): Span => inner.find((s) => s.name.name === name)?.value.span ?? node.name.span;

    /** `needs`: a key of REC2023's catalog entry. */
    const range = (name: string, ok: (v: number) => boolean, needs: string) => {
      const value = numberOf(block.get(name));
      if (value !== undefined && !ok(value)) el.report(ctx, "REC2023", at(name), { name, value: String(value), needs });
    };
    for (const name of ["sessions", "replay", "eval_sessions", "steps_per_update"]) range(name, (v) => Number.isInteger(v) && v >= 1, "whole-1");
    for (const name of ["warmup", "copy_every", "reach"]) range(name, (v) => Number.isInteger(v) && v >= 0, "whole-0");
    range("epsilon", (v) => v >= 0 && v <= 1, "probability");
    range("polyak", (v) => v >= 0 && v <= 1, "polyak");
    range("temperature", (v) => v > 0, "temperature");
    const [explore] = stringsOf(block.get("explore"));
    if (explore !== undefined && !["epsilon", "boltzmann", "greedy"].includes(explore))
      el.report(ctx, "REC2023", at("explore"), { name: "explore", value: `"${explore}"`, needs: "explore" });

    const [envName] = stringsOf(block.get("environment"));
    const environment = models.find((m) => m.name === envName);
    if (!environment) {
      const facts: Record<string, string> =
        envName === undefined ? { case: "unnamed" } : { case: "missing", environment: envName, models: models.map((m) => m.name).join(", ") };
      el.report(ctx, "REC2030", at("environment"), facts);
      continue;
    }
    if (block.get("world") === undefined) el.report(ctx, "REC2030", node.name.span, { case: "no-world", environment: environment.name });

    // The environment's parts, reported at the environment's own declarations.
    const inputOf = (name: string) => environment.inputs.find((i) => i.name === name);
    const headOf = (name: string) => environment.outputs.find((o) => o.role === "head" && o.name === name);
    const spanOf = (name: string): Span => {
      const member = environment.decl.members.find((m) => (m.kind === "InputDecl" || m.kind === "RoleDecl") && m.name.kind === "Ident" && m.name.name === name);
      return member && (member.kind === "InputDecl" || member.kind === "RoleDecl") ? member.name.span : environment.decl.name.span;
    };
    const envReport = (name: string, facts: Record<string, string>) => el.report(ctx, "REC2030", spanOf(name), { environment: environment.name, ...facts });
    /** A part the environment lacks or types otherwise: `found` is its type when it has one. */
    const needs = (part: string, found: TensorType | undefined) => envReport(part, { case: "part", part, ...(found ? { found: printType(found) } : {}) });
    const action = inputOf("action");
    if (!action || action.type.dtype !== "id" || action.type.shape.length !== 1) needs("action", action?.type);
    const response = inputOf("response");
    if (!response || response.type.dtype !== "f32" || response.type.shape.length !== 1) needs("response", response?.type);
    const candidates = headOf("candidates");
    if (!candidates?.type || candidates.type.dtype !== "id" || candidates.type.shape.length !== 2) needs("candidates", candidates?.type);
    else if (action?.type.space && candidates.type.space && !agree({ ...action.type, shape: [] }, { ...candidates.type, shape: [] })) {
      envReport("candidates", { case: "spaces", candidates: printDim(candidates.type.space.size), actions: printDim(action.type.space.size) });
    }
    for (const part of PER_SESSION) {
      const head = headOf(part);
      if (!head?.type || head.type.dtype !== "f32" || head.type.shape.length !== 1) needs(part, head?.type);
    }
    const state = environment.inputs.filter((i) => !NOT_STATE.has(i.name));
    for (const head of environment.outputs.filter((o) => o.role === "head" && o.name.startsWith("next_"))) {
      const field = state.find((i) => `next_${i.name}` === head.name);
      if (!field) envReport(head.name, { case: "orphan", transition: head.name, field: head.name.slice(5) });
      else if (head.type && !agree(field.type, head.type))
        envReport(head.name, { case: "changes", field: field.name, from: batched(field.type, "S"), to: printType(head.type) });
    }

    // The value model's inputs against the transitions.
    const space = action?.type.space;
    const id = (shape: Dim[]): TensorType => ({ dtype: "id", shape, ...(space ? { space } : {}) });
    const b: Dim = { terms: new Map([["B", 1]]) };
    const k: Dim = candidates?.type?.shape[1] ?? { terms: new Map([["K", 1]]) };
    const transition = new Map<string, TensorType>([
      ...state.flatMap(
        (f) =>
          [
            [f.name, f.type],
            [`next_${f.name}`, f.type],
          ] as [string, TensorType][],
      ),
      ["action", id([b])],
      ["reward", { dtype: "f32", shape: [b] }],
      ["done", { dtype: "f32", shape: [b] }],
      ["candidates", id([b, k])],
      ["next_candidates", id([b, k])],
    ]);
    const inputSpan = (name: string): Span => inputTypeSpan(model.decl, name);
    for (const input of model.inputs) {
      const expected = transition.get(input.name);
      if (!expected) {
        el.report(ctx, "REC2031", inputSpan(input.name), { case: "not-held", input: input.name, environment: environment.name, model: model.name });
      } else if (!agree(expected, input.type)) {
        el.report(ctx, "REC2031", inputSpan(input.name), {
          case: "type",
          input: input.name,
          held: batched(expected, "B"),
          model: model.name,
          declared: printType(input.type),
        });
      }
    }
    const q = model.outputs.find((o) => o.role === "head" && o.name === "q");
    if (!q?.type || q.type.dtype !== "f32" || q.type.shape.length !== 2) {
      el.report(ctx, "REC2031", model.decl.name.span, { case: "no-q", model: model.name, ...(q?.type ? { found: printType(q.type) } : {}) });
    }
  }
}
