// @ts-check
// Generating model variants from a program with reclang's API, the way an architecture search or
// a nightly retrain would: open a spec, read its params and costs, make variants by changing
// params and swapping a module, drop the ones whose graphs are equal, print a variant back as
// .rec, diff two of them, and train and evaluate one.
//
// Run from the repository root:   node examples/api/variants.mjs [--train]
// (`import … from "reclang"` resolves to this package; type-checked with `// @ts-check`.)

import { Spec, hasChanges } from "reclang";

const base = Spec.fromFile("examples/sweep/model.rec");
const model = base.model();
console.log(`${model.name}: ${model.costs.parameters} parameters, forward FLOPs per example ${model.costs.flopsPerExample}`);
console.log(`params: ${model.params.filter((p) => ["dim", "hidden", "pool", "heads"].includes(p.name)).map((p) => `${p.name} = ${p.value} (${p.kind})`).join(", ")}`);

// Every combination of width, pooling and heads; variants of equal hash would train alike.
/** @type {Map<string, { label: string, spec: Spec }>} */
const distinct = new Map();
let total = 0;
for (const dim of [16, 32]) {
  for (const pool of ["MeanPool", "AttentionPool"]) {
    for (const heads of [1, 2]) {
      const variant = base.with({ dim, heads }).swap("pool", pool);
      const info = variant.model();
      total++;
      if (!distinct.has(info.hash)) distinct.set(info.hash, { label: `dim=${dim} pool=${pool} heads=${heads}`, spec: variant });
    }
  }
}
console.log(`${total} variants, ${distinct.size} distinct graphs`);
for (const { label, spec } of distinct.values()) console.log(`  ${label}: ${spec.model().costs.parameters} parameters`);

// A variant as .rec: the file with the values written in as the params' defaults, formatted.
const wide = base.with({ dim: 48 }).swap("pool", "AttentionPool");
const line = (await wide.toRec()).split("\n").find((l) => l.includes("param dim"));
console.log(`as .rec: ${line?.trim()}`);

// What changed in meaning.
const [change] = base.diff(wide).filter(hasChanges);
console.log(`diff: ${change?.params.map((p) => `${p.name} ${p.a} → ${p.b}`).join(", ")}; +${change?.weights.filter((w) => w.a === undefined).length} weights`);

if (process.argv.includes("--train")) {
  const small = base.with({ dim: 16 });
  const run = await small.train({ steps: 20, batch: 64, seed: 1, out: "../../runs/api-example", backend: "cpu" });
  const metrics = await small.evaluate(run.checkpoint, { batches: 2 });
  console.log(`trained ${run.steps} steps: loss ${run.loss.first?.toFixed(3)} → ${run.loss.last?.toFixed(3)}, recall_at_10 ${metrics["recall_at_10"]?.toFixed(3)}`);
}
