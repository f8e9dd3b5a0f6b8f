// The spec fuzzer at scale: 30,000 mutants of the examples and paper modules through the whole
// compiler (test/property.test.ts runs 3,000 in the unit tier). Prints the counts (tried,
// accepted, rejected, crashed).

import { describe, expect, it } from "vitest";
import { fuzzSpecs } from "../harness/fuzz-specs.js";

describe("mutated specs, at scale", () => {
  it("30,000 mutants end in diagnostics or a verified graph", () => {
    const result = fuzzSpecs(30_000, 20_261_201);
    console.log(`spec fuzz: tried ${result.tried}, accepted ${result.accepted}, rejected ${result.rejected}, crashed ${result.crashed.length}`);
    expect(result.crashed.slice(0, 5)).toEqual([]);
  });
});
