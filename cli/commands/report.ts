// `rec report RUN_DIR|EXPERIMENT_DIR|SWEEP_DIR [--out FILE]`: one self-contained HTML page of a
// run, an experiment or a sweep (cli/report/), written to the folder's report.html by default.
// `rec train`, `rec compare` and `rec sweep` call `writeReport` when they finish.

import { join, relative, resolve } from "node:path";
import { writeFileAtomic } from "../../runtime/src/atomic-write.js";
import { renderReport } from "../report/report.js";
import { ReportError, reportFor } from "../report/report-data.js";
import { EXIT } from "../io.js";
import type { Command } from "./shared.js";

/** Writes `out` (default folder/report.html) for a folder; returns its path. */
export async function writeReport(folder: string, cwd: string, out = join(folder, "report.html")): Promise<string> {
  writeFileAtomic(out, renderReport(await reportFor(folder, cwd)));
  return out;
}

/** `writeReport` for the commands that train: a report that fails is a note, never the run's failure. */
export async function reportAfterRun(folder: string, cwd: string, log: (line: string) => void): Promise<void> {
  try {
    const path = await writeReport(folder, cwd);
    log(`report: ${relative(cwd, path) || path}\n`);
  } catch (error) {
    log(`note: no report written: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

export const reportCommand: Command = async (args, io) => {
  if (args.positionals.length !== 1) {
    io.stderr("error: `rec report` takes one folder: a run, an experiment's or a sweep's\n");
    return EXIT.usage;
  }
  const folder = resolve(io.cwd, args.positionals[0]!);
  const out = args.options.get("out") as string | undefined;
  try {
    const path = await writeReport(folder, io.cwd, out ? resolve(io.cwd, out) : undefined);
    io.stderr(`wrote ${relative(io.cwd, path) || path}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ReportError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
};
