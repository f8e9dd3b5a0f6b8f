// `rec ast FILE` and `rec print FILE`: the parsed tree, or the file in canonical layout.
// Both print the file's diagnostics to stderr and exit 1 when the file has errors.

import { checkFiles } from "../../app/compile.js";
import { hasErrors } from "../../compiler/src/diagnostics/diagnostic.js";
import { dumpAst } from "../../compiler/src/syntax/ast-dump.js";
import { printFile } from "../../compiler/src/syntax/printer.js";
import type { ParsedFile } from "../../compiler/src/syntax/parse-source.js";
import type { CommandSpec } from "../args.js";
import { EXIT, type CliIo } from "../io.js";
import { colorOption, type Command, type CommandArgs, reportProblems, inCwd } from "./shared.js";

export const astSpec: CommandSpec = {
  name: "ast",
  summary: "Print the syntax tree of a .rec file, one node per line with its position.",
  usage: "rec ast [options] FILE",
  options: [colorOption],
};

export const printSpec: CommandSpec = {
  name: "print",
  summary: "Print a .rec file in canonical layout (the formatter's core; ordinary comments are not kept yet).",
  usage: "rec print [options] FILE",
  options: [colorOption],
};

function withOneFile(args: CommandArgs, io: CliIo, name: string, view: (file: ParsedFile) => string): number {
  if (args.positionals.length !== 1) {
    io.stderr(`error: \`rec ${name}\` takes exactly one file\n`);
    return EXIT.usage;
  }
  const result = checkFiles(args.positionals.map((p) => inCwd(io, p)));
  const stop = reportProblems(result, args, io, true);
  if (stop !== undefined) return stop;
  const file = result.files[0]!;
  io.stdout(view(file));
  return hasErrors(result.diagnostics) ? EXIT.errors : EXIT.ok;
}

export const ast: Command = (args, io) => withOneFile(args, io, "ast", (f) => dumpAst(f.ast, f.source));
export const print: Command = (args, io) => withOneFile(args, io, "print", (f) => printFile(f.ast));
