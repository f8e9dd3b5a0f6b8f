// Which split (train, validation, test) each row of a data file belongs to. By time when the
// schema declares a timestamp: the latest \`test\` fraction of rows is test and the \`valid\`
// fraction before it validation (one pass reads the timestamps; they are the only per-row
// state kept). Otherwise by a hash of the row number: stable across runs, seeds and shuffles.

import { toTime } from "./encode.js";
import { mulberry32 } from "./random.js";
import { MALFORMED, readRows, type Row, type TableFormat } from "./tables.js";

export type Split = "train" | "valid" | "test";

/** Decides each row's split. */
export type Splitter = (row: Row) => Split;

export interface SplitOptions {
  readonly valid: number;
  readonly test: number;
}

interface FileRef {
  readonly path: string;
  readonly shownPath: string;
  readonly format: TableFormat;
}

/** Split by a hash of the row number: stable across runs and seeds, independent of order. */
export function hashSplitter(options: SplitOptions): Splitter {
  return (row) => {
    const u = mulberry32(Math.imul(row.index, 0x9e3779b1) ^ 0x5bd1e995)();
    return u < options.test ? "test" : u < options.test + options.valid ? "valid" : "train";
  };
}

/** Split by time: reads the timestamp column once. */
export async function timeSplitter(options: SplitOptions & FileRef, column: string): Promise<Splitter> {
  const times: number[] = [];
  // A row that cannot be read (extra fields, a line that is not JSON) or has no timestamp is the
  // encoder's to report — by file, row and the right column — or to skip (--skip-bad-rows); here
  // it has no time (NaN), takes no part in the cut points and goes to train, where it is dropped.
  for await (const row of readRows(options.path, options.format, [column])) {
    times[row.index - 1] = MALFORMED in row.values ? NaN : (toTime(row.values[column]) ?? NaN);
  }
  const sorted = Float64Array.from(times.filter((t) => !Number.isNaN(t))).sort();
  const cut = (fraction: number) => (fraction <= 0 ? Infinity : (sorted[Math.max(0, Math.floor(sorted.length * (1 - fraction)))] ?? Infinity));
  const testFrom = cut(options.test);
  const validFrom = cut(options.test + options.valid);
  return (row) => {
    const t = times[row.index - 1] ?? NaN;
    return t >= testFrom ? "test" : t >= validFrom ? "valid" : "train";
  };
}
