// `rec ir SPEC`: the graph IR of each model, optionally after the optimization passes.

import { compile } from "../../app/compile.js";
import { printModel, printModels } from "../../compiler/src/ir/printer.js";
import { formatTimings } from "../../compiler/src/passes/pass.js";
import { PASSES } from "../../compiler/src/passes/pipeline.js";
import type { CommandSpec } from "../args.js";
import { EXIT } from "../io.js";
import { colorOption, type Command, overridesFrom, reportProblems, inCwd } from "./shared.js";

export const irSpec: CommandSpec = {
  name: "ir",
  summary: "Print the graph IR of each model in a .rec file (spec/ir.md describes the format).",
  usage: "rec ir [options] FILE",
  options: [
    colorOption,
    { name: "after", description: "Run the optimization pipeline and print the IR after this pass, or after every pass", values: [], valueName: "PASS|all" },
    { name: "optimized", description: "Print the IR after the whole pipeline" },
    { name: "time-passes", description: "Print how long each pass took (to stderr)" },
    { name: "set", description: "Override a model param (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
  ],
};

export const ir: Command = (args, io) => {
  if (args.positionals.length !== 1) {
    io.stderr("error: `rec ir` takes exactly one file\n");
    return EXIT.usage;
  }
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const after = args.options.get("after") as string | undefined;
  if (after && after !== "all" && !PASSES.has(after)) {
    io.stderr(`error: no pass \`${after}\`; the passes are ${[...PASSES.keys()].join(", ")} (or \`all\`)\n`);
    return EXIT.usage;
  }
  const result = compile(
    args.positionals.map((p) => inCwd(io, p)),
    {
      overrides,
      ...(after ? { printAfter: after === "all" ? ("all" as const) : new Set([after]) } : {}),
      timePasses: Boolean(args.options.get("time-passes")),
    },
  );
  const stop = reportProblems(result, args, io);
  if (stop !== undefined) return stop;
  const optimize = Boolean(after || args.options.get("optimized") || args.options.get("time-passes"));
  if (!optimize) {
    io.stdout(printModels(result.models.map((m) => m.graph)));
    return EXIT.ok;
  }
  result.passReports.forEach((report, i) => {
    if (after) io.stdout(report.printed.join("\n"));
    else io.stdout(printModel(report.model));
    if (args.options.get("time-passes")) io.stderr(`${result.models[i]!.name} ${formatTimings(report.timings)}`);
  });
  return EXIT.ok;
};
