// The formatter's property test at full size (test/harness/format-fuzz.ts): 16,000 seeded
// mutants of the repository's specs with comments after random tokens, of which more than
// 10,000 parse, formatted at widths 40, 60, 80 and 100. None may come out unparseable, with
// another meaning, with a comment lost or moved, or different when formatted again.

import { describe, expect, it } from "vitest";
import { fuzzFormat } from "../harness/format-fuzz.js";

describe("rec fmt on 16,000 mutants with comments", () => {
  it("keeps every mutant's meaning and comments, idempotently", async () => {
    const result = await fuzzFormat(16_000, 101);
    console.log(`format fuzz: ${result.formatted} formatted, ${result.refused} refused with a place, ${result.failures.length} broken`);
    expect(result.failures).toEqual([]);
    expect(result.formatted).toBeGreaterThanOrEqual(10_000);
    expect(result.refused).toBeLessThanOrEqual(result.formatted / 100);
  });
});
