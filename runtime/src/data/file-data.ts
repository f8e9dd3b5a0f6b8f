// A data set read from a file through a schema. In: the path, format and schema from a plan's
// `data = parquet("…", schema = S, valid = 0.1, test = 0.1, shuffle = 10_000)` setting. Out:
// endless shuffled training batches and fresh passes over the validation or test split.
// Rows go to a split by time when the schema declares a `timestamp` (the latest rows are
// held out), else by a hash of the row number; vocabularies come from the training split.
// With task shares (`tasks { column = "task", shares = [2, 1] }`) every training batch holds each
// task's share of its rows, task after task, each task's rows from a shuffled pass of its own.

import type { PlanSchema } from "../plan.js";
import type { Column } from "./columns.js";
import { packRows, type Batch, type BatchSource, type DataSet } from "./batch.js";
import { BadRowError, RowEncoder, toInteger, type EncodedRow } from "./encode.js";
import { hashSplitter, timeSplitter, type Split, type Splitter } from "./split.js";
import { DataFileError, readRows, type Row, type TableFormat } from "./tables.js";
import { DataSourceError } from "./source-config.js";
import { Vocabulary, VocabularyBuilder } from "./vocab.js";
import { tokensOf } from "./tokenize.js";
import { mulberry32 } from "./random.js";
import { materialize, type Examples } from "./examples.js";

export interface FileDataOptions {
  readonly path: string;
  /** The path as the spec wrote it, for messages. */
  readonly shownPath: string;
  readonly format: TableFormat;
  readonly schema: PlanSchema;
  readonly valid: number;
  readonly test: number;
  /** Rows held in the shuffle buffer; 0 reads in file order. */
  readonly shuffle: number;
  readonly seed: number;
  readonly skipBadRows: boolean;
  /** Vocabularies saved by an earlier run (resume, eval, predict); built from the data otherwise. */
  readonly vocabularies?: ReadonlyMap<string, readonly string[]>;
  /** Multi-task batch composition: the column holding each row's task (0, 1, …) and each task's share of a batch. */
  readonly tasks?: TaskShares;
}

/** `tasks { column = "task", shares = [2, 1] }`: task t is the rows whose `column` holds t. */
export interface TaskShares {
  readonly column: string;
  readonly shares: readonly number[];
}

/**
 * Rows per task in a batch of `batchSize`: each task's share of the batch, rounded by largest
 * remainder so they add up to the batch (ties to the earlier task).
 */
