// The data contract: does a file fit the schema a model reads it with? In: the plan's schema
// and rows (with the split each belongs to). Out: per-field statistics (bad values, id range,
// vocabulary coverage and out-of-vocabulary rate, sequence lengths against the declared
// length, label balance) and the problems found, each with a stable REC4xxx code, the field,
// and the first offending rows. Reading the file is the caller's (checkDataFile below);
// ContractChecker itself is synchronous, so examples can feed it rows from a string.

import type { PlanDataField, PlanSchema } from "../plan.js";
import { BadRowError, RowEncoder } from "./encode.js";
import { hashSplitter, timeSplitter, type Split, type Splitter } from "./split.js";
import { columnsOf, MALFORMED, readRows, type Row, type TableFormat } from "./tables.js";
import { keyOf, Vocabulary } from "./vocab.js";
import { tokensOf } from "./tokenize.js";

export interface ContractProblem {
  readonly code: string;
  readonly severity: "error" | "warning";
  /** The schema field the problem is about. */
  readonly field: string;
  /** Facts for the message (the compiler's catalog turns them into prose). */
  readonly args: Readonly<Record<string, string>>;
}

export interface FieldStats {
  readonly field: string;
  readonly column: string;
  readonly bad: number;
  readonly detail: string;
}

export interface ContractReport {
  readonly file: string;
  readonly rows: number;
  readonly splits: Readonly<Record<Split, number>>;
  readonly fields: readonly FieldStats[];
  readonly problems: readonly ContractProblem[];
}

/** Out-of-vocabulary rate of held-out rows above which the vocabulary is reported as too small. */
const OOV_WARNING = 0.05;
/** Fraction of sequences cut to the declared length above which truncation is reported. */
const TRUNCATION_WARNING = 0.05;
/** A binary label whose positive rate is below this (or above 1 − this) is reported as imbalanced. */
const IMBALANCE = 0.01;

interface FieldState {
  readonly field: PlanDataField;
  readonly encoder: RowEncoder;
  bad: { code: string; count: number; first: string }[];
  trainCounts?: Map<string, number>;
  heldOutKeys?: Map<string, number>;
  lengths?: Map<number, number>;
  binary?: { zeros: number; ones: number; other: boolean };
  maxId: number;
}

export class ContractChecker {
  private readonly states: FieldState[];
  private rows = 0;
  private readonly malformed: { count: number; first?: string } = { count: 0 };
  private readonly splits: Record<Split, number> = { train: 0, valid: 0, test: 0 };

  constructor(
    private readonly schema: PlanSchema,
    private readonly file: string,
    private readonly splitOf: Splitter,
    /** The columns the file has. */
    private readonly columns: ReadonlySet<string>,
  ) {
    this.states = schema.fields
      .filter((f) => f.kind === "value")
      .map((field) => ({
        field,
        // One encoder per field, so every field's problems are found, not only a row's first.
        // A vocabulary field takes any value (unknown ones map to the out-of-vocabulary id).
        encoder: new RowEncoder({ name: schema.name, fields: [field] }, file, new Map([[field.name, new Vocabulary([])]])),
        bad: [],
        ...(field.ids === "vocab" ? { trainCounts: new Map<string, number>(), heldOutKeys: new Map<string, number>() } : {}),
        ...(field.sequence ? { lengths: new Map<number, number>() } : {}),
        ...(field.shape.length === 0 && (field.dtype === "f32" || field.dtype === "bool") ? { binary: { zeros: 0, ones: 0, other: false } } : {}),
        maxId: -1,
      }));
  }

  add(row: Row): void {
    this.rows++;
    // A row that is not a record (a line that is not JSON, a CSV row with extra fields) is one
    // problem of the row, not one per field it would have fed.
    if (MALFORMED in row.values) {
      this.malformed.count++;
      this.malformed.first ??= `row ${row.index}: ${String(row.values[MALFORMED])}`;
      return;
    }
    const split = this.splitOf(row);
    this.splits[split]++;
    for (const state of this.states) {
      const raw = row.values[state.field.column];
      if (!this.columns.has(state.field.column)) continue;
      if (state.field.ids === "vocab") this.countVocabulary(state, raw, split);
      let values: Float64Array | undefined;
      try {
        values = state.encoder.encode(row).fields.get(state.field.name);
      } catch (error) {
        if (!(error instanceof BadRowError)) throw error;
        const entry = state.bad.find((b) => b.code === error.code);
        if (entry) entry.count++;
        else state.bad.push({ code: error.code, count: 1, first: `row ${error.row}: ${error.reason}` });
        continue;
      }
      if (state.lengths) {
        const n = state.field.tokenize
          ? (tokensOf(raw, state.field.tokenize)?.length ?? 0)
          : Array.isArray(raw)
            ? raw.length
            : typeof raw === "string"
              ? raw.trim()
                ? raw.trim().split(/[\s;]+/).length
                : 0
              : 0;
        state.lengths.set(n, (state.lengths.get(n) ?? 0) + 1);
      }
      if (state.binary && values) {
        const v = values[0]!;
        if (v === 0) state.binary.zeros++;
        else if (v === 1) state.binary.ones++;
        else state.binary.other = true;
      }
      if (state.field.space && state.field.ids !== "vocab" && values) for (const v of values) state.maxId = Math.max(state.maxId, v);
    }
  }

  private countVocabulary(state: FieldState, raw: unknown, split: Split) {
    if (raw === undefined || raw === null) return;
    const target = split === "train" ? state.trainCounts! : state.heldOutKeys!;
    const values = state.field.tokenize ? (tokensOf(raw, state.field.tokenize) ?? []) : Array.isArray(raw) ? raw : [raw];
    for (const v of values) target.set(keyOf(v), (target.get(keyOf(v)) ?? 0) + 1);
  }

