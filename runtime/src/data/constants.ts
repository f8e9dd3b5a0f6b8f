// A model's constant inputs (`input edges: id<items>[E] constant`): fed once, whole, not per
// batch. In: the plan and the train block's `constants = csv("…", schema = S)` setting (or a list
// of files). Out: one column per constant input (in its full shape), the file's rows along its first axis (or placed
// by the ids of its `key = "id"` column), every row checked through the
// schema (an unknown node id, a negative weight under `min = 0`, a missing value: a BadRowError
// naming the file, the row and the column; a missing file: a DataFileError naming it).
// The tfjs engine binds them to an executor once (runtime/src/tfjs/feeds.ts, `bindConstants`).

import { parseConfig } from "../config.js";
import type { Plan, PlanInput } from "../plan.js";
import type { Column } from "./columns.js";
import { packRows } from "./batch.js";
import { BadRowError, RowEncoder, toInteger, type EncodedRow } from "./encode.js";
import { DataSourceError, fileSource } from "./source-config.js";
export { constantsSettings } from "./source-config.js";
import { DataFileError, readRows, type Row } from "./tables.js";

export const constantInputs = (plan: Plan) => plan.inputs.filter((i) => i.constant);

/** Every constants file read into one map of constant input → tensor. */
export async function readConstantsFiles(plan: Plan, settings: readonly string[], baseDir: string): Promise<Map<string, Column>> {
  const all = new Map<string, Column>();
  for (const setting of settings) for (const [name, tensor] of await readConstantsFile(plan, setting, baseDir)) all.set(name, tensor);
  return all;
}

/**
 * Reads every row of one constants file into one tensor per constant input its schema feeds: in
 * file order, or with `key = "id"` at the position its key column gives (a frozen embedding
 * table written by `rec embed`: row i of the input is id i's vector, every id once).
 */
export async function readConstantsFile(plan: Plan, setting: string, baseDir: string): Promise<Map<string, Column>> {
  const source = fileSource(plan, parseConfig(setting), baseDir);
  if (source.schema.fields.some((f) => f.ids === "vocab"))
    throw new DataSourceError(
      `the constants file ${source.shownPath} holds ids as integers: its schema ${source.schema.name} may not map them through a vocabulary`,
    );
  const fed = constantInputs(plan).filter((i) => source.schema.fields.some((f) => f.name === i.name));
  const key = source.config.args.get("key");
  const encoder = new RowEncoder(source.schema, source.shownPath);
  const columns = typeof key === "string" ? [...new Set([...encoder.columns, key])] : encoder.columns;
  const rows: EncodedRow[] = [];
  const keys: number[] = [];
  for await (const row of readRows(source.path, source.format, columns)) {
    rows.push(encoder.encode(row));
    if (typeof key === "string") keys.push(keyOf(row, key, source.shownPath));
  }
  if (rows.length === 0)
    throw new DataFileError(
      `${source.shownPath} has no rows (an empty file, or a header alone); it holds the constant inputs ${fed.map((i) => `\`${i.name}\``).join(", ")}`,
    );
  const ordered = typeof key === "string" ? byKey(rows, keys, fed, key, source.shownPath) : rows;
  const packed = packRows(ordered, source.schema.fields).columns;
  for (const input of fed) {
    const rowsDeclared = input.type.shape[0];
    if (typeof rowsDeclared === "number" && rowsDeclared !== ordered.length) {
      throw new DataFileError(
        `${source.shownPath} has ${rows.length} rows, but the constant input \`${input.name}\` ` +
          `declares ${rowsDeclared} (its first axis is the file's rows: declare it with a dimension ` +
          `of \`dims\`, such as [E])`,
      );
    }
  }
  // Whole columns: the file's rows are each constant input's first axis.
  return new Map([...packed].map(([name, c]) => [name, { ...c, shape: [ordered.length, ...c.shape] }]));
}

/** A row's key: a whole number of at least 0, else a bad row naming the file, row and column. */
function keyOf(row: Row, column: string, file: string): number {
  const raw = row.values[column];
  const id = toInteger(raw) ?? NaN;
  if (!Number.isInteger(id) || id < 0)
    throw new BadRowError(
      file,
      row.index,
      column,
      raw === undefined || raw === null ? "the key is missing" : `expected an id (a whole number of at least 0) as the key, found ${JSON.stringify(raw)}`,
      raw === undefined || raw === null ? "REC4008" : "REC4002",
    );
  return id;
}

/** Rows placed by their keys: the inputs' first axis (a fixed size) is the ids, each given once. */
function byKey(rows: readonly EncodedRow[], keys: readonly number[], fed: readonly PlanInput[], column: string, file: string): EncodedRow[] {
  const sizes = new Set(fed.map((i) => i.type.shape[0]));
  const [size] = sizes;
  if (sizes.size !== 1 || typeof size !== "number") {
    throw new DataSourceError(
      `${file} is read by its key \`${column}\`, so the constant inputs it feeds ` +
        `(${fed.map((i) => `\`${i.name}\``).join(", ")}) need one fixed first axis, the number of ` +
        `ids (such as [items, dim] with \`param items = …\`)`,
    );
  }
  const placed: (EncodedRow | undefined)[] = new Array(size);
  rows.forEach((row, r) => {
    const id = keys[r]!;
    if (id >= size)
      throw new BadRowError(
        file,
        row.index,
        column,
        `the key ${id} is outside the ${size} ids of ${fed.map((i) => `\`${i.name}\``).join(", ")} (0 to ${size - 1})`,
        "REC4003",
      );
    if (placed[id]) throw new BadRowError(file, row.index, column, `the key ${id} was given before, at row ${placed[id]!.index}`, "REC4002");
    placed[id] = row;
  });
  const missing = placed.findIndex((row) => !row);
  if (missing >= 0) throw new DataFileError(`${file}: no row has the key ${missing} (\`${column}\` must give every id from 0 to ${size - 1} once)`);
  return placed as EncodedRow[];
}
