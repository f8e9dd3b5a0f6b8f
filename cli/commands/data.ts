// `rec data synth WORLD --out FILE [--rows N] [--seed S]`: writes a seeded synthetic world's
// rows to a Parquet, JSON-lines or CSV file (the format from the extension), atomically; how
// the examples' data files are made. `rec data worlds` lists the worlds.

import { extname, relative, resolve } from "node:path";
import type { CommandSpec } from "../args.js";
import { EXIT } from "../io.js";
import type { Command } from "./shared.js";
import { WORLDS } from "../../runtime/src/data/worlds.js";
import { writeTable } from "../../runtime/src/data/write-table.js";
import { formatOf } from "../../runtime/src/data/tables.js";

/** The rows `rec data synth` builds in memory before writing (a few hundred MB at most). */
const MAX_SYNTH_ROWS = 2_000_000;

export const dataSpec: CommandSpec = {
  name: "data",
  summary: "Write a synthetic world's rows to a data file (`synth`), or list the worlds (`worlds`).",
  usage: "rec data synth WORLD --out FILE [--rows N] [--seed N] | rec data worlds",
  options: [
    { name: "out", description: "The file to write: .parquet, .jsonl or .csv", values: [], valueName: "FILE" },
    { name: "rows", description: "How many rows", values: [], valueName: "N", default: "20000" },
    { name: "seed", description: "The world's seed", values: [], valueName: "N", default: "1" },
  ],
};

export const data: Command = async (args, io) => {
  const [action, world] = args.positionals;
  if (action === "worlds") {
    io.stdout(Object.entries(WORLDS).map(([name, w]) => `${name}  ${w.description}\n`).join(""));
    return EXIT.ok;
  }
  const out = args.options.get("out") as string | undefined;
  const rows = Number(args.options.get("rows"));
  const seed = Number(args.options.get("seed"));
  if (action !== "synth" || !world || !out || !Number.isInteger(rows) || rows <= 0 || !Number.isInteger(seed)) {
    io.stderr(`error: usage: ${dataSpec.usage}\n`);
    return EXIT.usage;
  }
  if (rows > MAX_SYNTH_ROWS) {
    io.stderr(`error: --rows ${rows} is more than ${MAX_SYNTH_ROWS.toLocaleString("en-US")}, the most \`rec data synth\` builds in memory; write several files with different --seed values instead\n`);
    return EXIT.usage;
  }
  const chosen = WORLDS[world];
  if (!chosen) {
    io.stderr(`error: no world \`${world}\`; the worlds are ${Object.keys(WORLDS).join(", ")}\n`);
    return EXIT.usage;
  }
  if (![".parquet", ".jsonl", ".csv"].includes(extname(out))) {
    io.stderr("error: --out must end in .parquet, .jsonl or .csv\n");
    return EXIT.usage;
  }
  const path = resolve(io.cwd, out);
  const written = await writeTable(path, formatOf(out), chosen.columns, chosen.rows(rows, seed));
  io.stderr(`wrote ${written} rows of \`${world}\` (seed ${seed}) to ${relative(io.cwd, path)}\n`);
  return EXIT.ok;
};
