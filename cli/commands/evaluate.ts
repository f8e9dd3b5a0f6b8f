// `rec eval FILE --checkpoint PATH` and `rec predict FILE --checkpoint PATH`: load trained
// weights into the compiled model and report its metrics on the held-out split of its data
// (validation or test; for generated data, fresh batches), or print its heads for one batch.
// `rec eval --index ITEM --query QUERY` reports Recall@K against a full index instead
// (runtime/src/full-index-recall.ts), by the training split's popularity where the data ends.
// Vocabularies saved beside the checkpoint map ids as in training.

import { feedsOf } from "../../runtime/src/tfjs/feeds.js";
import { openData } from "../../app/data.js";
import { bindConstants } from "../../runtime/src/tfjs/feeds.js";
import { renderTable } from "../table.js";
import { useBackend, type BackendName } from "../../runtime/src/tfjs/backends.js";
import { loadServingWeights } from "../../runtime/src/checkpoint/checkpoint.js";
import { DataSourceError } from "../../runtime/src/data/sources.js";
import type { BatchSource, DataSet } from "../../runtime/src/data/batch.js";
import { catalogueOf } from "../../runtime/src/embed.js";
import { fullIndexRecall } from "../../runtime/src/full-index-recall.js";
import { dirname, join, resolve } from "node:path";
import { Executor } from "../../runtime/src/tfjs/executor.js";
import { tf } from "../../runtime/src/tfjs/tf.js";
import { evaluateMetrics } from "../../runtime/src/tfjs/train/trainer.js";
import { reportingUserErrors } from "./user-errors.js";
import { EXIT, type CliIo } from "../io.js";
import { chosenModel, compileArgs, type Command, type CommandArgs } from "./shared.js";
import { predictRows } from "./predict-rows.js";

async function withModel(
  args: CommandArgs,
  io: CliIo,
  name: string,
  run: (executor: Executor, data: BatchSource, batch: number, defaultBatches: number, dataSet: DataSet) => Promise<void>,
): Promise<number> {
  if (args.positionals.length !== 1 || !args.options.get("checkpoint")) {
    io.stderr(`error: \`rec ${name}\` takes one file and --checkpoint PATH\n`);
    return EXIT.usage;
  }
  const number = (key: string) => Number(args.options.get(key) ?? NaN);
  const result = compileArgs(args, io);
  if (typeof result === "number") return result;
  const plan = result.plans[0];
  if (!plan) {
    io.stderr("error: the file declares no model\n");
    return EXIT.usage;
  }
  return reportingUserErrors(io, async () => {
    await useBackend(args.options.get("backend") as BackendName);
    const executor = new Executor(plan, 0);
    const checkpoint = resolve(io.cwd, args.options.get("checkpoint") as string);
    for (const note of loadServingWeights(executor, checkpoint)) io.stderr(`note: ${note}\n`);
    const settings = plan.train[0]?.settings ?? {};
    const batch = Number.isFinite(number("batch")) ? number("batch") : typeof settings["batch"] === "number" ? settings["batch"] : 64;
    const data = await openData(plan, settings["data"] as string | undefined, {
      seed: number("seed") || 0,
      baseDir: dirname(resolve(io.cwd, args.positionals[0]!)),
      skipBadRows: args.options.get("skip-bad-rows") === true,
      vocabularyFile: join(dirname(checkpoint), "vocab.json"),
    });
    await bindConstants(executor, data);
    await run(executor, data.heldOut(args.options.get("split") === "test" ? "test" : "valid"), batch, data.heldOutBatches ? 8 : 0, data);
    executor.dispose();
    return EXIT.ok;
  });
}

