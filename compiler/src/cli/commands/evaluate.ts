// `rec eval FILE --checkpoint PATH` and `rec predict FILE --checkpoint PATH`: load trained
// weights into the compiled model and report its metrics on fresh batches of its data, or
// print its heads for one batch.

import { compileFiles } from "../../driver.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { renderAll } from "../../diagnostics/render.js";
import { BackendUnavailable, useBackend, type BackendName } from "../../../../runtime/src/backends.js";
import { CheckpointError } from "../../../../runtime/src/checkpoint/safetensors.js";
import { loadCheckpoint } from "../../../../runtime/src/checkpoint/checkpoint.js";
import { ConfigError } from "../../../../runtime/src/config.js";
import { DataSourceError, dataSourceFor } from "../../../../runtime/src/data/sources.js";
import { Executor } from "../../../../runtime/src/executor.js";
import { tf } from "../../../../runtime/src/tf.js";
import { evaluateMetrics, TrainingError } from "../../../../runtime/src/train/trainer.js";
import type { CommandSpec, OptionSpec } from "../args.js";
import { EXIT, type CliIo } from "../io.js";
import { colorOption, overridesFrom, useColor, type Command, type CommandArgs } from "./shared.js";

const shared: OptionSpec[] = [
  { name: "checkpoint", description: "The weights to use: a .safetensors file written by `rec train`", values: [], valueName: "PATH" },
  { name: "backend", description: "Where to run", values: ["auto", "cpu", "wasm", "webgpu", "tensorflow"], default: "auto" },
  { name: "batch", description: "Examples per batch (default: the train block's `batch`)", values: [], valueName: "N" },
  { name: "seed", description: "Seed of the data", values: [], valueName: "N", default: "0" },
  { name: "set", description: "Override a model param, as in training (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
  colorOption,
];

export const evalSpec: CommandSpec = {
  name: "eval",
  summary: "Evaluate a trained model's metrics on fresh batches of its data.",
  usage: "rec eval --checkpoint PATH [options] FILE",
  options: [...shared, { name: "batches", description: "How many batches to average over", values: [], valueName: "N", default: "8" }, { name: "json", description: "Print the metrics as JSON" }],
};

export const predictSpec: CommandSpec = {
  name: "predict",
  summary: "Print a trained model's heads for one batch of its data, as JSON.",
  usage: "rec predict --checkpoint PATH [options] FILE",
  options: [...shared, { name: "rows", description: "How many rows of each head to print", values: [], valueName: "N", default: "3" }],
};

async function withModel(args: CommandArgs, io: CliIo, name: string, run: (executor: Executor, data: ReturnType<typeof dataSourceFor>, batch: number) => Promise<void>): Promise<number> {
  if (args.positionals.length !== 1 || !args.options.get("checkpoint")) {
    io.stderr(`error: \`rec ${name}\` takes one file and --checkpoint PATH\n`);
    return EXIT.usage;
  }
  const number = (key: string) => Number(args.options.get(key) ?? NaN);
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const result = compileFiles(args.positionals, { overrides });
  if (result.unreadable[0]) {
    io.stderr(`error: cannot read \`${result.unreadable[0].path}\`: ${result.unreadable[0].reason}\n`);
    return EXIT.usage;
  }
  if (result.diagnostics.length) io.stderr(renderAll(result.diagnostics, (p) => result.sources.get(p), "text", { color: useColor(args, io) }));
  if (hasErrors(result.diagnostics)) return EXIT.errors;
  const plan = result.plans[0];
  if (!plan) {
    io.stderr("error: the file declares no model\n");
    return EXIT.usage;
  }
  try {
    await useBackend(args.options.get("backend") as BackendName);
    const executor = new Executor(plan, 0);
    loadCheckpoint(executor, args.options.get("checkpoint") as string);
    const settings = plan.train[0]?.settings ?? {};
    const batch = Number.isFinite(number("batch")) ? number("batch") : typeof settings["batch"] === "number" ? settings["batch"] : 64;
    await run(executor, dataSourceFor(plan, settings["data"] as string | undefined, number("seed") || 0, 900_000), batch);
    executor.dispose();
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CheckpointError || error instanceof BackendUnavailable || error instanceof DataSourceError || error instanceof ConfigError || error instanceof TrainingError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT.errors;
    }
    throw error;
  }
}

export const evalCommand: Command = (args, io) =>
  withModel(args, io, "eval", async (executor, data, batch) => {
    const metrics = await evaluateMetrics(executor, data, Number(args.options.get("batches")), batch);
    if (args.options.get("json")) io.stdout(`${JSON.stringify(metrics, null, 2)}\n`);
    else {
      const width = Math.max(6, ...Object.keys(metrics).map((k) => k.length));
      io.stdout(`${"metric".padEnd(width)}  value\n${Object.entries(metrics).map(([k, v]) => `${k.padEnd(width)}  ${v.toFixed(4)}`).join("\n")}\n`);
    }
  });

export const predictCommand: Command = (args, io) =>
  withModel(args, io, "predict", async (executor, data, batch) => {
    const rows = Number(args.options.get("rows"));
    const input = data.next(batch);
    const out: Record<string, unknown> = {};
    const heads = tf.tidy(() => Object.fromEntries(executor.run("predict", input.feeds)) as Record<string, tf.Tensor>);
    for (const [name, value] of Object.entries(heads)) {
      const array = await value.array();
      out[name] = Array.isArray(array) ? array.slice(0, rows) : array;
    }
    tf.dispose([...Object.values(heads), ...input.feeds.values()]);
    io.stdout(`${JSON.stringify(out)}\n`);
  });
