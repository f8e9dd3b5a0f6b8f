// `rec diff A.rec B.rec` or `rec diff FILE --set-a k=v --set-b k=v` (with `--set` for both
// sides, `--model M`, `--json`): what changed in meaning between two specs or two variants of
// one (compiler/src/diff/semantic-diff.ts): params, inputs, weights with their shapes and
// counts, outputs whose graphs changed, training settings, and the parameter, memory and FLOP
// deltas. Exits 0 when nothing differs in meaning, 1 when something does (as `diff` does).

import { resolve } from "node:path";
import { compileFiles } from "../../app/compile.js";
import { hasChanges, semanticDiff, type Change, type ModelDiff } from "../../compiler/src/diff/semantic-diff.js";
import { formatBytes } from "../../compiler/src/semantics/model.js";
import type { CommandSpec } from "../args.js";
import { EXIT } from "../io.js";
import { colorOption, type Command, overridesFrom, reportProblems } from "./shared.js";

export const diffSpec: CommandSpec = {
  name: "diff",
  summary: "Show what changed in meaning between two .rec files, or two --set variants of one: params, weights, outputs, training, costs.",
  usage: "rec diff [options] A.rec [B.rec]",
  options: [
    { name: "set", description: "Override a model param on both sides (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    { name: "set-a", description: "Override a model param on side A only (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    { name: "set-b", description: "Override a model param on side B only (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    { name: "model", description: "Compare only this model", values: [], valueName: "NAME" },
    { name: "json", description: "Print the differences as JSON" },
    colorOption,
  ],
};

export const diff: Command = (args, io) => {
  if (args.positionals.length < 1 || args.positionals.length > 2) {
    io.stderr("error: `rec diff` takes two files, or one file with --set-a/--set-b variants\n");
    return EXIT.usage;
  }
  const sets = ["set", "set-a", "set-b"].map((option) => overridesFrom(args, io, option));
  if (sets.some((s) => s === undefined)) return EXIT.usage;
  const [both, onlyA, onlyB] = sets as Map<string, string>[];
  const [pathA, pathB] = [args.positionals[0]!, args.positionals[1] ?? args.positionals[0]!].map((p) => resolve(io.cwd, p));
  const a = compileFiles([pathA!], { overrides: new Map([...both!, ...onlyA!]), verify: false });
  const stopA = reportProblems(a, args, io);
  if (stopA !== undefined) return stopA;
  const b = compileFiles([pathB!], { overrides: new Map([...both!, ...onlyB!]), verify: false });
  const stopB = reportProblems(b, args, io);
  if (stopB !== undefined) return stopB;
  const wanted = args.options.get("model") as string | undefined;
  const diffs = semanticDiff(a, b).filter((d) => wanted === undefined || d.model === wanted);
  if (wanted !== undefined && diffs.length === 0) {
    io.stderr(`error: neither side has a model \`${wanted}\`\n`);
    return EXIT.usage;
  }
  const changed = diffs.filter(hasChanges);
  io.stdout(args.options.get("json") ? `${JSON.stringify(changed, null, 2)}\n` : diffs.map(formatDiff).join("\n"));
  return changed.length ? EXIT.errors : EXIT.ok;
};

function formatDiff(d: ModelDiff): string {
  if (d.presence) return `model ${d.model}: only in ${d.presence === "added" ? "B" : "A"}\n`;
  if (!hasChanges(d)) return `model ${d.model}: no difference in meaning\n`;
  const section = (title: string, changes: readonly Change[]) =>
    changes.length
      ? [
          `  ${title}:`,
          ...changes.map(
            (c) =>
              `    ${c.a === undefined ? "+" : c.b === undefined ? "-" : "~"} ${c.name}: ` +
              `${c.a === undefined ? c.b : c.b === undefined ? c.a : `${c.a} → ${c.b}`}`,
          ),
        ]
      : [];
  const delta = (a: number | null, b: number | null, unit: (n: number) => string) =>
    a === b
      ? unit(a ?? 0)
      : `${a === null ? "?" : unit(a)} → ` +
        `${b === null ? "?" : unit(b)}${a !== null && b !== null ? ` (${b >= a ? "+" : "-"}${unit(Math.abs(b - a))})` : ""}`;
  const count = (n: number) => n.toLocaleString("en-US");
  const { totals } = d;
  return [
    `model ${d.model}:`,
    ...section("params", d.params),
    ...section("inputs", d.inputs),
    ...section("weights", d.weights),
    ...section("outputs", d.outputs),
    ...section("training", d.train),
    ...(d.sameModel ? ["  the same graph, trained the same way: these params have no effect on this model"] : []),
    `  parameters: ${delta(totals.params.a, totals.params.b, count)}`,
    `  training memory: ${delta(totals.trainingBytes.a, totals.trainingBytes.b, formatBytes)}`,
    `  forward FLOPs per example: ` +
      `${totals.flopsPerExample.a === totals.flopsPerExample.b ? totals.flopsPerExample.a : `${totals.flopsPerExample.a} → ${totals.flopsPerExample.b}`}`,
    "",
  ].join("\n");
}
