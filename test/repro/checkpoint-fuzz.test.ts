// The checkpoint fuzzer at scale: 5,000 damaged copies (test/checkpoint.test.ts runs 400 in the
// unit tier). Prints the counts (tried, loaded intact, refused, crashed).

import { describe, expect, it } from "vitest";
import { fuzzCheckpoint } from "../harness/fuzz-checkpoint.js";

describe("damaged checkpoints, at scale", () => {
  it("5,000 damaged copies load exactly what was saved or are refused", async () => {
    const result = await fuzzCheckpoint(5_000, 20_261_202);
    console.log(
      `checkpoint fuzz: tried ${result.tried}, loaded intact ${result.loaded}, refused ${result.refused}, ` +
        `read as another writer's file (both marks destroyed) ${result.unmarked}, crashed ${result.crashed.length}`,
    );
    expect(result.crashed.slice(0, 5)).toEqual([]);
    expect(result.unmarked).toBeLessThan(result.tried / 500);
  });
});
