// spec/worlds.md, generated from the world records (app/worlds.ts): every synthetic world with
// its kind, doc, arguments (defaults as the records declare them), fields, and what it keeps
// from training (its separation: each hidden structure and which streams read it). In: the
// records. Out: Markdown.

import type { HiddenStructure, WorldArg, WorldField, WorldRecord } from "../runtime/src/data/world.js";

/** Who reads a hidden structure, in words. */
export const READ_BY: Record<HiddenStructure["readBy"], string> = {
  training: "training and evaluation",
  evaluation: "evaluation only",
  metrics: "metrics only (never a model's input)",
};

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** An argument's default as the docs print it: the model's own size says whose. */
export function defaultText(a: WorldArg): string {
  if (a.model) {
    const input = a.model.input.startsWith("arg:") ? `<${a.model.input.slice(4)}>` : a.model.input;
    return `the \`${input}\` input's ${a.model.axis === undefined ? "id space" : `axis ${a.model.axis}`} (else ${a.model.fallback})`;
  }
  return typeof a.default === "object"
    ? Object.entries(a.default)
        .map(([part, n]) => `${n} (${part})`)
        .join(" or ")
    : String(a.default);
}

/** A field's type as a model declares the input it feeds (`B` the batch; `any` where it follows the model). */
export function fieldType(f: WorldField): string {
  const size = (d: string | number) => (d === "model" ? "any" : String(d));
  return `${f.dtype === "id" ? `id<${f.ids}>` : f.dtype}[${[...(f.whole ? [] : ["B"]), ...f.shape.map(size)].join(", ")}]${f.whole ? " constant" : ""}`;
}

export function worldsMarkdown(records: readonly WorldRecord[]): string {
  const out = [
    "# Synthetic worlds",
    "",
    "<!-- Generated from the world records (app/worlds.ts) by `npm run spec:gen`; do not edit by hand. -->",
    "",
    'A spec draws data from a world with `data = synthetic("<world>", …)` (or starts rollouts ' +
      "in an interactive one, `rollouts { world = synthetic(…) }`). `seed` fixes the world; the " +
      "run's `--seed` draws the examples; with `world_per_seed = true` each run seed also draws " +
      "a new world. The checker verifies a model's inputs against the world's fields " +
      "(REC2032). `rec data worlds` prints the same list. Each world also declares what it " +
      "hides and which streams read it; where something is evaluation-only, " +
      "test/world-leaks.test.ts draws the training streams as a run does and checks that no " +
      "evaluation item appears in them.",
    "",
  ];
  for (const world of records) {
    out.push(`## \`${world.name}\` (${world.kind})`, "", `${world.doc}.`, "", "| argument | default | meaning |", "|---|---|---|");
    out.push(...world.args.map((a) => `| \`${a.name}\` | ${cell(defaultText(a))} | ${cell(a.doc)} |`), "");
    const parts: [string, readonly WorldField[]][] = Array.isArray(world.fields)
      ? [["", world.fields as readonly WorldField[]]]
      : Object.entries(world.fields as Record<string, readonly WorldField[]>);
    for (const [part, fields] of parts) {
      if (part) out.push(`Part \`${part}\`:`, "");
      out.push(
        "| field | type | meaning |",
        "|---|---|---|",
        ...fields.map((f) => `| \`${f.name.replace(/^arg:(.*)$/, "<$1>")}\` | \`${fieldType(f)}\` | ${cell(f.doc)} |`),
        "",
      );
    }
    const { hidden, unit } = world.separation;
    out.push("| hidden | read by | what |", "|---|---|---|", ...hidden.map((h) => `| ${cell(h.name)} | ${READ_BY[h.readBy]} | ${cell(h.doc)} |`), "");
    if (unit) out.push(`The leak test compares items as: ${unit}.`, "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
