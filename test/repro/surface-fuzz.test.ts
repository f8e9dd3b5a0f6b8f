// The surfaces no corpus covered, fuzzed at size (test/harness/fuzz-surfaces.ts): each input
// must end as its oracle says — run where it is valid, refused with a message naming the file or
// part where it is not — and none may crash. The counts are printed for docs/testing.md. The HTTP
// server has no fuzzer yet: it does not exist.

import { describe, expect, it } from "vitest";
import {
  fuzzDiff,
  fuzzKeyedConstants,
  fuzzOutputPaths,
  fuzzRollouts,
  fuzzSweeps,
  fuzzTaskShares,
  fuzzTitles,
  type SurfaceResult,
} from "../harness/fuzz-surfaces.js";

const report = (name: string, result: SurfaceResult) => {
  console.log(`surface fuzz, ${name}: ${result.tried} inputs, ${result.clean} clean, ${result.crashed.length} crashed`);
  expect(result.crashed).toEqual([]);
};

describe("surface fuzzers", () => {
  it("rollout environments: a probability outside [0, 1], NaN and infinite rewards, ids out of range, sessions that never end", async () =>
    report("rollouts", await fuzzRollouts(200, 11)));
  it("constants files keyed by id: repeated, missing, out-of-range and odd keys, odd vectors, a 200,000-row file", async () =>
    report("keyed constants", await fuzzKeyedConstants(150, 12)));
  it("tokenised titles: empty, binary, control characters, lone surrogates, 1 MB, not text", async () => report("titles", await fuzzTitles(20, 13)));
  it("task shares: zero, negative, fractional, huge, too many or too few; task values outside them", async () =>
    report("task shares", await fuzzTaskShares(400, 14)));
  it("sweep declarations: mutants of the sweep example, planned", async () => report("sweeps", await fuzzSweeps(300, 15)));
  it("rec diff on unrelated files and their mutants", async () => report("diff", await fuzzDiff(400, 16)));
  it("output paths: a missing folder, through a file, a folder, /dev/null, 300 characters, newlines and quotes, empty", async () =>
    report("output paths", await fuzzOutputPaths(17)));
});
