// Constant inputs and where they come from. A model input declared `constant` is not batched:
// its whole tensor (a graph's edge list) is fed once and read by every step. In: the model's
// inputs, its train blocks' `data = …` and `constants = …` settings. Out: the schema of each
// `constants = csv("…", schema = S)` file (or each of a list of them) checked against the constant
// inputs (the rows of the file are the first axis of each, or the ids of its `key` column), or REC2034 where a constants setting reads no file, feeds
// no constant input, maps ids through a vocabulary, or a file-fed model leaves its constant
// inputs without a source. (A synthetic world feeds constant inputs from its whole fields:
// world-check.ts.)

import type * as A from "../syntax/ast.js";
import type { Span } from "../source/source-file.js";
import type { TensorType } from "../types/tensor-type.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";
import { checkDataSchema, type CheckedSchema } from "./schema.js";
import type { Value } from "./values.js";
import { inputTypeSpan } from "./world-check.js";

/** A train block setting's value and where it is written. */
export interface SettingValue {
  readonly value: Value;
  readonly span: Span;
}

export interface ModelInput {
  readonly name: string;
  readonly type: TensorType;
  readonly constant?: true;
}

const FILE_SOURCES = new Set(["parquet", "jsonl", "csv"]);

const readsFile = (v: Value) => v.kind === "config" && FILE_SOURCES.has(v.name) && v.args.has("schema");

export function checkConstantSources(
  el: Elaborator,
  decl: A.ModelDecl,
  env: Env,
  inputs: readonly ModelInput[],
  data: readonly SettingValue[],
  constants: readonly SettingValue[],
  ctx: EvalContext,
): CheckedSchema[] {
  const constantInputs = inputs.filter((i) => i.constant);
  const report = (span: Span, args: Record<string, string>) => el.report(ctx, "REC2034", span, args);
  const checkedSchemas: CheckedSchema[] = [];
  const fedBy = new Map<string, SettingValue>();
  for (const setting of constants) {
    if (!readsFile(setting.value)) {
      report(setting.span, { case: "not-a-file" });
      continue;
    }
    if (!constantInputs.length) {
      report(setting.span, { case: "feeds-nothing", model: decl.name.kind === "Ident" ? decl.name.name : "" });
      continue;
    }
    // One file feeds every constant input; one of several (`constants = [csv(…), parquet(…)]`) feeds its schema's.
    const checked = checkDataSchema(el, setting.value, setting.span, env, constantInputs, ctx, constants.length === 1);
    if (!checked) continue;
    for (const field of checked.plan.fields) {
      if (fedBy.has(field.name) && field.kind !== "mask") report(setting.span, { case: "fed-twice", input: field.name });
      fedBy.set(field.name, setting);
    }
    for (const field of checked.plan.fields) {
      if (field.ids !== "vocab") continue;
      report(checked.spans.get(field.name) ?? setting.span, { case: "vocabulary", input: field.name });
    }
    checkedSchemas.push(checked);
  }
  if (constants.length > 1 && checkedSchemas.length === constants.length) {
    for (const input of constantInputs) {
      if (fedBy.has(input.name)) continue;
      report(inputTypeSpan(decl, input.name), { case: "in-no-file", input: input.name });
    }
  }
  // A world feeds its whole fields itself; a model reading batches from a file needs a file for its constants too.
  if (constantInputs.length && !constants.length && data.some((d) => readsFile(d.value))) {
    for (const input of constantInputs) {
      report(inputTypeSpan(decl, input.name), { case: "no-source", input: input.name });
    }
  }
  return checkedSchemas;
}
