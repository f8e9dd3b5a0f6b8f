// A model's constant inputs (`input edges: id<items>[E] constant`): fed once, whole, not per
// batch. In: the plan and the train block's `constants = csv("…", schema = S)` setting. Out: one
// tensor per constant input, the file's rows along its first axis, every row checked through the
// schema (an unknown node id, a negative weight under `min = 0`, a missing value: a BadRowError
// naming the file, the row and the column; a missing file: a DataFileError naming it).
// `bindConstants` hands a data set's constants to an executor, once.

import type { Executor } from "../executor.js";
import { parseConfig } from "../config.js";
import type { Plan } from "../plan.js";
import type { Tensor } from "../tf.js";
import { packRows, type DataSet } from "./batch.js";
import { RowEncoder, type EncodedRow } from "./encode.js";
import { DataSourceError, fileSource } from "./source-config.js";
import { DataFileError, readRows } from "./tables.js";

/** The train block setting that names the constants file: the first stage's that has one. */
export function constantsSetting(plan: Plan): string | undefined {
  const setting = plan.train.map((stage) => stage.settings["constants"]).find((s) => typeof s === "string");
  return setting as string | undefined;
}

export const constantInputs = (plan: Plan) => plan.inputs.filter((i) => i.constant);

/** Reads every row of the constants file, in file order, into one tensor per constant input. */
export async function readConstantsFile(plan: Plan, setting: string, baseDir: string): Promise<Map<string, Tensor>> {
  const source = fileSource(plan, parseConfig(setting), baseDir);
  if (source.schema.fields.some((f) => f.ids === "vocab")) throw new DataSourceError(`the constants file ${source.shownPath} holds ids as integers: its schema ${source.schema.name} may not map them through a vocabulary`);
  const encoder = new RowEncoder(source.schema, source.shownPath);
  const rows: EncodedRow[] = [];
  for await (const row of readRows(source.path, source.format, encoder.columns)) rows.push(encoder.encode(row));
  if (rows.length === 0) throw new DataFileError(`${source.shownPath} has no rows (an empty file, or a header alone); it holds the constant inputs ${constantInputs(plan).map((i) => `\`${i.name}\``).join(", ")}`);
  const { feeds } = packRows(rows, source.schema.fields);
  for (const input of constantInputs(plan)) {
    const fed = feeds.get(input.name);
    const rowsDeclared = input.type.shape[0];
    if (fed && typeof rowsDeclared === "number" && rowsDeclared !== rows.length) {
      throw new DataFileError(`${source.shownPath} has ${rows.length} rows, but the constant input \`${input.name}\` declares ${rowsDeclared} (its first axis is the file's rows: declare it with a dimension of \`dims\`, such as [E])`);
    }
  }
  return feeds;
}

/**
 * Gives the executor the data set's constant inputs (a model without any: nothing). Idempotent:
 * an executor that has its constants keeps them.
 */
export async function bindConstants(executor: Executor, data: DataSet): Promise<void> {
  if (!constantInputs(executor.plan).length || executor.constants.size) return;
  if (!data.constants) throw new DataSourceError(`model ${executor.plan.model} has constant inputs (${constantInputs(executor.plan).map((i) => `\`${i.name}\``).join(", ")}) but its data gives none: add \`constants = csv("…", schema = S)\` to the train block`);
  executor.bindConstants(await data.constants());
}
