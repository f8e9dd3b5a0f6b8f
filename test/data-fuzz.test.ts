// Damaged data files: bytes of valid Parquet, JSON-lines and CSV files are flipped, cut or
// duplicated (seeded), and every reader must either read rows or stop with a DataFileError
// naming the file — never another exception (a library's error escaping as exit 70), a hang or
// an allocation the file's size does not justify. The reproduction tier runs many more variants.

import { describe, expect, it } from "vitest";
import { fuzzReader, sample } from "./harness/fuzz-data.js";

describe("damaged data files", () => {
  for (const format of ["parquet", "jsonl", "csv"] as const) {
    it(`${format}: every damaged copy reads or stops with a DataFileError naming the file`, async () => {
      const result = await fuzzReader(format, sample(format), format === "parquet" ? 60 : 40, 7);
      expect(result.crashed).toEqual([]);
      expect(result.clean).toBe(result.tried);
    });
  }
});
