// `rec data synth WORLD --out FILE [--rows N] [--seed S]`: writes a seeded synthetic world's
// rows to a Parquet, JSON-lines or CSV file (the format from the extension), atomically; how
// the examples' data files are made. `rec data worlds` lists the synthetic worlds with their
// arguments and fields (the contracts the checker verifies models against) and the row worlds.

import { extname, relative, resolve } from "node:path";
import type { CommandSpec } from "../args.js";
import { EXIT } from "../io.js";
import type { Command } from "./shared.js";
import { ROW_WORLDS } from "../../runtime/src/data/row-worlds.js";
import { writeTable } from "../../runtime/src/data/write-table.js";
import { formatOf } from "../../runtime/src/data/tables.js";
import type { WorldField, WorldRecord } from "../../runtime/src/data/world.js";
import { defaultText, fieldType, READ_BY } from "../../app/world-doc.js";
import { WORLD_RECORDS } from "../../app/worlds.js";
import { renderTable } from "../table.js";

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
    { name: "json", description: "With `worlds`: the worlds' contracts as JSON" },
  ],
};

export const data: Command = async (args, io) => {
  const [action, world] = args.positionals;
  if (action === "worlds") {
    io.stdout(
      args.options.get("json")
        ? `${JSON.stringify({ synthetic: WORLD_RECORDS.map(contractOf), rows: Object.entries(ROW_WORLDS).map(rowWorld) }, null, 2)}\n`
        : listWorlds(),
    );
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
    io.stderr(
      `error: --rows ${rows} is more than ${MAX_SYNTH_ROWS.toLocaleString("en-US")}, the most ` +
        `\`rec data synth\` builds in memory; write several files with different --seed values ` +
        `instead\n`,
    );
    return EXIT.usage;
  }
  const chosen = ROW_WORLDS[world];
  if (!chosen) {
    io.stderr(`error: no world \`${world}\`; the worlds are ${Object.keys(ROW_WORLDS).join(", ")}\n`);
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

/** A row world as `rec data worlds --json` lists it. */
const rowWorld = ([name, w]: [string, (typeof ROW_WORLDS)[string]]) => ({ name, description: w.description, columns: w.columns });

/** A record's contract and what it hides: everything but its generators. */
const contractOf = ({ name, kind, doc, args, fields, separation }: WorldRecord) => ({ name, kind, doc, args, fields, hidden: separation.hidden });

/** Every synthetic world with its arguments and fields (app/worlds.ts), then the row worlds `synth` writes. */
function listWorlds(): string {
  const out: string[] = ['Synthetic worlds (`data = synthetic("<world>", …)`; `rollouts { world = … }` for interactive ones):', ""];
  for (const world of WORLD_RECORDS) {
    out.push(`${world.name} (${world.kind}): ${world.doc}`);
    out.push(`  arguments: ${world.args.map((a) => `${a.name} = ${defaultText(a)}`).join(", ")}`);
    const parts: [string, readonly WorldField[]][] = Array.isArray(world.fields)
      ? [["", world.fields as readonly WorldField[]]]
      : Object.entries(world.fields as Record<string, readonly WorldField[]>);
    for (const [part, fields] of parts) {
      if (part) out.push(`  part = "${part}":`);
      out.push(
        ...renderTable(
          ["field", "type", "meaning"],
          fields.map((f) => [f.name.replace(/^arg:(.*)$/, "<$1>"), fieldType(f), f.doc]),
        ).map((line) => `    ${line}`),
      );
    }
    out.push(`  hidden: ${world.separation.hidden.map((h) => `${h.name} (${READ_BY[h.readBy]})`).join("; ")}`);
    out.push("");
  }
  out.push("Row worlds (`rec data synth WORLD --out FILE`):", ...Object.entries(ROW_WORLDS).map(([name, w]) => `  ${name}  ${w.description}`), "");
  return `${out.join("\n")}\n`;
}
