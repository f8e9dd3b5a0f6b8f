// `rec predict FILE --checkpoint PATH --data ROWS [--out FILE] [--with-inputs]`: every row of a
// user's file scored by a trained model (runtime/src/score-rows.ts), read through the model's
// schema with training data's checks, a batch at a time. Out: one JSON line per row on stdout
// (`{"row": 1, "probability": 0.73, "inputs": {…}}`), or a .jsonl, .csv or .parquet file
// written atomically (inputs as `inputs.<name>` columns).

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { openData } from "../../app/data.js";
import { loadServingWeights } from "../../runtime/src/checkpoint/checkpoint.js";
import { constantInputs } from "../../runtime/src/data/constants.js";
import { BadRowError } from "../../runtime/src/data/encode.js";
import type { EncodedRow } from "../../runtime/src/data/encode.js";
import { formatOf, readRows } from "../../runtime/src/data/tables.js";
import { loadVocabularies } from "../../runtime/src/data/vocab.js";
import { writeTable } from "../../runtime/src/data/write-table.js";
import type { Plan } from "../../runtime/src/plan.js";
import { predictSchemaOf, RowScorer, type RowValue, type ScoredRow } from "../../runtime/src/score-rows.js";
import { useBackend, type BackendName } from "../../runtime/src/tfjs/backends.js";
import { Executor } from "../../runtime/src/tfjs/executor.js";
import { bindConstants } from "../../runtime/src/tfjs/feeds.js";
import { EXIT, type CliIo } from "../io.js";
import { dimSizesFrom, type CommandArgs } from "./shared.js";
import { inputsOf } from "../../runtime/src/serve.js";
import { reportingUserErrors } from "./user-errors.js";

export function predictRows(args: CommandArgs, io: CliIo, plan: Plan): Promise<number> {
  const option = (name: string) => args.options.get(name) as string | undefined;
  const batch = Number(option("batch") ?? 256);
  if (!Number.isInteger(batch) || batch < 1) {
    io.stderr(`error: --batch ${option("batch")}: a whole number of rows, at least 1\n`);
    return Promise.resolve(EXIT.usage);
  }
  const out = option("out");
  const sizes = dimSizesFrom(args, io);
  if (!sizes) return Promise.resolve(EXIT.usage);
  return reportingUserErrors(io, async () => {
    const dataPath = resolve(io.cwd, option("data")!);
    const format = formatOf(dataPath);
    const outFormat = out === undefined ? undefined : formatOf(out);
    await useBackend(option("backend") as BackendName);
    const executor = new Executor(plan, 0);
    const checkpoint = resolve(io.cwd, option("checkpoint")!);
    for (const note of loadServingWeights(executor, checkpoint)) io.stderr(`note: ${note}\n`);
    const specDir = dirname(resolve(io.cwd, args.positionals[0]!));
    if (constantInputs(plan).length)
      await bindConstants(executor, await openData(plan, plan.train[0]?.settings["data"] as string | undefined, { seed: 0, baseDir: specDir }));
    const vocabFile = join(dirname(checkpoint), "vocab.json");
    const vocabularies = existsSync(vocabFile) ? loadVocabularies(vocabFile) : new Map<string, string[]>();
    const scorer = new RowScorer(executor, predictSchemaOf(plan, specDir, inputsOf(plan), sizes), vocabularies, option("data")!);
    const withInputs = args.options.get("with-inputs") === true;
    const skip = args.options.get("skip-bad-rows") === true;
    const scored: ScoredRow[] = [];
    let [pending, skipped] = [[] as EncodedRow[], 0];
    const flush = async () => {
      const rows = await scorer.score(pending, withInputs);
      pending = [];
      if (outFormat) scored.push(...rows);
      else for (const row of rows) io.stdout(`${JSON.stringify(lineOf(row))}\n`);
    };
    for await (const row of readRows(dataPath, format, scorer.columns)) {
      try {
        pending.push(scorer.encode(row));
      } catch (error) {
        if (!(error instanceof BadRowError) || !skip) throw error;
        skipped++;
        if (skipped <= 5) io.stderr(`skipped: ${error.message}\n`);
      }
      if (pending.length === batch) await flush();
    }
    await flush();
    executor.dispose();
    if (out !== undefined && outFormat) {
      const written = await writeScores(resolve(io.cwd, out), outFormat, scored);
      io.stderr(`wrote ${written.toLocaleString("en-US")} scored rows to ${out}\n`);
    }
    if (skipped) io.stderr(`skipped ${skipped} bad row${skipped === 1 ? "" : "s"} (--skip-bad-rows)\n`);
    return EXIT.ok;
  });
}

const lineOf = (row: ScoredRow) => ({ row: row.row, ...row.heads, ...(row.inputs ? { inputs: row.inputs } : {}) });

/** Scores as a table: `row`, each head, then `inputs.<name>`; a value with more than one axis is flattened. */
async function writeScores(path: string, format: "parquet" | "jsonl" | "csv", rows: readonly ScoredRow[]): Promise<number> {
  if (format === "jsonl") return writeTable(path, format, [], rows.map(lineOf) as never);
  const flat = rows.map((r) => ({
    row: r.row,
    ...r.heads,
    ...Object.fromEntries(Object.entries(r.inputs ?? {}).map(([k, v]) => [`inputs.${k}`, v])),
  }));
  const first = flat[0] ?? { row: 0 };
  const kindOf = (v: RowValue) => (Array.isArray(v) ? "float_list" : "float") as "float" | "float_list";
  const columns = Object.entries(first).map(([name, v]) => ({ name, kind: name === "row" ? ("int" as const) : kindOf(v as RowValue) }));
  return writeTable(
    path,
    format,
    columns,
    flat.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, flatten(v as RowValue)]))),
  );
}

function flatten(v: RowValue): number | number[] {
  if (!Array.isArray(v)) return v;
  const out: number[] = [];
  const walk = (x: RowValue) => (Array.isArray(x) ? x.forEach(walk) : out.push(x));
  walk(v);
  return out;
}
