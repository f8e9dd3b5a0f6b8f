// Golden-file comparison: actual text vs the file beside the input. A missing golden file is
// written on first run; UPDATE_GOLDEN=1 rewrites them all (review the diff before committing).

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "vitest";

export const updating = process.env["UPDATE_GOLDEN"] === "1";

export function expectGolden(goldenPath: string, actual: string): void {
  if (updating || !existsSync(goldenPath)) {
    writeFileSync(goldenPath, actual);
    return;
  }
  const expected = readFileSync(goldenPath, "utf8");
  expect(actual, `${goldenPath} is stale: rerun with UPDATE_GOLDEN=1 and review the diff`).toBe(expected);
}
