// `rec export --format pytorch FILE --out DIR`: the model as a PyTorch package with its training
// batches and a train.py (runtime/src/torch/export.ts); `--format onnx --head NAME`: one head's
// inference graph as ONNX (runtime/src/torch/onnx.ts), with the weights of --checkpoint.

import { openData } from "../../app/data.js";
import { constantInputs } from "../../runtime/src/data/constants.js";
import { bindConstants } from "../../runtime/src/tfjs/feeds.js";
import { dirname, join, relative, resolve } from "node:path";
import { compileFiles } from "../../app/compile.js";
import { useBackend } from "../../runtime/src/tfjs/backends.js";
import { loadServingWeights } from "../../runtime/src/checkpoint/checkpoint.js";
import { Executor } from "../../runtime/src/tfjs/executor.js";
import { exportTorch, TORCHRUN } from "../../runtime/src/torch/export.js";
import { exportOnnx, onnxMetadata, type OnnxOutput } from "../../runtime/src/torch/onnx.js";
import { fileSourceOf } from "../../runtime/src/data/source-config.js";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { trainOptionsFrom } from "../../runtime/src/tfjs/train/trainer.js";
import { EXIT } from "../io.js";
import { inCwd, overridesFrom, reportProblems, type Command, chosenModel } from "./shared.js";
import { reportingUserErrors } from "./user-errors.js";

export const exportCommand: Command = async (args, io) => {
  const out = args.options.get("out") as string | undefined;
  if (args.positionals.length !== 1 || !out) {
    io.stderr("error: `rec export` takes one file and --out PATH\n");
    return EXIT.usage;
  }
  const format = args.options.get("format") as "pytorch" | "onnx";
  const head = args.options.get("head") as string | undefined;
  const encoder = args.options.get("encoder") as string | undefined;
  const all = args.options.get("all") === true;
  if (format === "onnx" && [head, encoder, all || undefined].filter((x) => x !== undefined).length !== 1) {
    io.stderr("error: `rec export --format onnx` takes one of --head NAME, --encoder NAME or --all (every head and encoder)\n");
    return EXIT.usage;
  }
  const numberOption = (key: string) => (args.options.has(key) ? Number(args.options.get(key)) : undefined);
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const file = inCwd(io, args.positionals[0]!);
  const result = compileFiles([file], { overrides });
  const stop = reportProblems(result, args, io);
  if (stop !== undefined) return stop;
  const index = chosenModel(result, args, io);
  if (index === undefined) return EXIT.usage;
  const plan = result.plans[index]!;
  if (head && !(head in plan.entries.predict.outputs)) {
    io.stderr(`error: model ${plan.model} has no head \`${head}\`; its heads are ${Object.keys(plan.entries.predict.outputs).join(", ") || "none"}\n`);
    return EXIT.usage;
  }
  if (encoder && !(encoder in plan.entries.encode.outputs)) {
    io.stderr(`error: model ${plan.model} has no encoder \`${encoder}\`; its encoders are ${Object.keys(plan.entries.encode.outputs).join(", ") || "none"}\n`);
    return EXIT.usage;
  }
  return reportingUserErrors(io, async () => {
    await useBackend("cpu");
    const seed = numberOption("seed") ?? 0;
    const executor = new Executor(plan, seed);
    const checkpoint = args.options.get("checkpoint") as string | undefined;
    if (checkpoint) for (const note of loadServingWeights(executor, resolve(io.cwd, checkpoint))) io.stderr(`note: ${note}\n`);
    const target = resolve(io.cwd, out);
    const json = args.options.get("json") === true;
    const source = relative(io.cwd, resolve(io.cwd, args.positionals[0]!));
    const settings = plan.train[0]?.settings ?? {};
    const openPlanData = () => openData(plan, settings["data"] as string | undefined, { seed, baseDir: dirname(resolve(io.cwd, args.positionals[0]!)) });
    if (format === "onnx") {
      // The constant inputs (a catalogue) are baked into the graph: read them from the model's data.
      if (constantInputs(plan).length) await bindConstants(executor, await openPlanData());
      const outputs: OnnxOutput[] = all
        ? [
            ...Object.keys(plan.entries.predict.outputs).map((name) => ({ kind: "head" as const, name })),
            ...Object.keys(plan.entries.encode.outputs).map((name) => ({ kind: "encoder" as const, name })),
          ]
        : [head ? { kind: "head", name: head } : { kind: "encoder", name: encoder! }];
      if (all) mkdirSync(target, { recursive: true });
      // The vocabularies training built travel beside the graphs that read them.
      const vocabulary = checkpoint ? join(dirname(resolve(io.cwd, checkpoint)), "vocab.json") : undefined;
      const vocabularyName = vocabulary && existsSync(vocabulary) ? `${plan.model}.vocab.json` : undefined;
      const schema = fileSourceOf(plan, settings["data"] as string | undefined, dirname(resolve(io.cwd, args.positionals[0]!)))?.schema;
      const written = [];
      for (const output of outputs) {
        const path = all ? join(target, `${output.kind}.${output.name}.onnx`) : target;
        const metadata = onnxMetadata(plan, output, schema, vocabularyName);
        if (metadata["reclang.vocabulary"]) copyFileSync(vocabulary!, join(dirname(path), vocabularyName!));
        written.push({ ...output, ...(await exportOnnx(executor, output, source, path, metadata)) });
      }
      if (json) io.stdout(`${JSON.stringify({ format, model: plan.model, files: written }, null, 2)}\n`);
      else
        for (const w of written)
          io.stdout(`wrote ${relative(io.cwd, w.path)}: ${w.kind} \`${w.name}\` of ${plan.model} (ONNX opset ${w.opset}, checked by onnx ${w.onnx})\n`);
    } else {
      const options = trainOptionsFrom(settings, {
        seed,
        ...(numberOption("steps") !== undefined ? { steps: numberOption("steps")! } : {}),
        ...(numberOption("batch") !== undefined ? { batch: numberOption("batch")! } : {}),
      });
      const data = await openPlanData();
      const written = await exportTorch(executor, data, { source, folder: target, settings, steps: options.steps, batch: options.batch, seed });
      const shown = relative(io.cwd, target) || ".";
      if (json)
        io.stdout(
          `${JSON.stringify(
            {
              format,
              path: target,
              model: plan.model,
              package: written.packageName,
              rows: written.rows,
              steps: options.steps,
              batch: options.batch,
              train: join(target, "train.py"),
            },
            null,
            2,
          )}\n`,
        );
      else {
        io.stdout(
          `wrote ${shown}: the package ${written.packageName}, train.py and ${written.rows} training rows (${options.steps} steps of ${options.batch})\n`,
        );
        // --redirects/--tee: torch 1.13's torchrun on Python 3.11 fails with its defaults; newer torchruns accept them.
        io.stdout(`train it with: python3 ${shown}/train.py\n`);
        io.stdout(`or in 2 processes: ${TORCHRUN} ${shown}/train.py\n`);
      }
    }
    executor.dispose();
    return EXIT.ok;
  });
};
