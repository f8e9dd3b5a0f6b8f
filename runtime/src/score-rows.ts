// Scoring a user's own rows: `rec predict --data rows.jsonl` and `rec serve`'s `POST /predict`.
// In: a loaded executor, rows as plain objects (a file's, or a request's JSON), read through the
// model's schema with the checks and messages training data gets (BadRowError: file, row,
// column, code). Out: each row's heads and, on request, the inputs as the model saw them (ids
// after the vocabulary). Nothing here imports the compiler.

import type { Plan, PlanDataField, PlanInput, PlanSchema } from "./plan.js";
import { RowEncoder, type EncodedRow } from "./data/encode.js";
import { packRows } from "./data/batch.js";
import { fileSourceOf, DataSourceError } from "./data/source-config.js";
import type { Row } from "./data/tables.js";
import { Vocabulary } from "./data/vocab.js";
import { evaluateDim } from "./dims.js";
import { inputsOf } from "./serve.js";
import { feedsOf } from "./tfjs/feeds.js";
import type { Executor } from "./tfjs/executor.js";
import { tf } from "./tfjs/tf.js";

/** A value per row: a number, or a (nested) list of numbers for a head or input with more axes. */
export type RowValue = number | RowValue[];

export interface ScoredRow {
  /** The row's 1-based number in its file or request. */
  readonly row: number;
  readonly heads: Record<string, RowValue>;
  readonly inputs?: Record<string, RowValue>;
}

/**
 * The schema rows are read with: the train block's file schema, narrowed to the fields the heads
 * read (labels are not needed to score), or, for a model trained on a synthetic world, one field
 * per input the heads read, its column named as the input. A symbolic size other than the
 * batch's (a history length `L`) takes its value from `sizes` (`--dim L=20`): every row holds
 * lists of that length.
 */
export function predictSchemaOf(
  plan: Plan,
  baseDir: string,
  inputs: readonly PlanInput[] = inputsOf(plan),
  sizes: ReadonlyMap<string, number> = new Map(),
): PlanSchema {
  const needed = new Set(inputs.map((i) => i.name));
  const source = fileSourceOf(plan, plan.train[0]?.settings["data"] as string | undefined, baseDir);
  if (source) {
    const masks = source.schema.fields.filter((f) => f.kind === "mask" && needed.has(f.name));
    const fields = source.schema.fields.filter((f) => needed.has(f.name) || (f.kind === "value" && f.sequence && masks.some((m) => m.column === f.column)));
    return { name: source.schema.name, fields };
  }
  const fields = inputs.map((input): PlanDataField => {
    const [, ...rest] = input.type.shape;
    const shape = rest.map((d) => {
      try {
        return evaluateDim(d, sizes);
      } catch {
        throw new DataSourceError(
          `the input \`${input.name}\` has the size \`${String(d)}\`: give it with --dim ` +
            `(\`--dim ${String(d).match(/[A-Za-z_]\w*/)?.[0] ?? "L"}=20\`), or train ${plan.model} on a file whose schema gives every size`,
        );
      }
    });
    const space = input.type.space;
    return {
      name: input.name,
      column: input.name,
      kind: "value",
      dtype: input.type.dtype,
      shape,
      ...(space ? { space: { name: space.name, size: evaluateDim(space.size, new Map()) }, ids: "given" as const } : {}),
    };
  });
  return { name: `${plan.model} inputs`, fields };
}

export class RowScorer {
  private readonly encoder: RowEncoder;

  constructor(
    private readonly executor: Executor,
    private readonly schema: PlanSchema,
    vocabularies: ReadonlyMap<string, readonly string[]>,
    /** The file (or request) named in bad-row messages. */
    file: string,
  ) {
    const missing = schema.fields.find((f) => f.ids === "vocab" && !vocabularies.has(f.name));
    if (missing)
      throw new DataSourceError(
        `\`${missing.name}\` maps values through the vocabulary training built; ` + `give the vocab.json the run wrote beside its checkpoint (it is missing)`,
      );
    this.encoder = new RowEncoder(schema, file, new Map([...vocabularies].map(([k, v]) => [k, new Vocabulary(v)])));
  }

  /** The columns the rows must hold. */
  get columns(): readonly string[] {
    return this.encoder.columns;
  }

  /** Encodes one row, throwing a BadRowError that names the row, the column and the problem. */
  encode(row: Row): EncodedRow {
    return this.encoder.encode(row, false);
  }

  /** The heads of already encoded rows (one batch); with `withInputs`, the inputs beside them. */
  async score(rows: readonly EncodedRow[], withInputs = false): Promise<ScoredRow[]> {
    if (rows.length === 0) return [];
    const batch = packRows(rows, this.schema.fields);
    const feeds = feedsOf(batch);
    try {
      const heads = this.executor.run("predict", feeds);
      const values: Record<string, RowValue[]> = {};
      for (const [name, tensor] of heads) values[name] = perRow(await tensor.array(), rows.length, name);
      tf.dispose([...heads.values()]);
      const inputs: Record<string, RowValue[]> = {};
      if (withInputs) for (const [name, tensor] of feeds) inputs[name] = (await tensor.array()) as RowValue[];
      return rows.map((row, r) => ({
        row: row.index,
        heads: Object.fromEntries(Object.entries(values).map(([name, v]) => [name, v[r]!])),
        ...(withInputs ? { inputs: Object.fromEntries(Object.entries(inputs).map(([name, v]) => [name, v[r]!])) } : {}),
      }));
    } finally {
      tf.dispose([...feeds.values()]);
    }
  }

  /** One encoder's vector for each of already encoded rows (the query tower for retrieval). */
  async encodeVectors(rows: readonly EncodedRow[], encoder: string): Promise<Float32Array[]> {
    if (rows.length === 0) return [];
    const feeds = feedsOf(packRows(rows, this.schema.fields));
    try {
      const value = this.executor.runNamed("encode", [encoder], feeds).get(encoder)!;
      const flat = (await value.data()) as Float32Array;
      value.dispose();
      const width = flat.length / rows.length;
      if (!Number.isInteger(width) || value.shape[0] !== rows.length)
        throw new DataSourceError(`the encoder \`${encoder}\` does not give one vector per example, so it cannot be a query tower`);
      return rows.map((_, r) => flat.slice(r * width, (r + 1) * width));
    } finally {
      tf.dispose([...feeds.values()]);
    }
  }
}

/** A head's value for each row: its first axis is the batch's; a head that is not per example cannot be split. */
function perRow(value: unknown, rows: number, name: string): RowValue[] {
  if (!Array.isArray(value) || value.length !== rows)
    throw new DataSourceError(`the head \`${name}\` is not one value per example (its first axis is not the batch's), so it cannot be given per row`);
  return value as RowValue[];
}
