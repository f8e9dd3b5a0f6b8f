// The house's rules, enforced. Import layers: every source file belongs to a layer and may import
// only its own layer and the layers listed before it. The runtime imports nothing outside itself
// (the plan is its contract with the compiler); the papers' code (examples/<paper>/world.ts)
// imports only the runtime and is imported only by the application (app/), which assembles the
// worlds; the command line (cli/) and the package's API (api/) both stand on app/ and neither
// imports the other; the op registry and the IR never import the checker, and no import cycle
// runs through them. Budgets: no source file passes 600 lines unless it says why here, and no
// TypeScript line in the repository passes 160 characters (`npm run format` applies prettier).

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness/repo.js";

/** Layers from the bottom up; a path belongs to the first whose prefix it starts with. */
const LAYERS: readonly (readonly [prefix: string, layer: string])[] = [
  ["runtime/src/", "runtime"],
  ["examples/", "papers"],
  ["compiler/src/source/source-file.ts", "source"],
  ["compiler/src/diagnostics/catalog.ts", "catalog"],
  ["compiler/src/diagnostics/", "diagnostics"],
  ["compiler/src/types/", "types"],
  ["compiler/src/ops/", "registry"],
  ["compiler/src/ir/", "ir"],
  ["compiler/src/passes/", "passes"],
  ["compiler/src/syntax/", "syntax"],
  ["compiler/src/source/", "read"],
  ["compiler/src/format/", "format"],
  ["compiler/src/semantics/", "semantics"],
  ["compiler/src/lower/", "lower"],
  ["compiler/src/data/", "data"],
  ["compiler/src/driver.ts", "driver"],
  ["compiler/src/sweep/", "variants"],
  ["compiler/src/diff/", "variants"],
  ["compiler/src/index.ts", "api"],
  ["compiler/src/tools/", "tools"],
  ["app/", "app"],
  ["cli/", "cli"],
  ["api/", "package"],
  ["bench/", "bench"],
];
const ORDER = [
  "runtime",
  "papers",
  "source",
  "diagnostics",
  "types",
  "registry",
  "ir",
  "passes",
  "syntax",
  "read",
  "format",
  "semantics",
  "lower",
  "data",
  "catalog",
  "driver",
  "variants",
  "api",
  "tools",
  "app",
  "cli",
  "package",
  "bench",
];
/** Layers that may import only themselves and the layers listed (whatever their place in the order). */
const SEALED: Readonly<Record<string, readonly string[]>> = { runtime: [], papers: ["runtime"] };
/** Layers only the listed layers may import. */
const IMPORTED_ONLY_BY: Readonly<Record<string, readonly string[]>> = { papers: ["app"] };
/** Layers that sit side by side and import neither each other. */
const APART: readonly (readonly [string, string])[] = [["cli", "package"]];
/** The longest line of TypeScript, in characters. */
const MAX_LINE = 160;

/** Source files allowed past 600 lines, and why. */
const LONG_FILES: Readonly<Record<string, string>> = {
  "compiler/src/syntax/cst-to-ast.ts":
    "one builder method per grammar rule, kept beside the precedence climbing and the span " +
    "bookkeeping they share; split by rule, each piece would re-import the same helpers",
};

const layerOf = (path: string) => LAYERS.find(([prefix]) => path.startsWith(prefix))?.[1];

function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
    );
  return ["compiler/src", "app", "cli", "api", "runtime/src", "bench", "examples"].flatMap(walk);
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/(?:from|import\()\s*"(\.[^"]+)"/g)].map((m) => normalize(join(dirname(file), m[1]!)).replace(/\.js$/, ".ts"));
}

