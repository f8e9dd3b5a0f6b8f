// `rec doc std/nn|FILE…`: the reference documentation of a library from its doc comments, as
// markdown (the same text spec/stdlib.md holds for the standard library).

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { CommandSpec } from "../args.js";
import { EXIT } from "../io.js";
import type { Command } from "./shared.js";
import { documentLibrary, stdlibFiles } from "../../compiler/src/tools/stdlib-doc.js";

export const docSpec: CommandSpec = {
  name: "doc",
  summary: "Print the documentation of a library (std/nn, std/losses, or a .rec file) from its doc comments.",
  usage: "rec doc std/NAME|FILE...",
  options: [],
};

export const doc: Command = (args, io) => {
  const std = stdlibFiles();
  if (args.positionals.length === 0) {
    io.stderr(`error: name a library: ${std.map((s) => s.importPath).join(", ")}, or a .rec file\n`);
    return EXIT.usage;
  }
  for (const wanted of args.positionals) {
    const library = std.find((s) => s.importPath === wanted);
    const path = library ? library.path : resolve(io.cwd, wanted);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      io.stderr(`error: cannot read \`${wanted}\`; the standard library has ${std.map((s) => s.importPath).join(", ")}\n`);
      return EXIT.usage;
    }
    io.stdout(documentLibrary(wanted, wanted, text));
  }
  return EXIT.ok;
};
