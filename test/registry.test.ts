// The op registry is the one home of every op fact. For each category, the rules
// (compiler/src/ops/<category>.ts), the reference implementations (compiler/src/ir/reference/<category>.ts)
// the tfjs kernels (runtime/src/tfjs/kernels/<category>.ts) and the torch lowerings
// (runtime/src/torch/kernels/<category>.ts) cover exactly the same ops; every op
// has a doc and a cost; and no compiler source outside the registry names a run-time op in a
// string (a list of op names kept elsewhere is how facts drift from the registry).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REFERENCE_BY_CATEGORY } from "../compiler/src/ir/reference/index.js";
import { KERNELS_BY_CATEGORY } from "../runtime/src/tfjs/kernels/index.js";
import { TORCH_BY_CATEGORY } from "../runtime/src/torch/kernels/index.js";
import { ALL_OPS, OPS } from "../compiler/src/ops/index.js";
import { OP_CATEGORIES } from "../compiler/src/ops/types.js";
import { ROOT } from "./harness/repo.js";

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("the op registry", () => {
  for (const category of OP_CATEGORIES) {
    it(`${category}: rule, reference, kernel and torch files cover the same ops`, () => {
      const rules = sorted(ALL_OPS.filter((op) => op.category === category).map((op) => op.name));
      expect(rules.length, `no op in ${category}`).toBeGreaterThan(0);
      expect(sorted(Object.keys(REFERENCE_BY_CATEGORY[category])), `compiler/src/ir/reference/${category}.ts`).toEqual(rules);
      expect(sorted(Object.keys(KERNELS_BY_CATEGORY[category] ?? {})), `runtime/src/tfjs/kernels/${category}.ts`).toEqual(rules);
      expect(sorted(Object.keys(TORCH_BY_CATEGORY[category] ?? {})), `runtime/src/torch/kernels/${category}.ts`).toEqual(rules);
    });
  }

  it("has no category without its four files", () => {
    expect(sorted(Object.keys(REFERENCE_BY_CATEGORY))).toEqual(sorted(OP_CATEGORIES));
    expect(sorted(Object.keys(KERNELS_BY_CATEGORY))).toEqual(sorted(OP_CATEGORIES));
    expect(sorted(Object.keys(TORCH_BY_CATEGORY))).toEqual(sorted(OP_CATEGORIES));
    for (const category of OP_CATEGORIES) {
      for (const file of [
        `compiler/src/ops/${category}.ts`,
        `compiler/src/ir/reference/${category}.ts`,
        `runtime/src/tfjs/kernels/${category}.ts`,
        `runtime/src/torch/kernels/${category}.ts`,
      ]) {
        expect(statSync(join(ROOT, file)).isFile(), file).toBe(true);
      }
    }
  });

  it("documents and costs every op", () => {
    const undocumented = ALL_OPS.filter((op) => op.doc.trim().length < 10 || !op.doc.startsWith(op.name)).map((op) => op.name);
    expect(undocumented).toEqual([]);
    const uncosted = ALL_OPS.filter((op) => typeof op.cost !== "function").map((op) => op.name);
    expect(uncosted).toEqual([]);
  });

  it("is the only place that names a run-time op: no op-name list in the compiler's other sources", () => {
    const names = new Set(OPS.keys());
    const offenders: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
    // The registry itself, and the reference implementations keyed by op name (its second file).
    const files = walk(join(ROOT, "compiler/src")).filter((f) => !f.includes(`${join("ir", "reference")}`) && !f.includes(`${join("compiler", "src", "ops")}`));
    for (const file of files) {
      const text = readFileSync(file, "utf8").replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, "");
      for (const match of text.matchAll(/"([a-z_0-9]+)"/g)) {
        if (names.has(match[1]!) && !ALLOWED.has(`${relative(ROOT, file)}:${match[1]}`)) offenders.push(`${relative(ROOT, file)}: "${match[1]}"`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

/**
 * Strings that are op names by coincidence, not op facts: a parameter, attribute or setting
 * spelled like an op (`max` steps, a metric's `mean`), or the diagnostics' example text.
 */
const ALLOWED = new Set<string>([
  "compiler/src/data/data-diagnostics.ts:max", // a message argument (the longest sequence)
  "compiler/src/syntax/tokens.ts:constant", // the keyword of `input … constant`
  "compiler/src/semantics/model.ts:constant", // an input node's attribute: fed once, whole
  "compiler/src/lower/to-plan.ts:constant", // the same attribute, read into the plan's input
  "compiler/src/semantics/schema.ts:min", // a column's `min = …` option
  "compiler/src/semantics/sweep-diagnostics.ts:min", // the catalog examples' `mode = "min"`
  "compiler/src/semantics/sweep-diagnostics.ts:max", // what `mode` takes: "max" or "min"
  "compiler/src/lower/to-plan.ts:mean", // how a metric aggregates over batches
  "compiler/src/semantics/rollouts-check.ts:polyak", // the `rollouts { polyak = τ }` setting, checked for its range
  "compiler/src/semantics/indexing.ts:index", // the parameter's name in messages, and a subscript kind
  "compiler/src/semantics/semantic-diagnostics.ts:where", // a message argument
  "compiler/src/semantics/semantic-diagnostics.ts:index", // a message argument
  "compiler/src/syntax/syntax-diagnostics.ts:where", // a message argument
  "compiler/src/semantics/train-checks.ts:topk", // the gradient pipeline's `topk` setting
  "compiler/src/semantics/train-checks.ts:clip", // the gradient pipeline's `clip` setting
  "compiler/src/semantics/sweep-decl.ts:max", // a sweep's `mode`
  "compiler/src/semantics/sweep-decl.ts:min", // a sweep's `mode`
  "compiler/src/semantics/sweep-decl.ts:where", // a sweep's constraint setting
  "compiler/src/semantics/experiment-decl.ts:min", // an experiment's `best_epoch { mode }`
  "compiler/src/semantics/experiment-decl.ts:max", // an experiment's `best_epoch { mode }`
  "compiler/src/semantics/experiment.ts:min", // what `best_epoch { mode }` takes: "min" or "max"
  "compiler/src/semantics/experiment.ts:max", // what `best_epoch { mode }` takes: "min" or "max"
]);
