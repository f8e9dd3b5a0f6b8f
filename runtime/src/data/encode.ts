// One row of a data file → the numbers of each schema field, or a BadRowError naming the file,
// the row, the column and what was wrong. In: a row, the plan's schema, the vocabularies of the
// fields whose ids come from one. Out: per field, `shape`-many numbers (sequences padded or
// truncated, masks derived), ready to be packed into a batch.

import type { PlanDataField, PlanSchema } from "../plan.js";
import { MALFORMED, type Row } from "./tables.js";
import type { Vocabulary } from "./vocab.js";
import { tokensOf } from "./tokenize.js";
import { frequencyEstimator, logFrequency, type FrequencyEstimator } from "./frequency.js";

export class BadRowError extends Error {
  override readonly name = "BadRowError";
  constructor(
    readonly file: string,
    readonly row: number,
    readonly column: string,
    readonly reason: string,
    /**
     * The data-contract code this problem is reported under (REC4002 type, REC4003 id range,
     * REC4004 not finite, REC4008 missing value, REC4011 below the minimum).
     */
    readonly code: string,
  ) {
    super(`${file}, row ${row}${column ? `, column \`${column}\`` : ""}: ${reason}`);
  }
}

export interface EncodedRow {
  readonly index: number;
  /** Field name → its values (length = product of the field's shape, 1 for scalars). */
  readonly fields: ReadonlyMap<string, Float64Array>;
  /** Sequence fields: how many elements the row had before padding or truncation. */
  readonly lengths: ReadonlyMap<string, number>;
}

/** Reads a scalar that should be a number: numbers, bigints, numeric strings (CSV), booleans. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const t = value.trim();
    if (t === "") return undefined;
    if (t === "true" || t === "false") return t === "true" ? 1 : 0;
    const n = Number(t);
    return Number.isNaN(n) && !/^nan$/i.test(t) ? undefined : n;
  }
  if (value instanceof Date) return value.getTime();
  return undefined;
}

/** A whole number: a JSON or Parquet number, a bigint, or decimal digits (CSV); nothing else. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A list cell: an array (JSONL, Parquet) or, in CSV, a JSON array or space-separated values. */
function toList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === "string") {
    const t = value.trim();
    if (t.startsWith("[")) {
      try {
        const parsed = JSON.parse(t) as unknown;
        return Array.isArray(parsed) ? parsed : undefined;
      } catch {
        return undefined;
      }
    }
    return t === "" ? [] : t.split(/[\s;]+/);
  }
  return undefined;
}

/** A timestamp: epoch numbers (any unit, only the order matters), Dates, or ISO date strings. */
export function toTime(value: unknown): number | undefined {
  const n = toNumber(value);
  if (n !== undefined && Number.isFinite(n)) return n;
  if (typeof value === "string") {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** A timestamp as a model input: seconds since the epoch (numbers as stored; dates and ISO strings converted). */
export function toSeconds(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === "string" && toNumber(value) === undefined) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t / 1000;
  }
  const n = toNumber(value);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

export class RowEncoder {
  /** The columns the schema reads (for Parquet's column selection). */
  readonly columns: string[];
  private readonly valueFields: PlanDataField[];

  constructor(
    private readonly schema: PlanSchema,
    private readonly file: string,
    private readonly vocabularies: ReadonlyMap<string, Vocabulary> = new Map(),
  ) {
    this.columns = [...new Set(schema.fields.filter((f) => f.kind !== "mask").map((f) => f.column))];
    this.valueFields = schema.fields.filter((f) => f.kind === "value");
    this.timeFields = schema.fields.filter((f) => f.kind === "timestamp" && f.feeds);
  }

  private readonly timeFields: PlanDataField[];

  /** Frequency fields' estimators, by field: they count the training rows as they are encoded. */
  private readonly frequencies = new Map<string, FrequencyEstimator>();

  /** `learn`: the row is a training row (frequency fields count it); held-out rows only read the counts. */
  encode(row: Row, learn = true): EncodedRow {
    if (MALFORMED in row.values) throw new BadRowError(this.file, row.index, "", String(row.values[MALFORMED]), "REC4002");
    const fields = new Map<string, Float64Array>();
    const lengths = new Map<string, number>();
    for (const field of this.valueFields) {
      const raw = row.values[field.column];
      if (raw === undefined || raw === null) throw this.bad(row, field, "the value is missing", "REC4008");
      if (field.frequency) {
        const estimator = this.frequencies.get(field.name) ?? this.frequencies.set(field.name, frequencyEstimator(field.frequency)).get(field.name)!;
        fields.set(field.name, Float64Array.of(logFrequency(estimator, raw, learn)));
      } else if (field.shape.length === 0) fields.set(field.name, Float64Array.of(this.scalar(raw, field, row)));
      else {
        // Only the tokens the field keeps (the last n with truncate = "left": all of them).
        const list = field.tokenize ? tokensOf(raw, field.tokenize, field.sequence?.truncate === "left" ? Infinity : field.shape[0]!) : toList(raw);
        if (!list)
          throw this.bad(
            row,
            field,
            field.tokenize
              ? `expected text to split into ${field.tokenize}s, found ${describe(raw)}`
              : `expected a list of ${field.shape[0]} values, found ${describe(raw)}`,
            "REC4002",
          );
        const n = field.shape[0]!;
        lengths.set(field.name, list.length);
        if (!field.sequence && list.length !== n) throw this.bad(row, field, `expected ${n} values, found ${list.length}`, "REC4002");
        const out = new Float64Array(n).fill(field.sequence?.pad ?? 0);
        // Truncating "left" drops the oldest elements and keeps the latest n.
        const kept = list.length <= n ? list : field.sequence!.truncate === "left" ? list.slice(list.length - n) : list.slice(0, n);
        kept.forEach((v, i) => (out[i] = this.scalar(v, field, row)));
        fields.set(field.name, out);
      }
    }
    for (const field of this.timeFields) {
      const raw = row.values[field.column];
      if (raw === undefined || raw === null) throw this.bad(row, field, "the value is missing", "REC4008");
      const seconds = toSeconds(raw);
      if (seconds === undefined) throw this.bad(row, field, `expected a timestamp, found ${describe(raw)}`, "REC4002");
      if (field.dtype === "i32" && Math.abs(seconds) >= 2 ** 31)
        throw this.bad(row, field, `the time ${seconds} does not fit an i32 input (declare it f32)`, "REC4002");
      fields.set(field.name, Float64Array.of(field.dtype === "i32" ? Math.floor(seconds) : seconds));
    }
    for (const mask of this.schema.fields) {
      if (mask.kind !== "mask") continue;
      const of = this.valueFields.find((f) => f.column === mask.column && f.sequence)!;
      const length = Math.min(lengths.get(of.name) ?? 0, mask.shape[0]!);
      fields.set(
        mask.name,
        Float64Array.from({ length: mask.shape[0]! }, (_, i) => (i < length ? 1 : 0)),
      );
    }
    return { index: row.index, fields, lengths };
  }

  private scalar(raw: unknown, field: PlanDataField, row: Row): number {
    if (field.ids === "vocab") return this.vocabularies.get(field.name)?.idOf(raw) ?? 0;
    // Ids and integers are whole numbers written as such: `true` or "0x10" is a wrong value, not 1 or 16.
    const n = field.dtype === "id" || field.dtype === "i32" ? toInteger(raw) : toNumber(raw);
    if (n === undefined) throw this.bad(row, field, `expected ${expectation(field)}, found ${describe(raw)}`, "REC4002");
    if (field.min !== undefined && n < field.min) throw this.bad(row, field, `the value ${n} is below the field's minimum, ${field.min}`, "REC4011");
    if (field.dtype === "f32") {
      if (!Number.isFinite(n)) throw this.bad(row, field, `the feature is ${n} (not a finite number)`, "REC4004");
      // Past float32's range the value would become an infinity on the way to the model.
      if (!Number.isFinite(Math.fround(n))) throw this.bad(row, field, `the feature ${n} is beyond float32's range (±3.4e38)`, "REC4004");
      return n;
    }
    if (!Number.isInteger(n)) throw this.bad(row, field, `expected ${expectation(field)}, found ${describe(raw)}`, "REC4002");
    if (field.dtype === "bool" && n !== 0 && n !== 1) throw this.bad(row, field, `expected true or false, found ${describe(raw)}`, "REC4002");
    if (field.space && (n < 0 || n >= field.space.size)) {
      throw this.bad(row, field, `the id ${n} is outside \`${field.space.name || "the id space"}\`, which holds ids 0 to ${field.space.size - 1}`, "REC4003");
    }
    return n;
  }

  private bad(row: Row, field: PlanDataField, reason: string, code: string) {
    return new BadRowError(this.file, row.index, field.column, reason, code);
  }
}

function expectation(field: PlanDataField): string {
  if (field.space) return `an integer id of \`${field.space.name || "the id space"}\``;
  return field.dtype === "f32" ? "a number" : field.dtype === "bool" ? "true or false" : "an integer";
}

function describe(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : typeof value === "bigint" ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
