// `rec fmt [--check] [--width N] FILE|DIR…`: formats .rec files in place with the formatter
// (compiler/src/format/: prettier and the .rec plugin), comments kept; `--check` writes nothing
// and lists the files that would change (exit 1 when any would), for CI. A file with syntax
// errors is left as it is and its diagnostics are printed (exit 1). Files are written atomically.

import { readFileSync } from "node:fs";
import { renderAll } from "../../compiler/src/diagnostics/render.js";
import { formatRec } from "../../compiler/src/format/format.js";
import { SourceFile } from "../../compiler/src/source/source-file.js";
import { parseSource } from "../../compiler/src/syntax/parse-source.js";
import { writeFileAtomic } from "../../runtime/src/atomic-write.js";
import { expandPaths } from "../files.js";
import { EXIT } from "../io.js";
import { type Command, inCwd, useColor } from "./shared.js";

export const fmtCommand: Command = async (args, io) => {
  if (args.positionals.length === 0) {
    io.stderr("error: `rec fmt` needs at least one file or directory\n");
    return EXIT.usage;
  }
  const widthOption = args.options.get("width") as string | undefined;
  if (widthOption !== undefined && !/^[1-9]\d*$/.test(widthOption)) {
    io.stderr("error: --width takes a whole number of columns\n");
    return EXIT.usage;
  }
  const { files, missing } = expandPaths(args.positionals, io.cwd);
  for (const path of missing) io.stderr(`error: cannot read \`${path}\`: no such file or directory\n`);
  if (missing.length) return EXIT.usage;
  const check = args.options.get("check") === true;
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
    const result = await formatRec(text, file, widthOption ? { printWidth: Number(widthOption) } : {});
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
