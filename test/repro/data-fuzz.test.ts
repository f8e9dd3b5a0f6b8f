// The data-file fuzzer at scale: 2,000 damaged copies of each format (test/data-fuzz.test.ts runs
// a hundred or so in the unit tier). Prints the counts (tried, clean, crashed).

import { describe, expect, it } from "vitest";
import { fuzzReader, sample } from "../harness/fuzz-data.js";

describe("damaged data files, at scale", () => {
  for (const format of ["parquet", "jsonl", "csv"] as const) {
    it(`${format}: 2,000 damaged copies read or stop with a DataFileError`, async () => {
      const result = await fuzzReader(format, sample(format), 2000, 20_261_201);
      console.log(`data fuzz ${format}: tried ${result.tried}, clean ${result.clean}, crashed ${result.crashed.length}`);
      expect(result.crashed.slice(0, 5)).toEqual([]);
    });
  }
});
