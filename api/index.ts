// The package's API (`import … from "reclang"`): the compiler's functions (compile, check,
// print, render diagnostics), and for programs that generate variants the `Spec` class (params,
// costs, hashes, variants, .rec text, semantic diffs, training and evaluation) and sweep
// planning. The CLI is one client of the same modules.

export * from "../compiler/src/index.js";
// The compiler's entry points with the synthetic worlds filled in (these names shadow the compiler's own).
export { checkFiles, checkSource, compile, compileFiles } from "../app/compile.js";
export { Spec, SpecError, type ModelInfo, type ParamInfo, type ParamValue, type TrainOptions, type TrainResult } from "./spec.js";
export { planSweep, type SweepPlan, type SweepPoint, type PlanSweepResult } from "../compiler/src/sweep/plan-sweep.js";
export { semanticDiff, hasChanges, type ModelDiff, type Change } from "../compiler/src/diff/semantic-diff.js";
export { variantCompiler } from "../app/compile.js";