describe("import layers", () => {
  const files = sourceFiles();
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it("every source file has a layer", () => {
    expect(files.filter((f) => !layerOf(f))).toEqual([]);
  });

  it("each file imports only its own layer and the layers below it", () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file)!;
      for (const target of targets) {
        const to = layerOf(target);
        if (!to || to === from) continue;
        const sealed = SEALED[from];
        const below = sealed ? sealed.includes(to) : ORDER.indexOf(to) < ORDER.indexOf(from);
        const allowed = IMPORTED_ONLY_BY[to]?.includes(from) ?? true;
        const apart = APART.some(([a, b]) => (a === from && b === to) || (a === to && b === from));
        if (!below || !allowed || apart) violations.push(`${file} (${from}) imports ${target} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("keeps the data layer and the papers' worlds free of any engine: they yield columns, the engines make tensors", () => {
    const engineFree = files.filter((f) => f.startsWith("runtime/src/data/") || f.startsWith("examples/"));
    const engines = ["runtime/src/tfjs/", "runtime/src/torch/"];
    const importing = engineFree.flatMap((f) =>
      graph
        .get(f)!
        .filter((t) => engines.some((e) => t.startsWith(e)))
        .map((t) => `${f} imports ${t}`),
    );
    expect(engineFree.length).toBeGreaterThan(20);
    expect(importing).toEqual([]);
  });

  it("has no import cycle through the op registry or the IR", () => {
    // Depth-first search for a path from each registry or IR file back to itself.
    const cycles: string[] = [];
    for (const start of files.filter((f) => f.startsWith("compiler/src/ops/") || f.startsWith("compiler/src/ir/"))) {
      const seen = new Set<string>();
      const stack: [string, string[]][] = [[start, [start]]];
      while (stack.length) {
        const [file, path] = stack.pop()!;
        for (const next of graph.get(file) ?? []) {
          if (next === start) cycles.push(path.concat(next).join(" → "));
          else if (!seen.has(next)) {
            seen.add(next);
            stack.push([next, path.concat(next)]);
          }
        }
      }
    }
    expect(cycles).toEqual([]);
  });

  it("keeps every source file within 600 lines, or says why", () => {
    const long = files.map((f) => [f, readFileSync(join(ROOT, f), "utf8").split("\n").length] as const).filter(([f, lines]) => lines > 600 && !LONG_FILES[f]);
    expect(long).toEqual([]);
    for (const f of Object.keys(LONG_FILES)) expect(files, `${f} is listed in LONG_FILES but does not exist`).toContain(f);
  });

  it(`keeps every TypeScript line of the repository within ${MAX_LINE} characters`, () => {
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        ["node_modules", "dist", "runs"].includes(e.name) || e.name.startsWith(".")
          ? []
          : e.isDirectory()
            ? walk(join(dir, e.name))
            : e.name.endsWith(".ts")
              ? [join(dir, e.name)]
              : [],
      );
    const long = walk(".").flatMap((f) =>
      readFileSync(join(ROOT, f), "utf8")
        .split("\n")
        .flatMap((line, i) => (line.length > MAX_LINE ? [`${f}:${i + 1} (${line.length})`] : [])),
    );
    expect(long).toEqual([]);
  });
});

describe("the repository stands alone", () => {
  it("cites no design note outside it (its own notes live in spec/)", () => {
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".")
          ? []
          : e.isDirectory()
            ? walk(join(dir, e.name))
            : /\.(ts|rec|md|py)$/.test(e.name)
              ? [join(dir, e.name)]
              : [],
      );
    const outside = /(?<!spec\/)\b(papers|anchors|brief|architecture)\.md\b|shared\/design|\.\.\/shared\//;
    const citing = walk(".")
      .filter((f) => f !== join("test", "layers.test.ts"))
      .flatMap((f) =>
        readFileSync(join(ROOT, f), "utf8")
          .split("\n")
          .flatMap((line, i) => (outside.test(line) && !/spec\/ARCHITECTURE\.md|\(ARCHITECTURE\.md\)/.test(line) ? [`${f}:${i + 1}`] : [])),
      );
    expect(citing).toEqual([]);
  });
});
