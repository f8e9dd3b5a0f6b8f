// Writing rows to a data file, atomically: Parquet (typed columns, lists as Parquet LISTs,
// row groups of 10,000 rows, via hyparquet-writer), JSON lines, or CSV (lists as
// space-separated values). In: the columns with their kinds and the rows. Out: the file.
// `parquetStream` writes a Parquet file a row group at a time, for outputs too large to hold.

import { openAtomic, writeFileAtomic } from "../atomic-write.js";
import type { TableFormat } from "./tables.js";
import type { ColumnKind } from "./row-worlds.js";

type Columns = readonly { readonly name: string; readonly kind: ColumnKind }[];
type Rows = Iterable<Record<string, number | number[]>>;

export async function writeTable(path: string, format: TableFormat, columns: Columns, rows: Rows): Promise<number> {
  if (format === "parquet") return writeParquet(path, columns, rows);
  const lines: string[] = format === "csv" ? [columns.map((c) => c.name).join(",")] : [];
  for (const row of rows) {
    if (format === "jsonl") lines.push(JSON.stringify(row));
    else lines.push(columns.map((c) => (Array.isArray(row[c.name]) ? (row[c.name] as number[]).join(" ") : String(row[c.name]))).join(","));
  }
  writeFileAtomic(path, `${lines.join("\n")}\n`);
  return format === "csv" ? lines.length - 1 : lines.length;
}

const PARQUET_TYPE: Record<ColumnKind, "INT32" | "FLOAT" | "INT64"> = {
  int: "INT32",
  float: "FLOAT",
  float_list: "FLOAT",
  int_list: "INT32",
  timestamp: "INT64",
};

async function writeParquet(path: string, columns: Columns, rows: Rows): Promise<number> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const data = new Map(columns.map((c) => [c.name, [] as unknown[]]));
  let count = 0;
  for (const row of rows) {
    count++;
    for (const c of columns) data.get(c.name)!.push(c.kind === "timestamp" ? BigInt(row[c.name] as number) : row[c.name]);
  }
  const buffer = parquetWriteBuffer({
    schema: parquetSchema(columns),
    columnData: columns.map((c) => ({ name: c.name, data: data.get(c.name)! })),
    rowGroupSize: 10_000,
  });
  writeFileAtomic(path, new Uint8Array(buffer));
  return count;
}

function parquetSchema(columns: Columns) {
  return [
    { name: "root", num_children: columns.length },
    ...columns.flatMap((c) =>
      c.kind.endsWith("_list")
        ? [
            { name: c.name, repetition_type: "REQUIRED" as const, converted_type: "LIST" as const, num_children: 1 },
            { name: "list", repetition_type: "REPEATED" as const, num_children: 1 },
            { name: "element", repetition_type: "REQUIRED" as const, type: PARQUET_TYPE[c.kind] },
          ]
        : [{ name: c.name, repetition_type: "REQUIRED" as const, type: PARQUET_TYPE[c.kind] }],
    ),
  ];
}

/**
 * A Parquet file written a row group at a time (one `write` per group), for outputs too large to
 * hold: the bytes go to a temporary file as they are encoded, which `close` renames over `path`.
 */
export async function parquetStream(path: string, columns: Columns): Promise<{ write(rows: Record<string, unknown[]>): void; close(): void; abort(): void }> {
  const { ParquetWriter, fileWriter } = await import("hyparquet-writer");
  const file = openAtomic(path);
  const writer = new ParquetWriter({ writer: fileWriter(file.temporary), schema: parquetSchema(columns) });
  return {
    write(data) {
      const size = data[columns[0]!.name]!.length;
      writer.write({ columnData: columns.map((c) => ({ name: c.name, data: data[c.name]! })), rowGroupSize: size });
    },
    close() {
      writer.finish();
      file.commit();
    },
    abort() {
      file.abort();
    },
  };
}
