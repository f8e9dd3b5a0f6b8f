// `rec embed FILE --checkpoint PATH --out FILE.parquet [--encoder NAME]`: load trained weights
// into the compiled model and write its encoder's vector for every id of the space the encoder
// reads (runtime/src/embed.ts), streamed a row group per batch; progress on stderr.

import { openData } from "../../app/data.js";
import { constantInputs } from "../../runtime/src/data/constants.js";
import { bindConstants } from "../../runtime/src/tfjs/feeds.js";
import { dirname, resolve } from "node:path";
import { useBackend, type BackendName } from "../../runtime/src/tfjs/backends.js";
import { loadServingWeights } from "../../runtime/src/checkpoint/checkpoint.js";
import { embedCatalogue, EmbedError } from "../../runtime/src/embed.js";
import { Executor } from "../../runtime/src/tfjs/executor.js";
import { EXIT } from "../io.js";
import { chosenModel, compileArgs, type Command } from "./shared.js";
import { reportingUserErrors } from "./user-errors.js";

export const embedCommand: Command = async (args, io) => {
  const out = args.options.get("out") as string | undefined;
  if (args.positionals.length !== 1 || !args.options.get("checkpoint") || !out) {
    io.stderr("error: `rec embed` takes one file, --checkpoint PATH and --out FILE.parquet\n");
    return EXIT.usage;
  }
  if (!out.endsWith(".parquet")) {
    io.stderr(`error: --out ${out}: \`rec embed\` writes Parquet; name the file *.parquet\n`);
    return EXIT.usage;
  }
  const batch = Number(args.options.get("batch") ?? 4096);
  if (!Number.isInteger(batch) || batch < 1) {
    io.stderr(`error: --batch ${String(args.options.get("batch"))}: a whole number of ids, at least 1\n`);
    return EXIT.usage;
  }
  const result = compileArgs(args, io);
  if (typeof result === "number") return result;
  const index = chosenModel(result, args, io);
  if (index === undefined) return EXIT.usage;
  const plan = result.plans[index]!;
  const encoders = Object.keys(plan.entries.encode.outputs);
  const encoder = (args.options.get("encoder") as string | undefined) ?? (encoders.length === 1 ? encoders[0]! : undefined);
  if (encoder === undefined) {
    io.stderr(
      `error: model ${plan.model} has ${
        encoders.length
          ? `the encoders ${encoders.map((e) => `\`${e}\``).join(", ")}: choose one with --encoder NAME`
          : "no encoder: `rec embed` runs an `encoder` over a catalogue"
      }\n`,
    );
    return EXIT.usage;
  }
  return reportingUserErrors(io, async () => {
    const backend = await useBackend(args.options.get("backend") as BackendName);
    const executor = new Executor(plan, 0);
    for (const note of loadServingWeights(executor, resolve(io.cwd, args.options.get("checkpoint") as string))) io.stderr(`note: ${note}\n`);
    // A graph model's encoder reads its constant inputs (the edge list), from the model's own data.
    if (constantInputs(plan).length) {
      const settings = plan.train[0]?.settings ?? {};
      await bindConstants(
        executor,
        await openData(plan, settings["data"] as string | undefined, { seed: 0, baseDir: dirname(resolve(io.cwd, args.positionals[0]!)) }),
      );
    }
    const path = resolve(io.cwd, out);
    const started = performance.now();
    let reported = 0;
    try {
      const rows = await embedCatalogue(executor, encoder, batch, path, (done, total) => {
        if (io.isTTY && performance.now() - reported > 500) {
          reported = performance.now();
          io.stderr(`\rembedding ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} ids`);
        }
      });
      const seconds = (performance.now() - started) / 1000;
      io.stderr(`${io.isTTY ? "\r" : ""}wrote ${rows.toLocaleString("en-US")} vectors of \`${encoder}\` to ${out} (${seconds.toFixed(1)} s on ${backend})\n`);
      if (args.options.get("json"))
        io.stdout(`${JSON.stringify({ path, model: plan.model, encoder, rows, seconds: Number(seconds.toFixed(3)), backend }, null, 2)}\n`);
    } catch (error) {
      if (error instanceof EmbedError) {
        io.stderr(`error: ${error.message}\n`);
        return EXIT.usage;
      }
      throw error;
    } finally {
      executor.dispose();
    }
    return EXIT.ok;
  });
};
