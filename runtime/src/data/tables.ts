// Reading data files row by row, streamed: Parquet (one row group at a time, only the columns
// asked for, via hyparquet), JSON lines and CSV (a line or record at a time). In: a path and
// the columns wanted. Out: rows as plain objects with their 1-based row number, never the
// whole file in memory.

import { createReadStream, existsSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { extname } from "node:path";

export type TableFormat = "parquet" | "jsonl" | "csv";

export interface Row {
  /** 1-based position among the file's data rows (a CSV header is not a row). */
  readonly index: number;
  readonly values: Readonly<Record<string, unknown>>;
}

/** A file that cannot be read at all (missing, not the format it claims). Bad rows are BadRowError. */
export class DataFileError extends Error {
  override readonly name = "DataFileError";
}

export function formatOf(path: string, declared?: string): TableFormat {
  const format = declared ?? extname(path).slice(1).toLowerCase();
  if (format === "parquet" || format === "jsonl" || format === "csv") return format;
  if (format === "ndjson" || format === "json") return "jsonl";
  throw new DataFileError(`${path}: cannot tell the format from the name; use parquet(…), jsonl(…) or csv(…)`);
}

function requireFile(path: string) {
  if (!existsSync(path) || !statSync(path).isFile()) throw new DataFileError(`${path}: no such data file`);
}

/** The column names the file has (Parquet's schema, CSV's header, JSONL's first row's keys). */
export async function columnsOf(path: string, format: TableFormat): Promise<string[]> {
  requireFile(path);
  if (format === "parquet") {
    const { asyncBufferFromFile, parquetMetadataAsync, parquetSchema } = await import("hyparquet");
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path)).catch((e: Error) => {
      throw new DataFileError(`${path}: not a readable Parquet file (${e.message})`);
    });
    return parquetSchema(metadata).children.map((c) => c.element.name);
  }
  for await (const row of readRows(path, format)) return Object.keys(row.values);
  return [];
}

/** Streams the rows of a file; `columns` limits what Parquet decodes (text formats parse whole lines). */
export async function* readRows(path: string, format: TableFormat, columns?: readonly string[]): AsyncGenerator<Row> {
  requireFile(path);
  if (format === "parquet") yield* parquetRows(path, columns);
  else if (format === "jsonl") yield* jsonlRows(path);
  else yield* csvRows(path);
}

/**
 * The most rows a Parquet file may claim per byte it holds. A footer is not trusted: a damaged
 * (or hostile) one claiming 50 million rows in 118 KB made the reader allocate until it ran out
 * of memory. Run-length encoding can pack many rows in a byte, so the bound is generous.
 */
export const MAX_PARQUET_ROWS_PER_BYTE = 64;

async function* parquetRows(path: string, columns?: readonly string[]): AsyncGenerator<Row> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import("hyparquet");
  const file = await asyncBufferFromFile(path);
  const unreadable = (e: unknown): never => {
    throw new DataFileError(`${path}: not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
  };
  const metadata = await parquetMetadataAsync(file).catch(unreadable);
  const groups = metadata.row_groups.map((g) => Number(g.num_rows));
  const claimed = groups.reduce((a, b) => a + b, 0);
  if (groups.some((n) => !Number.isSafeInteger(n) || n < 0) || claimed !== Number(metadata.num_rows)) {
    throw new DataFileError(`${path}: a damaged Parquet footer (its row counts disagree: ${Number(metadata.num_rows)} in all, ${claimed} in its row groups)`);
  }
  if (claimed > MAX_PARQUET_ROWS_PER_BYTE * file.byteLength) {
    throw new DataFileError(
      `${path}: the Parquet footer claims ${claimed} rows in ${file.byteLength} bytes, more than ` +
        `${MAX_PARQUET_ROWS_PER_BYTE} per byte; the file is damaged`,
    );
  }
  let names: string[];
  try {
    names = columns ? [...columns] : parquetSchema(metadata).children.map((c) => c.element.name);
  } catch (e) {
    return unreadable(e);
  }
  let start = 0;
  for (const [g, rows] of groups.entries()) {
    const end = start + rows;
    const objects: Record<string, unknown>[] = Array.from({ length: rows }, () => ({}));
    // One column at a time: the reader decodes the columns of a read concurrently, and when one
    // of a damaged file's columns fails, the others' failures would surface later as unhandled
    // rejections (which end a Node process) after this error was already reported.
    for (const name of names) {
      let values: Record<string, unknown>[];
      try {
        values = await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end, columns: [name] });
      } catch (e) {
        throw new DataFileError(
          `${path}: row group ${g + 1} (rows ${start + 1}–${end}), column \`${name}\`, cannot be read (${e instanceof Error ? e.message : String(e)})`,
        );
      }
      if (values.length !== rows)
        throw new DataFileError(`${path}: row group ${g + 1} holds ${values.length} rows of \`${name}\`, but its footer says ${rows}`);
      values.forEach((v, i) => (objects[i]![name] = v[name]));
    }
    for (let i = 0; i < objects.length; i++) yield { index: start + i + 1, values: objects[i]! };
    start = end;
  }
}

