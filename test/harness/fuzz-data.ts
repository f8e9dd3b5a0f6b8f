// The data-file fuzzer shared by test/data-fuzz.test.ts and test/repro/data-fuzz.test.ts: seeded
// damaged copies of valid Parquet, JSON-lines and CSV files, read to the end; a copy is clean when
// it reads or stops with a DataFileError naming the file, and crashed otherwise.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { xorshift32 } from "../../runtime/src/data/random.js";
import { DataFileError, readRows, type TableFormat } from "../../runtime/src/data/tables.js";
import { ROOT } from "./repo.js";

const scratch = join(ROOT, ".tmp", "data-fuzz");
mkdirSync(scratch, { recursive: true });

/** One damaged copy: some bytes flipped, maybe cut short, maybe a stretch repeated. */
export function damage(bytes: Buffer, rand: () => number): Buffer {
  let out = Buffer.from(bytes);
  const flips = 1 + Math.floor(rand() * 8);
  // Flips near the end hit a Parquet footer (its metadata), elsewhere the pages or the text.
  for (let i = 0; i < flips; i++) {
    const at = rand() < 0.5 ? out.length - 1 - Math.floor(rand() * Math.min(out.length, 600)) : Math.floor(rand() * out.length);
    out[at] = Math.floor(rand() * 256);
  }
  if (rand() < 0.2) out = out.subarray(0, Math.floor(rand() * out.length));
  if (rand() < 0.1) {
    const from = Math.floor(rand() * out.length);
    out = Buffer.concat([out.subarray(0, from), out.subarray(from, from + 64), out.subarray(from)]);
  }
  return out;
}

export async function fuzzReader(
  format: TableFormat,
  original: Buffer,
  variants: number,
  seed: number,
): Promise<{ tried: number; clean: number; crashed: string[] }> {
  const rand = xorshift32(seed);
  const crashed: string[] = [];
  let clean = 0;
  for (let v = 0; v < variants; v++) {
    const path = join(scratch, `damaged-${seed}-${v}.${format}`);
    writeFileSync(path, damage(original, rand));
    try {
      let rows = 0;
      for await (const _row of readRows(path, format)) rows++;
      clean++;
    } catch (error) {
      if (error instanceof DataFileError && error.message.includes(path)) clean++;
      else crashed.push(`${path}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
  return { tried: variants, clean, crashed };
}

export function sample(format: TableFormat): Buffer {
  if (format === "parquet") return readFileSync(join(ROOT, "examples/ctr/data/impressions.parquet"));
  const rows = Array.from({ length: 200 }, (_, i) => ({
    uid: i % 17,
    features: [i / 10, 1 - i / 100],
    clicked: i % 3 === 0 ? 1 : 0,
    note: i % 5 ? "plain" : 'with "quotes", commas\nand a newline',
  }));
  if (format === "jsonl") return Buffer.from(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const quote = (v: unknown) => `"${String(v).replace(/"/g, '""')}"`;
  return Buffer.from(
    ["uid,features,clicked,note", ...rows.map((r) => [r.uid, quote(JSON.stringify(r.features)), r.clicked, quote(r.note)].join(","))].join("\n") + "\n",
  );
}