export const evalCommand: Command = (args, io) => {
  const [index, query] = [args.options.get("index") as string | undefined, args.options.get("query") as string | undefined];
  const ks = String(args.options.get("k") ?? "10,100")
    .split(",")
    .map(Number);
  if ((index === undefined) !== (query === undefined) || !ks.every((k) => Number.isInteger(k) && k >= 1)) {
    io.stderr("error: `rec eval --index ENCODER` takes --query ENCODER too, and --k whole numbers of at least 1 (`--k 10,100`)\n");
    return Promise.resolve(EXIT.usage);
  }
  return withModel(args, io, "eval", async (executor, data, batch, defaultBatches, dataSet) => {
    const batches = args.options.get("batches") === undefined ? defaultBatches : Number(args.options.get("batches"));
    if (index !== undefined && query !== undefined)
      return recallAgainstIndex(io, executor, { item: index, query }, data, dataSet, {
        batches,
        batchSize: batch,
        ks,
        json: args.options.get("json") === true,
      });
    const metrics = await evaluateMetrics(executor, data, batches, batch);
    if (args.options.get("json")) io.stdout(`${JSON.stringify(metrics, null, 2)}\n`);
    else {
      io.stdout(
        `${renderTable(
          ["metric", "value"],
          Object.entries(metrics).map(([k, v]) => [k, v.toFixed(4)]),
        ).join("\n")}\n`,
      );
    }
  });
};

/** Recall@K of the held-out examples against every item, by the training split's popularity where the data ends. */
async function recallAgainstIndex(
  io: CliIo,
  executor: Executor,
  encoders: { item: string; query: string },
  heldOut: BatchSource,
  data: DataSet,
  options: { batches: number; batchSize: number; ks: number[]; json: boolean },
): Promise<void> {
  const catalogue = catalogueOf(executor.plan, encoders.item);
  // Popularity from the training split, where the data ends (an endless world has no cold items to speak of).
  let trainingCounts: Int32Array | undefined;
  const examples = data.finite ? await data.finite() : undefined;
  const column = examples?.columns.get(catalogue.input.name);
  if (column) {
    trainingCounts = new Int32Array(catalogue.size);
    for (const id of column.data) if (id >= 0 && id < catalogue.size) trainingCounts[id]!++;
  }
  const result = await fullIndexRecall(executor, encoders, heldOut, { ...options, ...(trainingCounts ? { trainingCounts } : {}) });
  if (options.json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const header = ["examples", "count", ...options.ks.map((k) => `recall@${k}`)];
  const rows = Object.entries(result.buckets).map(([bucket, entry]) => [
    bucket,
    String(entry!.examples),
    ...options.ks.map((k) => (entry!.examples ? entry!.recall[`recall_at_${k}`]!.toFixed(4) : "—")),
  ]);
  io.stdout(
    `exact search over ${result.items.toLocaleString("en-US")} items by \`${encoders.item}\`, queries by \`${encoders.query}\`` +
      (trainingCounts
        ? "; head: the most frequent training items, 80% of its examples; tail: the other seen items; cold: unseen in training\n"
        : " (the data does not end: no popularity buckets)\n"),
  );
  io.stdout(`${renderTable(header, rows).join("\n")}\n`);
}

export const predictCommand: Command = (args, io) => {
  if (args.options.get("data") !== undefined) {
    if (args.positionals.length !== 1 || !args.options.get("checkpoint")) {
      io.stderr("error: `rec predict --data ROWS` takes one file and --checkpoint PATH\n");
      return Promise.resolve(EXIT.usage);
    }
    const result = compileArgs(args, io);
    if (typeof result === "number") return Promise.resolve(result);
    const index = chosenModel(result, args, io);
    if (index === undefined) return Promise.resolve(EXIT.usage);
    return predictRows(args, io, result.plans[index]!);
  }
  return withModel(args, io, "predict", async (executor, data, batch) => {
    const rows = Number(args.options.get("rows"));
    const input = await data.next(batch);
    if (!input) throw new DataSourceError("the held-out split has no rows to predict on");
    const out: Record<string, unknown> = {};
    const feeds = feedsOf(input);
    const heads = tf.tidy(() => Object.fromEntries(executor.run("predict", feeds)) as Record<string, tf.Tensor>);
    for (const [name, value] of Object.entries(heads)) {
      const array = await value.array();
      out[name] = Array.isArray(array) ? array.slice(0, rows) : array;
    }
    tf.dispose([...new Set([...Object.values(heads), ...feeds.values()])]);
    io.stdout(`${JSON.stringify(out)}\n`);
  });
};
