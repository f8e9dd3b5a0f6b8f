// A data set read from a file through a schema. In: the path, format and schema from a plan's
// `data = parquet("…", schema = S, valid = 0.1, test = 0.1, shuffle = 10_000)` setting. Out:
// endless shuffled training batches and fresh passes over the validation or test split.
// Rows go to a split by time when the schema declares a `timestamp` (the latest rows are
// held out), else by a hash of the row number; vocabularies come from the training split.

import type { PlanSchema } from "../plan.js";
import type { Tensor } from "../tf.js";
import { packRows, type Batch, type BatchSource, type DataSet } from "./batch.js";
import { BadRowError, RowEncoder, type EncodedRow } from "./encode.js";
import { hashSplitter, timeSplitter, type Split, type Splitter } from "./split.js";
import { DataFileError, readRows, type TableFormat } from "./tables.js";
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
}

export class FileDataSet implements DataSet {
  readonly skipped = { count: 0, examples: [] as string[] };
  /** The model's constant inputs, from the train block's `constants = …` file (sources.ts sets it). */
  constants?: () => Promise<ReadonlyMap<string, Tensor>>;
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
    const columns = [...new Set(vocabFields.map((f) => f.column).concat(timestamp ? [timestamp.column] : []))];
    for await (const row of readRows(options.path, options.format, columns)) {
      const split = splitOf(row);
      counts[split]++;
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
      vocabFields.map((f) => [f.name, options.vocabularies?.get(f.name) ? new Vocabulary(options.vocabularies.get(f.name)!) : builders.get(f.name)!.build(f.space!.size)]),
    );
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total === 0) throw new DataFileError(`${options.shownPath} has no rows (an empty file, or a header alone)`);
    if (counts.train === 0) throw new DataFileError(`${options.shownPath}: no rows fall in the training split`);
    return new FileDataSet(options, splitOf, vocabularies, new RowEncoder(options.schema, options.shownPath, vocabularies), counts);
  }

  train(): BatchSource {
    const rows = this.shuffled(this.endless("train"));
    return this.batches(rows);
  }

  private training: Promise<Examples> | undefined;

  /** The training split read once into memory (for epochs and label privacy). */
  finite(): Promise<Examples> {
    return (this.training ??= materialize(this.batches(this.encoded("train"))));
  }

  heldOut(split: "valid" | "test" = "valid"): BatchSource {
    return this.batches(this.encoded(split));
  }

  /** One pass over a split's rows, encoded; bad rows throw or, with skipBadRows, are counted. */
  private async *encoded(split: Split): AsyncGenerator<EncodedRow> {
    for await (const row of readRows(this.options.path, this.options.format, this.encoder.columns)) {
      if (this.splitOf(row) !== split) continue;
      try {
        yield this.encoder.encode(row, split === "train");
      } catch (error) {
        if (!(error instanceof BadRowError) || !this.options.skipBadRows) throw error;
        this.skipped.count++;
        if (this.skipped.examples.length < 5) this.skipped.examples.push(error.message);
      }
    }
  }

  /** Epoch after epoch of the training split. */
  private async *endless(split: Split): AsyncGenerator<EncodedRow> {
    for (;;) {
      let any = false;
      for await (const row of this.encoded(split)) {
        any = true;
        yield row;
      }
      if (!any) throw new DataFileError(`${this.options.shownPath}: every row of the ${split} split was skipped as bad`);
    }
  }

  /** A shuffle buffer: fill it, then emit a random element and put the next row in its place. */
  private async *shuffled(rows: AsyncGenerator<EncodedRow>): AsyncGenerator<EncodedRow> {
    const size = this.options.shuffle;
    if (size <= 1) return yield* rows;
    const random = mulberry32(this.options.seed);
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
