// `rec check FILE|DIR…`: reads and checks .rec files and prints their diagnostics; with
// `--data FILE`, also checks a data file against the model's schema (the data contract).
// Exit 0 when clean (warnings allowed), 1 when any error was reported, 2 on a usage error.

import { renderTable } from "../table.js";
import { dirname, isAbsolute, relative } from "node:path";
import { checkFiles, compileFiles } from "../../app/compile.js";
import type { ContractReport } from "../../runtime/src/data/contract.js";
import { ConfigError } from "../../runtime/src/config.js";
import { DataSourceError } from "../../runtime/src/data/source-config.js";
import { DataFileError } from "../../runtime/src/data/tables.js";
import { renderSummary, summarize } from "../../compiler/src/semantics/summary.js";
import { hasErrors } from "../../compiler/src/diagnostics/diagnostic.js";
import { renderAll, SHOWN_DIAGNOSTICS, type DiagnosticFormat } from "../../compiler/src/diagnostics/render.js";
import type { CommandSpec } from "../args.js";
import { expandPaths } from "../files.js";
import { EXIT, type CliIo } from "../io.js";
import { colorOption, diagnosticsOption, useColor, type Command, overridesFrom, inCwd } from "./shared.js";

export const checkSpec: CommandSpec = {
  name: "check",
  summary: "Check .rec files for errors without running anything.",
  usage: "rec check [options] FILE|DIR...",
  options: [
    diagnosticsOption,
    colorOption,
    { name: "summary", description: "Print each model's parameters, memory and FLOPs" },
    { name: "json", description: "With --summary: print the summaries as JSON" },
    {
      name: "set",
      description: "Override a model param, type-checked against its declaration (repeatable)",
      values: [],
      valueName: "NAME=VALUE",
      repeatable: true,
    },
    { name: "syntax-only", description: "Only parse: no imports, names, types or shapes" },
    { name: "quiet", description: "Print no summary line" },
    {
      name: "data",
      description: "Check this data file against the schema of the model's `data = …` source (the data contract)",
      values: [],
      valueName: "FILE",
    },
  ],
};

export const check: Command = async (args, io) => {
  if (args.positionals.length === 0) {
    io.stderr("error: `rec check` needs at least one file or directory\n\n");
    return EXIT.usage;
  }
  const { files, missing } = expandPaths(args.positionals, io.cwd);
  for (const path of missing) io.stderr(`error: cannot read \`${path}\`: no such file or directory\n`);
  if (missing.length) return EXIT.usage;
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const result = checkFiles(
    files.map((f) => inCwd(io, f)),
    { overrides, syntaxOnly: args.options.get("syntax-only") === true },
  );
  for (const { path, reason } of result.unreadable) io.stderr(`error: cannot read \`${path}\`: ${reason}\n`);
  if (result.unreadable.length) return EXIT.usage;

  const format = args.options.get("diagnostics") as DiagnosticFormat;
  // Imported files are read by absolute path; show them relative to where the command runs.
  const display = (path: string) => (isAbsolute(path) && path.startsWith(io.cwd) ? relative(io.cwd, path) : path);
  const sources = new Map([...result.sources].map(([path, source]) => [display(path), source]));
  const diagnostics = result.diagnostics.map((d) => ({ ...d, file: display(d.file), notes: d.notes.map((n) => n.replaceAll(`${io.cwd}/`, "")) }));
  const dataPath = args.options.get("data") as string | undefined;
  const data =
    dataPath !== undefined && !hasErrors(result.diagnostics)
      ? await dataContract(
          files.map((f) => inCwd(io, f)),
          overrides,
          io,
          dataPath,
        )
      : undefined;
  if (data && "error" in data) {
    io.stderr(`error: ${data.error}\n`);
    return EXIT.errors;
  }
  if (data) diagnostics.push(...data.diagnostics.map((d) => ({ ...d, file: display(d.file), notes: [...d.notes] })));
  const output = renderAll(diagnostics, (p) => sources.get(p), format, { color: useColor(args, io), limit: SHOWN_DIAGNOSTICS });
  if (output && (format === "json" || diagnostics.length)) io.stdout(output);
  if (data && format !== "json") io.stdout(data.table);
  if (args.options.get("summary")) {
    const summaries = result.models.map((m) => ({ ...summarize(m), file: display(m.file) }));
    io.stdout(args.options.get("json") ? `${JSON.stringify(summaries, null, 2)}\n` : summaries.map(renderSummary).join("\n"));
  }
  if (!args.options.get("quiet") && format !== "json") io.stderr(summary(files.length, diagnostics));
  return hasErrors(diagnostics) ? EXIT.errors : EXIT.ok;
};

/**
 * The data contract of the first model that reads a file: with `--data FILE`, that file; else
 * nothing (checking a spec never reads its data unless asked).
 */
async function dataContract(files: string[], overrides: Map<string, string>, io: CliIo, dataPath: string | undefined) {
  if (dataPath === undefined) return undefined;
  const compiled = compileFiles(files, { overrides });
  if (hasErrors(compiled.diagnostics)) return undefined;
  const { checkModelData } = await import("../../compiler/src/data/check-data.js");
  for (const [i, plan] of compiled.plans.entries()) {
    const model = compiled.models[i]!;
    try {
      const checked = await checkModelData(plan, model.schemas, dirname(model.file), io.cwd, dataPath);
      if (!checked) continue;
      return { diagnostics: checked.diagnostics, table: contractTable(checked.report) };
    } catch (error) {
      // Errors of the user's files; the data-set errors of training, without loading TensorFlow.js.
      if (error instanceof DataFileError || error instanceof DataSourceError || error instanceof ConfigError) return { error: error.message };
      throw error;
    }
  }
  return { error: `no model in ${files.join(", ")} reads a data file (\`data = parquet(…)\`, \`jsonl(…)\` or \`csv(…)\` with a schema)` };
}

function contractTable(report: ContractReport): string {
  const header = ["field", "column", "bad rows", "statistics"];
  const rows = report.fields.map((f) => [f.field, f.column, String(f.bad), f.detail]);
  const { train, valid, test } = report.splits;
  return [`data ${report.file}: ${report.rows} rows (train ${train}, valid ${valid}, test ${test})`, ...renderTable(header, rows), ""].join("\n");
}

/** Reads relative to the command's working folder while keeping the path as the user wrote it. */

function summary(fileCount: number, diagnostics: readonly { severity: string }[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `checked ${plural(fileCount, "file")}: ${plural(errors, "error")}, ${plural(warnings, "warning")}\n`;
}