  finish(): ContractReport {
    const problems: ContractProblem[] = [];
    const fields: FieldStats[] = [];
    const at = (state: FieldState) => ({ field: state.field.name, column: state.field.column, file: this.file });
    // An empty file (or a header alone) has no columns to compare: one problem says what it is.
    if (this.rows === 0) {
      problems.push({ code: "REC4009", severity: "error", field: "", args: { file: this.file } });
      return { file: this.file, rows: 0, splits: { ...this.splits }, fields, problems };
    }
    if (this.malformed.count) {
      problems.push({
        code: "REC4010",
        severity: "error",
        field: "",
        args: { file: this.file, count: String(this.malformed.count), first: this.malformed.first! },
      });
    }
    for (const field of this.schema.fields) {
      if (field.kind !== "mask" && !this.columns.has(field.column)) {
        problems.push({
          code: "REC4001",
          severity: "error",
          field: field.name,
          args: { field: field.name, column: field.column, file: this.file, available: [...this.columns].slice(0, 12).join(", ") },
        });
        fields.push({ field: field.name, column: field.column, bad: this.rows, detail: "missing column" });
      }
    }
    for (const state of this.states) {
      if (!this.columns.has(state.field.column)) continue;
      const details: string[] = [];
      for (const b of state.bad) {
        problems.push({ code: b.code, severity: "error", field: state.field.name, args: { ...at(state), count: String(b.count), first: b.first } });
      }
      const bad = state.bad.reduce((n, b) => n + b.count, 0);
      if (state.field.space && state.field.ids !== "vocab" && state.maxId >= 0) details.push(`ids 0–${state.maxId} of ${state.field.space.size}`);
      if (state.trainCounts) {
        const size = state.field.space!.size - 1;
        const kept = new Set(
          [...state.trainCounts.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, size)
            .map(([k]) => k),
        );
        let total = 0;
        let missing = 0;
        for (const [key, count] of state.heldOutKeys!) {
          total += count;
          if (!kept.has(key)) missing += count;
        }
        const rate = total ? missing / total : 0;
        details.push(`vocabulary ${kept.size} of ${state.trainCounts.size} distinct training values, held-out OOV ${(rate * 100).toFixed(1)}%`);
        if (rate > OOV_WARNING) {
          problems.push({
            code: "REC4005",
            severity: "warning",
            field: state.field.name,
            args: { ...at(state), rate: `${(rate * 100).toFixed(1)}%`, distinct: String(state.trainCounts.size), size: String(state.field.space!.size) },
          });
        }
      }
      if (state.lengths) {
        const declared = state.field.shape[0]!;
        const sorted = [...state.lengths.entries()].sort((a, b) => a[0] - b[0]);
        const count = sorted.reduce((n, [, c]) => n + c, 0);
        const quantile = (q: number) => {
          let seen = 0;
          for (const [length, c] of sorted) if ((seen += c) >= q * count) return length;
          return 0;
        };
        const truncated = sorted.filter(([l]) => l > declared).reduce((n, [, c]) => n + c, 0) / Math.max(1, count);
        details.push(
          `length p50 ${quantile(0.5)}, p95 ${quantile(0.95)}, max ` +
            `${sorted[sorted.length - 1]?.[0] ?? 0} (declared ${declared}; ` +
            `${(truncated * 100).toFixed(1)}% truncated)`,
        );
        if (truncated > TRUNCATION_WARNING) {
          problems.push({
            code: "REC4006",
            severity: "warning",
            field: state.field.name,
            args: {
              ...at(state),
              rate: `${(truncated * 100).toFixed(1)}%`,
              declared: String(declared),
              p95: String(quantile(0.95)),
              max: String(sorted[sorted.length - 1]![0]),
            },
          });
        }
      }
      if (state.binary && !state.binary.other && state.binary.zeros + state.binary.ones > 0) {
        const rate = state.binary.ones / (state.binary.zeros + state.binary.ones);
        details.push(`positive rate ${(rate * 100).toFixed(2)}%`);
        if (rate < IMBALANCE || rate > 1 - IMBALANCE)
          problems.push({ code: "REC4007", severity: "warning", field: state.field.name, args: { ...at(state), rate: `${(rate * 100).toFixed(2)}%` } });
      }
      fields.push({ field: state.field.name, column: state.field.column, bad, detail: details.join("; ") });
    }
    return { file: this.file, rows: this.rows, splits: { ...this.splits }, fields, problems };
  }
}

/** Reads a file and checks it against the schema. */
export async function checkDataFile(options: {
  path: string;
  shownPath: string;
  format: TableFormat;
  schema: PlanSchema;
  valid: number;
  test: number;
}): Promise<ContractReport> {
  const columns = new Set<string>();
  if (options.format === "jsonl") {
    // JSON lines have no header: a column is present when some row has it.
    for await (const row of readRows(options.path, options.format)) for (const k of Object.keys(row.values)) columns.add(k);
  } else for (const c of await columnsOf(options.path, options.format)) columns.add(c);
  const timestamp = options.schema.fields.find((f) => f.kind === "timestamp");
  const splitOf = timestamp && columns.has(timestamp.column) ? await timeSplitter(options, timestamp.column) : hashSplitter(options);
  const checker = new ContractChecker(options.schema, options.shownPath, splitOf, columns);
  for await (const row of readRows(options.path, options.format)) checker.add(row);
  return checker.finish();
}