async function* jsonlRows(path: string): AsyncGenerator<Row> {
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  let index = 0;
  for await (const raw of lines) {
    // A byte-order mark before the first line is not part of the JSON.
    const line = index === 0 ? raw.replace(/^\uFEFF/, "") : raw;
    if (!line.trim()) continue;
    index++;
    let values: unknown;
    let parsed = true;
    try {
      values = JSON.parse(line);
    } catch {
      parsed = false;
    }
    // A line that is not a JSON object is a bad row, reported by the caller with its number.
    if (values && typeof values === "object" && !Array.isArray(values)) yield { index, values: values as Record<string, unknown> };
    else
      yield {
        index,
        values: {
          [MALFORMED]: parsed ? `the line is JSON but not an object (${Array.isArray(values) ? "an array" : typeof values})` : "the line is not valid JSON",
        },
      };
  }
}

/** The key under which a row that cannot be read as fields keeps why (a bad row, not a bad value). */
export const MALFORMED = "\u0000malformed";

async function* csvRows(path: string): AsyncGenerator<Row> {
  let header: string[] | undefined;
  let index = 0;
  try {
    for await (const record of csvRecords(createReadStream(path, "utf8"))) {
      if (!header) {
        // A byte-order mark (saved by some spreadsheets) is not part of the first column's name.
        header = record.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h).trim());
        continue;
      }
      if (record.length === 1 && record[0] === "") continue;
      index++;
      if (record.length > header.length) {
        yield { index, values: { [MALFORMED]: `the row has ${record.length} fields, the header ${header.length}` } };
        continue;
      }
      const values: Record<string, unknown> = {};
      header.forEach((name, i) => {
        if (i < record.length) values[name] = record[i];
      });
      yield { index, values };
    }
  } catch (error) {
    if (error instanceof UnclosedQuote) throw new DataFileError(`${path}: ${error.message} (an unclosed \`"\`)`);
    throw error;
  }
}

/** RFC 4180 records from a character stream: quoted fields may hold commas, quotes ("") and newlines. */
export async function* csvRecords(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  let field = "";
  let record: string[] = [];
  let quoted = false;
  // A quote inside a quoted field: either the first of "" or the closing quote; the next
  // character (perhaps in the next chunk) decides.
  let quoteSeen = false;
  let afterQuote = false;
  let records = 0;
  for await (const chunk of chunks) {
    const text = String(chunk);
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (ch === '"') {
            field += '"';
            continue;
          }
          quoted = false;
          afterQuote = true;
        } else {
          if (ch === '"') quoteSeen = true;
          else field += ch;
          continue;
        }
      }
      if (ch === '"' && field === "" && !afterQuote) quoted = true;
      else if (ch === ",") {
        record.push(field);
        field = "";
        afterQuote = false;
      } else if (ch === "\n") {
        record.push(field.endsWith("\r") ? field.slice(0, -1) : field);
        records++;
        yield record;
        record = [];
        field = "";
        afterQuote = false;
      } else field += ch;
    }
  }
  if (quoted && !quoteSeen) throw new UnclosedQuote(records + 1);
  if (field !== "" || record.length) {
    record.push(field.endsWith("\r") ? field.slice(0, -1) : field);
    yield record;
  }
}

/** A quoted CSV field still open at the end of the file; `record` counts the header as 1. */
export class UnclosedQuote extends Error {
  override readonly name = "UnclosedQuote";
  constructor(readonly record: number) {
    super(`a quoted field opened in record ${record} is never closed`);
  }
}
