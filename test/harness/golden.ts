// Golden-file comparison: actual text vs the file beside the input. UPDATE_GOLDEN=1 rewrites
// them all (review the diff before committing). A missing golden file is written on a
// developer's first run, but fails under CI (CI=true): a clean clone must carry every golden.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "vitest";

export const updating = process.env["UPDATE_GOLDEN"] === "1";
export const inCi = Boolean(process.env["CI"]) && process.env["CI"] !== "false";

export function expectGolden(goldenPath: string, actual: string): void {
  if (!existsSync(goldenPath) && inCi && !updating) {
    expect.fail(`${goldenPath} is missing: run the tests once outside CI (or with UPDATE_GOLDEN=1), review it and commit it`);
  }
  if (updating || !existsSync(goldenPath)) {
    writeFileSync(goldenPath, actual);
    return;
  }
  const expected = readFileSync(goldenPath, "utf8");
  expect(actual, `${goldenPath} is stale: rerun with UPDATE_GOLDEN=1 and review the diff`).toBe(expected);
}
