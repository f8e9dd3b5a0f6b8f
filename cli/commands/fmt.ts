// `rec fmt [--check] [--width N] FILE|DIR|-…`: formats .rec files in place with the formatter
// (compiler/src/format/: prettier and the .rec plugin, which proves each output keeps the input's
// meaning and comments), comments kept; `--check` writes nothing and lists the files that would
// change (exit 1 when any would), for CI. `-` reads standard input and writes the result to
// standard output (editors, pre-commit hooks). The width and indent come from the same
// configuration prettier reads for the file (`.prettierrc`, `printWidth`; `--width` wins). A file
// with syntax errors, or one the formatter cannot prove, is left as it is, with the reason
// (exit 1). Files are written atomically.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderAll } from "../../compiler/src/diagnostics/render.js";
import { formatRec, type FormatOptions } from "../../compiler/src/format/format.js";
import { SourceFile } from "../../compiler/src/source/source-file.js";
import { parseSource } from "../../compiler/src/syntax/parse-source.js";
import { writeFileAtomic } from "../../runtime/src/atomic-write.js";
import { expandPaths } from "../files.js";
import { EXIT, type CliIo } from "../io.js";
import { type Command, inCwd, useColor } from "./shared.js";

/** The options prettier's own configuration gives a file (`.prettierrc`, `package.json`'s `prettier`, …). */
async function configuredOptions(path: string): Promise<FormatOptions> {
  const { resolveConfig } = await import("prettier");
  const config = (await resolveConfig(path, { editorconfig: true })) ?? {};
  return typeof config.printWidth === "number" ? { printWidth: config.printWidth } : {};
}

export const fmtCommand: Command = async (args, io) => {
  if (args.positionals.length === 0) {
    io.stderr("error: `rec fmt` needs at least one file or directory, or `-` for standard input\n");
    return EXIT.usage;
  }
  const widthOption = args.options.get("width") as string | undefined;
  if (widthOption !== undefined && !/^[1-9]\d*$/.test(widthOption)) {
    io.stderr("error: --width takes a whole number of columns\n");
    return EXIT.usage;
  }
  const width: FormatOptions = widthOption ? { printWidth: Number(widthOption) } : {};
  const check = args.options.get("check") === true;
  if (args.positionals.includes("-")) {
    if (args.positionals.length > 1) {
      io.stderr("error: `rec fmt -` reads one text from standard input; give no other paths\n");
      return EXIT.usage;
    }
    return formatStdin(io, { ...(await configuredOptions(resolve(io.cwd, "stdin.rec"))), ...width }, check);
  }
  const { files, missing } = expandPaths(args.positionals, io.cwd);
  for (const path of missing) io.stderr(`error: cannot read \`${path}\`: no such file or directory\n`);
  if (missing.length) return EXIT.usage;
  let [changed, failed] = [0, 0];
  for (const file of files) {
    const path = inCwd(io, file);
    const text = readFileSync(path, "utf8");
    const parsed = parseSource(new SourceFile(file, text));
    if (parsed.diagnostics.some((d) => d.severity === "error")) {
      io.stderr(renderAll(parsed.diagnostics, () => parsed.source, "text", { color: useColor(args, io) }));
      io.stderr(`error: ${file} is not formatted: it has syntax errors\n`);
      failed++;
      continue;
    }
    const result = await formatRec(text, file, { ...(await configuredOptions(path)), ...width });
    if (!result.ok) {
      io.stderr(`error: ${file} is not formatted: ${result.reason}\n`);
      failed++;
      continue;
    }
    if (result.text === text) continue;
    changed++;
    if (check) io.stdout(`${file}\n`);
    else writeFileAtomic(path, result.text);
  }
  const summary = check
    ? changed
      ? `${changed} of ${files.length} file${files.length === 1 ? "" : "s"} would be reformatted: run \`rec fmt\` on them`
      : `${files.length} file${files.length === 1 ? " is" : "s are"} formatted`
    : `formatted ${changed} of ${files.length} file${files.length === 1 ? "" : "s"}`;
  io.stderr(`${summary}${failed ? `; ${failed} could not be formatted` : ""}\n`);
  return failed || (check && changed) ? EXIT.errors : EXIT.ok;
};

/** `rec fmt -`: standard input → standard output (with --check: nothing written, exit 1 if it would change). */
async function formatStdin(io: CliIo, options: FormatOptions, check: boolean): Promise<number> {
  const text = io.stdin ? await io.stdin() : "";
  const result = await formatRec(text, "<stdin>.rec", options);
  if (!result.ok) {
    io.stderr(`error: standard input is not formatted: ${result.reason}\n`);
    // The text goes through unchanged, so a pipe never loses it.
    if (!check) io.stdout(text);
    return EXIT.errors;
  }
  if (check) return result.text === text ? EXIT.ok : EXIT.errors;
  io.stdout(result.text);
  return EXIT.ok;
}
