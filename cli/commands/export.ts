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
import { exportTorch } from "../../runtime/src/torch/export.js";
import { exportOnnx } from "../../runtime/src/torch/onnx.js";
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
  if (format === "onnx" && !head) {
    io.stderr("error: `rec export --format onnx` needs --head NAME (the head to serve)\n");
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
      // The head's constant inputs (a catalogue) are baked into the graph: read them from its data.
      if (constantInputs(plan).length) await bindConstants(executor, await openPlanData());
      const written = await exportOnnx(executor, head!, source, target);
      if (json) io.stdout(`${JSON.stringify({ format, path: written.path, model: plan.model, head, opset: written.opset, onnx: written.onnx }, null, 2)}\n`);
      else
        io.stdout(
          `wrote ${relative(io.cwd, written.path)}: head \`${head}\` of ${plan.model} (ONNX opset ${written.opset}, checked by onnx ${written.onnx})\n`,
        );
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
        io.stdout(`train it with: python3 ${shown}/train.py   or: torchrun --nproc_per_node=2 ${shown}/train.py\n`);
      }
    }
    executor.dispose();
    return EXIT.ok;
  });
};
