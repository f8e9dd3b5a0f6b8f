// What several commands share: the command function type and the diagnostics/color options.

import { isAbsolute, join } from "node:path";
import { hasErrors } from "../../compiler/src/diagnostics/diagnostic.js";
import { renderAll, SHOWN_DIAGNOSTICS } from "../../compiler/src/diagnostics/render.js";
import { compileFiles, type CheckResult, type CompileResult } from "../../app/compile.js";
import type { OptionSpec } from "../args.js";
import { EXIT, type CliIo } from "../io.js";

export interface CommandArgs {
  readonly options: Map<string, string | true | string[]>;
  readonly positionals: string[];
}

export type Command = (args: CommandArgs, io: CliIo) => number | Promise<number>;

export const diagnosticsOption: OptionSpec = {
  name: "diagnostics",
  description: "How to print diagnostics: a report with source, one line each, or JSON",
  values: ["text", "short", "json"],
  default: "text",
};

export const colorOption: OptionSpec = {
  name: "color",
  description: "Color the report: on a terminal only (auto), always, or never",
  values: ["auto", "always", "never"],
  default: "auto",
};

export function useColor(args: CommandArgs, io: CliIo): boolean {
  const choice = args.options.get("color");
  if (choice === "always") return true;
  if (choice === "never") return false;
  return io.isTTY && io.env["NO_COLOR"] === undefined;
}

/**
 * A path the user typed, relative to the command's working directory (which differs from the
 * process's when the CLI runs in-process); kept as typed when they are the same, so messages
 * show the path the user wrote.
 */
export function inCwd(io: CliIo, path: string): string {
  return isAbsolute(path) || io.cwd === process.cwd() ? path : join(io.cwd, path);
}

/** `--set name=value` options (or another option of that form) as overrides; undefined (after saying why) when one is malformed. */
export function overridesFrom(args: CommandArgs, io: CliIo, option = "set"): Map<string, string> | undefined {
  const overrides = new Map<string, string>();
  for (const assignment of (args.options.get(option) as string[] | undefined) ?? []) {
    const at = assignment.indexOf("=");
    if (at <= 0) {
      io.stderr(`error: \`--${option} ${assignment}\` must look like \`--${option} name=value\`\n`);
      return undefined;
    }
    overrides.set(assignment.slice(0, at).trim(), assignment.slice(at + 1).trim());
  }
  return overrides;
}

/** `--dim L=20` (repeatable): the sizes of symbolic dims rows fix, whole numbers of at least 1; undefined after an error. */
export function dimSizesFrom(args: CommandArgs, io: CliIo): Map<string, number> | undefined {
  const given = overridesFrom(args, io, "dim");
  if (!given) return undefined;
  const sizes = new Map<string, number>();
  for (const [name, text] of given) {
    const size = Number(text);
    if (!Number.isInteger(size) || size < 1) {
      io.stderr(`error: \`--dim ${name}=${text}\`: a size is a whole number of at least 1\n`);
      return undefined;
    }
    sizes.set(name, size);
  }
  return sizes;
}

/**
 * Reports what checking or compiling found: an unreadable file (exit 2), then the diagnostics.
 * Returns the exit code when the command must stop: always for an unreadable file, and for
 * errors unless `continueOnErrors` (the syntax views still print what they could build).
 */
export function reportProblems(result: CheckResult, args: CommandArgs, io: CliIo, continueOnErrors = false): number | undefined {
  const unreadable = result.unreadable[0];
  if (unreadable) {
    io.stderr(`error: cannot read \`${unreadable.path}\`: ${unreadable.reason}\n`);
    return EXIT.usage;
  }
  if (result.diagnostics.length)
    io.stderr(renderAll(result.diagnostics, (p) => result.sources.get(p), "text", { color: useColor(args, io), limit: SHOWN_DIAGNOSTICS }));
  return hasErrors(result.diagnostics) && !continueOnErrors ? EXIT.errors : undefined;
}

/**
 * The command's files compiled with its `--set` overrides; the exit code instead, after saying
 * why, when an override is malformed, a file unreadable or the spec has errors.
 */
export function compileArgs(args: CommandArgs, io: CliIo): CompileResult | number {
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const result = compileFiles(
    args.positionals.map((p) => inCwd(io, p)),
    { overrides },
  );
  return reportProblems(result, args, io) ?? result;
}

/**
 * The index of the model `--model NAME` chooses among a compiled file's (default: the first);
 * undefined, after saying why, when there is no such model.
 */
export function chosenModel(result: { readonly models: readonly { readonly name: string }[] }, args: CommandArgs, io: CliIo): number | undefined {
  const wanted = args.options.get("model") as string | undefined;
  const index = wanted === undefined ? 0 : result.models.findIndex((m) => m.name === wanted);
  if (index >= 0 && index < result.models.length) return index;
  const names = result.models.map((m) => m.name).join(", ") || "none";
  io.stderr(`error: ${wanted === undefined ? "the file declares no model" : `no model \`${wanted}\`; the file has ${names}`}\n`);
  return undefined;
}
