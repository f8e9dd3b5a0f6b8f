// `rec predict FILE --checkpoint PATH --data ROWS [--out FILE] [--with-inputs]`: every row of a
// user's file scored by a trained model (runtime/src/score-rows.ts), read through the model's
// schema with training data's checks, a batch at a time. Out: one JSON line per row on stdout
// (`{"row": 1, "probability": 0.73, "inputs": {…}}`), or a .jsonl, .csv or .parquet file
// written atomically (inputs as `inputs.<name>` columns).

import { appendFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { openData } from "../../app/data.js";
import { loadServingWeights } from "../../runtime/src/checkpoint/checkpoint.js";
import { constantInputs } from "../../runtime/src/data/constants.js";
import { BadRowError } from "../../runtime/src/data/encode.js";
import type { EncodedRow } from "../../runtime/src/data/encode.js";
import { formatOf, readRows, type TableFormat } from "../../runtime/src/data/tables.js";
import { vocabulariesBeside } from "../../runtime/src/data/vocab.js";
import { parquetStream } from "../../runtime/src/data/write-table.js";
import { openAtomic } from "../../runtime/src/atomic-write.js";
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
    const scorer = new RowScorer(executor, predictSchemaOf(plan, specDir, inputsOf(plan), sizes), vocabulariesBeside(checkpoint), option("data")!);
    const withInputs = args.options.get("with-inputs") === true;
    const skip = args.options.get("skip-bad-rows") === true;
    let [pending, skipped, written] = [[] as EncodedRow[], 0, 0];
    // Scores go out a batch at a time: to stdout, or to a file that replaces --out once complete.
    let sink: ScoreSink | undefined;
    const flush = async () => {
      const rows = await scorer.score(pending, withInputs);
      pending = [];
      if (!rows.length) return;
      if (out === undefined) for (const row of rows) io.stdout(`${JSON.stringify(lineOf(row))}\n`);
      else (sink ??= await openScoreSink(resolve(io.cwd, out), outFormat!, rows[0]!)).write(rows);
      written += rows.length;
    };
    try {
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
      sink?.close();
    } catch (error) {
      sink?.abort();
      throw error;
    } finally {
      executor.dispose();
    }
    if (out !== undefined)
      io.stderr(`wrote ${written.toLocaleString("en-US")} scored rows to ${out}${sink ? "" : " (none: no row was scored, nothing written)"}\n`);
    if (skipped) io.stderr(`skipped ${skipped} bad row${skipped === 1 ? "" : "s"} (--skip-bad-rows)\n`);
    return EXIT.ok;
  });
}

const lineOf = (row: ScoredRow) => ({ row: row.row, ...row.heads, ...(row.inputs ? { inputs: row.inputs } : {}) });

/** Where scores are written, a batch at a time; `close` puts the complete file in place, `abort` leaves nothing. */
interface ScoreSink {
  write(rows: readonly ScoredRow[]): void;
  close(): void;
  abort(): void;
}

/**
 * A .jsonl (one JSON line per row, as stdout), .csv or .parquet sink: `row`, each head, then
 * `inputs.<name>`, the columns and their kinds taken from the first row; a value with more than
 * one axis is flattened (CSV: space-separated).
 */
async function openScoreSink(path: string, format: TableFormat, first: ScoredRow): Promise<ScoreSink> {
  const flat = (r: ScoredRow): Record<string, number | number[]> => ({
    row: r.row,
    ...Object.fromEntries(Object.entries(r.heads).map(([k, v]) => [k, flatten(v)])),
    ...Object.fromEntries(Object.entries(r.inputs ?? {}).map(([k, v]) => [`inputs.${k}`, flatten(v)])),
  });
  const columns = Object.entries(flat(first)).map(([name, v]) => ({
    name,
    kind: name === "row" ? ("int" as const) : Array.isArray(v) ? ("float_list" as const) : ("float" as const),
  }));
  if (format === "parquet") {
    const stream = await parquetStream(path, columns);
    return {
      write: (rows) => {
        const values = rows.map(flat);
        stream.write(Object.fromEntries(columns.map((c) => [c.name, values.map((v) => v[c.name])])));
      },
      close: () => stream.close(),
      abort: () => stream.abort(),
    };
  }
  const file = openAtomic(path);
  const line = (r: ScoredRow) => {
    if (format === "jsonl") return JSON.stringify(lineOf(r));
    const values = flat(r);
    return columns.map((c) => (Array.isArray(values[c.name]) ? (values[c.name] as number[]).join(" ") : String(values[c.name]))).join(",");
  };
  writeFileSync(file.temporary, format === "csv" ? `${columns.map((c) => c.name).join(",")}\n` : "");
  return {
    write: (rows) => appendFileSync(file.temporary, rows.map((r) => `${line(r)}\n`).join("")),
    close: () => file.commit(),
    abort: () => file.abort(),
  };
}

function flatten(v: RowValue): number | number[] {
  if (!Array.isArray(v)) return v;
  const out: number[] = [];
  const walk = (x: RowValue) => (Array.isArray(x) ? x.forEach(walk) : out.push(x));
  walk(v);
  return out;
}
