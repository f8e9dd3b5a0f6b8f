// `rec tables [--check] FILE.md…`: regenerates the results tables of a README from the
// results.json beside it, or of a page from the results.json files its blocks name with
// `"from"` (docs/results.md); app/results-tables.ts says how a table is marked. `--check`
// changes nothing and exits 1 when a table is stale.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../../runtime/src/atomic-write.js";
import type { CommandSpec } from "../args.js";
import { EXIT } from "../io.js";
import type { ExperimentRecord } from "../../app/experiment.js";
import { countTables, regenerateTables, tableSources } from "../../app/results-tables.js";
import type { Command } from "./shared.js";

export const tablesSpec: CommandSpec = {
  name: "tables",
  summary: "Regenerate a README's results tables from the results.json beside it (or the ones its tables name).",
  usage: "rec tables [--check] FILE.md...",
  options: [{ name: "check", description: "Change nothing; exit 1 when a table is stale" }],
};

export const tables: Command = (args, io) => {
  if (args.positionals.length === 0) {
    io.stderr("error: `rec tables` takes one or more markdown files\n");
    return EXIT.usage;
  }
  let stale = 0;
  for (const file of args.positionals) {
    const path = resolve(io.cwd, file);
    if (!existsSync(path)) {
      io.stderr(`error: cannot read \`${file}\`: no such file\n`);
      return EXIT.usage;
    }
    const markdown = readFileSync(path, "utf8");
    // Each block reads the results.json its `"from"` names, or the one beside the file: each read once.
    const sourceOf = (from: string | undefined) => join(dirname(path), from ?? "results.json");
    const missing = [...new Set(tableSources(markdown))].filter((from) => !existsSync(sourceOf(from)));
    if (missing.length) {
      const from = missing[0];
      io.stderr(
        `error: ${file} reads ${sourceOf(from)}, which does not ` +
          `exist${from === undefined ? " (a block without `from` reads the results.json beside the file)" : ""}\n`,
      );
      return EXIT.usage;
    }
    const records = new Map<string | undefined, ExperimentRecord>();
    let regenerated: string;
    try {
      regenerated = regenerateTables(
        markdown,
        (from) => records.get(from) ?? records.set(from, JSON.parse(readFileSync(sourceOf(from), "utf8")) as ExperimentRecord).get(from)!,
      );
    } catch (error) {
      io.stderr(`error: ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.usage;
    }
    if (regenerated === markdown) {
      io.stdout(`${file}: ${countTables(markdown)} tables up to date\n`);
      continue;
    }
    stale++;
    if (args.options.get("check")) io.stdout(`${file}: stale (run \`rec tables ${file}\`)\n`);
    else {
      writeFileAtomic(path, regenerated);
      io.stdout(`${file}: ${countTables(markdown)} tables regenerated\n`);
    }
  }
  return stale && args.options.get("check") ? EXIT.errors : EXIT.ok;
};