export function taskQuotas(batchSize: number, shares: readonly number[]): number[] {
  const total = shares.reduce((a, b) => a + b, 0);
  const exact = shares.map((share) => (batchSize * share) / total);
  const quotas = exact.map(Math.floor);
  const byRemainder = exact.map((x, t) => [x - Math.floor(x), t] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const short = batchSize - quotas.reduce((a, b) => a + b, 0);
  for (let i = 0; i < short; i++) quotas[byRemainder[i]![1]]!++;
  return quotas;
}

export class FileDataSet implements DataSet {
  readonly skipped = { count: 0, examples: [] as string[], rows: new Set<number>() };
  /** The model's constant inputs, from the train block's `constants = …` file (sources.ts sets it). */
  constants?: () => Promise<ReadonlyMap<string, Column>>;
  private constructor(
    private readonly options: FileDataOptions,
    private readonly splitOf: Splitter,
    readonly vocabularies: ReadonlyMap<string, Vocabulary>,
    private readonly encoder: RowEncoder,
    /** Rows per split, counted while preparing. */
    readonly counts: Readonly<Record<Split, number>>,
  ) {}

  /** Reads the file once for split cutoffs, row counts and vocabularies. */
  static async open(options: FileDataOptions): Promise<FileDataSet> {
    const timestamp = options.schema.fields.find((f) => f.kind === "timestamp");
    const splitOf = timestamp ? await timeSplitter(options, timestamp.column) : hashSplitter(options);
    const vocabFields = options.schema.fields.filter((f) => f.ids === "vocab");
    const builders = new Map(vocabFields.map((f) => [f.name, new VocabularyBuilder()]));
    const counts: Record<Split, number> = { train: 0, valid: 0, test: 0 };
    const tasks = options.tasks;
    const taskRows = tasks ? tasks.shares.map(() => 0) : [];
    const untasked: string[] = [];
    const columns = [...new Set(vocabFields.map((f) => f.column).concat(timestamp ? [timestamp.column] : [], tasks ? [tasks.column] : []))];
    for await (const row of readRows(options.path, options.format, columns)) {
      const split = splitOf(row);
      counts[split]++;
      if (tasks && split === "train") {
        const task = taskOf(row, tasks);
        if (task !== undefined) taskRows[task]!++;
        else {
          const bad = new BadRowError(
            options.shownPath,
            row.index,
            tasks.column,
            `the task ${JSON.stringify(row.values[tasks.column] ?? null)} is not one of \`tasks { ` +
              `shares = [${tasks.shares.join(", ")}] }\`'s, 0 to ${tasks.shares.length - 1}`,
            "REC4003",
          );
          if (!options.skipBadRows) throw bad;
          // No task's pass reads the row: counted here, once.
          untasked.push(bad.message);
        }
      }
      if (split !== "train" || options.vocabularies) continue;
      for (const field of vocabFields) {
        const raw = row.values[field.column];
        if (raw === undefined || raw === null) continue;
        if (field.tokenize) for (const token of tokensOf(raw, field.tokenize) ?? []) builders.get(field.name)!.add(token);
        else if (field.shape.length && Array.isArray(raw)) for (const v of raw) builders.get(field.name)!.add(v);
        else builders.get(field.name)!.add(raw);
      }
    }
    const vocabularies = new Map(
      vocabFields.map((f) => [
        f.name,
        options.vocabularies?.get(f.name) ? new Vocabulary(options.vocabularies.get(f.name)!) : builders.get(f.name)!.build(f.space!.size),
      ]),
    );
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total === 0) throw new DataFileError(`${options.shownPath} has no rows (an empty file, or a header alone)`);
    if (counts.train === 0) throw new DataFileError(`${options.shownPath}: no rows fall in the training split`);
    const empty = taskRows.findIndex((n) => n === 0);
    if (empty >= 0)
      throw new DataFileError(
        `${options.shownPath}: no training row has task ${empty} in its column \`${tasks!.column}\`, so its share of each batch could not be filled`,
      );
    const data = new FileDataSet(options, splitOf, vocabularies, new RowEncoder(options.schema, options.shownPath, vocabularies), counts);
    data.skipped.count += untasked.length;
    data.skipped.examples.push(...untasked.slice(0, 5));
    return data;
  }

  train(): BatchSource {
    const tasks = this.options.tasks;
    if (!tasks) return this.batches(this.shuffled(this.endless("train"), this.options.seed));
    // A task's own endless pass: a task with fewer rows than its share repeats them sooner.
    const streams = tasks.shares.map((_, task) => this.shuffled(this.endless("train", task), this.options.seed + 7919 * (task + 1)));
    return this.composed(streams, tasks.shares);
  }

  private training: Promise<Examples> | undefined;

  /** The training split read once into memory (for epochs and label privacy). */
  finite(): Promise<Examples> {
    if (this.options.tasks)
      return Promise.reject(
        new DataSourceError(
          `\`tasks { … }\` composes each training batch from every task's rows: train by \`steps\`, ` +
            `not \`epochs\` (label privacy, which reads the training split once, does not apply either)`,
        ),
      );
    return (this.training ??= materialize(this.batches(this.encoded("train"))));
  }

  heldOut(split: "valid" | "test" = "valid"): BatchSource {
    return this.batches(this.encoded(split));
  }

  /** One pass over a split's rows (those of one task when given), encoded; bad rows throw or, with skipBadRows, are counted. */
  private async *encoded(split: Split, task?: number): AsyncGenerator<EncodedRow> {
    const tasks = this.options.tasks;
    const columns = tasks && task !== undefined ? [...new Set([...this.encoder.columns, tasks.column])] : this.encoder.columns;
    for await (const row of readRows(this.options.path, this.options.format, columns)) {
      if (this.splitOf(row) !== split) continue;
      if (task !== undefined && taskOf(row, tasks!) !== task) continue;
      try {
        yield this.encoder.encode(row, split === "train");
      } catch (error) {
        if (!(error instanceof BadRowError) || !this.options.skipBadRows) throw error;
        // Each pass (epochs, the engine probe, held-out passes) reads the row again: count it once.
        if (this.skipped.rows.has(row.index)) continue;
        this.skipped.rows.add(row.index);
        this.skipped.count++;
        if (this.skipped.examples.length < 5) this.skipped.examples.push(error.message);
      }
    }
  }

  /** Epoch after epoch of the training split (one task's rows when given). */
  private async *endless(split: Split, task?: number): AsyncGenerator<EncodedRow> {
    for (;;) {
      let any = false;
      for await (const row of this.encoded(split, task)) {
        any = true;
        yield row;
      }
      if (!any)
        throw new DataFileError(
          `${this.options.shownPath}: every row of the ${split} split${task === undefined ? "" : ` with task ${task}`} was skipped as bad`,
        );
    }
  }

  /** A shuffle buffer: fill it, then emit a random element and put the next row in its place. */
  private async *shuffled(rows: AsyncGenerator<EncodedRow>, seed: number): AsyncGenerator<EncodedRow> {
    const size = this.options.shuffle;
    if (size <= 1) return yield* rows;
    const random = mulberry32(seed);
    const buffer: EncodedRow[] = [];
    for await (const row of rows) {
      if (buffer.length < size) {
        buffer.push(row);
        continue;
      }
      const i = Math.floor(random() * size);
      yield buffer[i]!;
      buffer[i] = row;
    }
  }

  /** Batches of each task's quota of rows, task after task. */
  private composed(streams: readonly AsyncGenerator<EncodedRow>[], shares: readonly number[]): BatchSource {
    const fields = this.options.schema.fields;
    const shownPath = this.options.shownPath;
    return {
      async next(batchSize: number): Promise<Batch | undefined> {
        const quotas = taskQuotas(batchSize, shares);
        const starved = quotas.findIndex((q) => q === 0);
        if (starved >= 0)
          throw new DataSourceError(
            `${shownPath}: a batch of ${batchSize} gives task ${starved} (share ${shares[starved]} of ` +
              `${shares.reduce((a, b) => a + b, 0)}) no rows; raise the batch or the task's share`,
          );
        const taken: EncodedRow[] = [];
        for (const [task, quota] of quotas.entries()) {
          for (let i = 0; i < quota; i++) taken.push((await streams[task]!.next()).value as EncodedRow);
        }
        return packRows(taken, fields);
      },
    };
  }

  private batches(rows: AsyncGenerator<EncodedRow>): BatchSource {
    const fields = this.options.schema.fields;
    return {
      async next(batchSize: number): Promise<Batch | undefined> {
        const taken: EncodedRow[] = [];
        while (taken.length < batchSize) {
          const { value, done } = await rows.next();
          if (done) break;
          taken.push(value);
        }
        return taken.length ? packRows(taken, fields) : undefined;
      },
    };
  }
}

/** A row's task: the integer its task column holds, when it names one of the shares. */
function taskOf(row: Row, tasks: TaskShares): number | undefined {
  const task = toInteger(row.values[tasks.column]) ?? NaN;
  return Number.isInteger(task) && task >= 0 && task < tasks.shares.length ? task : undefined;
}
