// `rec build FILE`: compiles each model to its runtime plan (JSON); prints it, or writes
// `<model>.plan.json` files into --out, atomically.

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatPlan } from "../../compiler/src/lower/format-plan.js";
import { fileNameFor, writeFileAtomic } from "../../runtime/src/atomic-write.js";
import type { CommandSpec } from "../args.js";
import { EXIT } from "../io.js";
import { colorOption, compileArgs, type Command } from "./shared.js";

export const buildSpec: CommandSpec = {
  name: "build",
  summary: "Compile a .rec file's models to runtime plans (JSON): check, optimize, lower.",
  usage: "rec build [options] FILE",
  options: [
    colorOption,
    { name: "out", description: "Write <model>.plan.json files into this folder instead of printing", values: [], valueName: "DIR" },
    { name: "set", description: "Override a model param (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
  ],
};

export const build: Command = (args, io) => {
  if (args.positionals.length !== 1) {
    io.stderr("error: `rec build` takes exactly one file\n");
    return EXIT.usage;
  }
  const result = compileArgs(args, io);
  if (typeof result === "number") return result;
  const out = args.options.get("out") as string | undefined;
  if (!out) {
    io.stdout(result.plans.map(formatPlan).join(""));
    return EXIT.ok;
  }
  mkdirSync(resolve(io.cwd, out), { recursive: true });
  for (const plan of result.plans) {
    const path = join(resolve(io.cwd, out), `${fileNameFor(plan.model)}.plan.json`);
    writeFileAtomic(path, formatPlan(plan));
    io.stderr(`wrote ${join(out, `${fileNameFor(plan.model)}.plan.json`)}\n`);
  }
  return EXIT.ok;
};
