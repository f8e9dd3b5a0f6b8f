// `rec ir SPEC`: the graph IR of each model, optionally after the optimization passes.

import { checkFiles } from "../../driver.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { renderAll } from "../../diagnostics/render.js";
import { printModels } from "../../ir/printer.js";
import type { CommandSpec } from "../args.js";
import { EXIT } from "../io.js";
import { colorOption, useColor, type Command } from "./shared.js";

export const irSpec: CommandSpec = {
  name: "ir",
  summary: "Print the graph IR of each model in a .rec file (spec/ir.md describes the format).",
  usage: "rec ir [options] FILE",
  options: [colorOption],
};

export const ir: Command = (args, io) => {
  if (args.positionals.length !== 1) {
    io.stderr("error: `rec ir` takes exactly one file\n");
    return EXIT.usage;
  }
  const result = checkFiles(args.positionals);
  const unreadable = result.unreadable[0];
  if (unreadable) {
    io.stderr(`error: cannot read \`${unreadable.path}\`: ${unreadable.reason}\n`);
    return EXIT.usage;
  }
  if (result.diagnostics.length) io.stderr(renderAll(result.diagnostics, (p) => result.sources.get(p), "text", { color: useColor(args, io) }));
  if (hasErrors(result.diagnostics)) return EXIT.errors;
  io.stdout(printModels(result.models.map((m) => m.graph)));
  return EXIT.ok;
};
