// The variant API: a spec (a file, or source text) with param overrides → its diagnostics, its
// models' params with their kinds, costs and model hash; variants by changing params or swapping
// a module; the variant printed back as .rec; its semantic diff against another; training and
// evaluation with the runtime. Programs that generate variants (searches, ablations, nightly
// retrains) use this instead of writing .rec text; examples/api/variants.ts shows it.
// A Spec is immutable: `with` and `swap` return new ones. It compiles lazily, once.

import { openData } from "../app/data.js";
import { bindConstants } from "../runtime/src/tfjs/feeds.js";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { compile, type CompileResult } from "../app/compile.js";
import type { Diagnostic } from "../compiler/src/diagnostics/diagnostic.js";
import { semanticDiff, type ModelDiff } from "../compiler/src/diff/semantic-diff.js";
import { modelHash } from "../compiler/src/ir/hash.js";
import { summarize } from "../compiler/src/semantics/summary.js";
import { withParamValues } from "../compiler/src/sweep/fill-params.js";
import { formatRec } from "../compiler/src/format/format.js";
import { valueText } from "../compiler/src/diff/semantic-diff.js";
import type { Value } from "../compiler/src/semantics/values.js";
import { useBackend, type BackendName } from "../runtime/src/tfjs/backends.js";
import { loadServingWeights } from "../runtime/src/checkpoint/checkpoint.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { evaluateMetrics } from "../runtime/src/tfjs/train/trainer.js";
import type { Plan } from "../runtime/src/plan.js";
import { trainRun, type TrainRunSummary } from "../app/train-run.js";

/** A param value as the API takes it: a number, a bool, or .rec text (`"[64, 32]"`, a module's name). */
export type ParamValue = string | number | boolean;

export interface ParamInfo {
  readonly name: string;
  /** `int`, `float`, `bool`, `string`, `list`, `module`, `fn`, …: what the value is. */
  readonly kind: string;
  /** The value as .rec writes it (after overrides). */
  readonly value: string;
}

export interface ModelInfo {
  readonly name: string;
  readonly params: readonly ParamInfo[];
  readonly inputs: readonly { readonly name: string; readonly type: string }[];
  readonly outputs: readonly { readonly role: string; readonly name: string; readonly type: string | null }[];
  readonly costs: {
    readonly parameters: number | null;
    /** Weights, gradients and optimizer state, in bytes. */
    readonly trainingBytes: number | null;
    /** A polynomial in the model's dims, the batch set to 1 (`64*L + 21073`). */
    readonly flopsPerExample: string;
  };
  /** The model's hash after the pass pipeline: variants of equal hash train alike. */
  readonly hash: string;
}

export interface TrainOptions {
  readonly model?: string;
  readonly steps?: number;
  readonly batch?: number;
  readonly seed?: number;
  readonly backend?: BackendName | "torch";
  /** The run directory (default: runs/<model>-<seed> under the spec's folder). */
  readonly out?: string;
  /** Called with each line `rec train` would print as a note. */
  readonly log?: (line: string) => void;
}

export interface TrainResult extends TrainRunSummary {
  /** The final weights (`rec eval --checkpoint`, `Spec.evaluate`). */
  readonly checkpoint: string;
}

export class SpecError extends Error {
  override readonly name = "SpecError";
}

export class Spec {
  private compiled?: CompileResult;

  private constructor(
    /** The file the spec is (or is reported as). */
    readonly path: string,
    /** Its source text, before overrides. */
    readonly text: string,
    /** Param overrides, as `--set` takes them. */
    readonly overrides: ReadonlyMap<string, string>,
  ) {}

  /** A spec on disk, with optional overrides. */
  static fromFile(path: string, set: Readonly<Record<string, ParamValue>> = {}): Spec {
    const absolute = resolve(path);
    return new Spec(absolute, readFileSync(absolute, "utf8"), toOverrides(set));
  }

  /** A spec from text; `path` places it (its imports and data paths are relative to it). */
  static fromSource(path: string, text: string, set: Readonly<Record<string, ParamValue>> = {}): Spec {
    return new Spec(resolve(path), text, toOverrides(set));
  }

  /** The compiler's whole result: diagnostics, checked models, optimized IR, plans. */
  get result(): CompileResult {
    this.compiled ??= compile({ path: this.path, text: this.text }, { overrides: this.overrides });
    return this.compiled;
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.result.diagnostics;
  }

  /** True when the spec checks without errors. */
  get ok(): boolean {
    return !this.diagnostics.some((d) => d.severity === "error");
  }

  /** Every model of the file, with its params, costs and hash (empty when it does not check). */
  models(): ModelInfo[] {
    const r = this.result;
    return r.models.map((model, i) => {
      const summary = summarize(model);
      return {
        name: model.name,
        params: [...model.params].map(([name, value]) => ({ name, kind: kindOf(value), value: valueText(value) })),
        inputs: summary.inputs,
        outputs: summary.outputs,
        costs: { parameters: summary.totals.count, trainingBytes: summary.totals.trainingBytes, flopsPerExample: summary.flops.perExample },
        hash: modelHash(r.optimized[i]!, r.plans[i]!),
      };
    });
  }

  /** One model (default: the first); a SpecError when the spec does not check or lacks it. */
  model(name?: string): ModelInfo {
    this.assertOk();
    const models = this.models();
    const found = name === undefined ? models[0] : models.find((m) => m.name === name);
    if (!found)
      throw new SpecError(`${this.path} has no model ${name === undefined ? "" : `\`${name}\``}; it has ${models.map((m) => m.name).join(", ") || "none"}`);
    return found;
  }

  /** A variant with these param values (on top of this spec's overrides). */
  with(set: Readonly<Record<string, ParamValue>>): Spec {
    return new Spec(this.path, this.text, new Map([...this.overrides, ...toOverrides(set)]));
  }

  /** A variant whose module-valued param names another module of the file (`swap("pool", "AttentionPool")`). */
  swap(param: string, module: string): Spec {
    const current = this.model().params.find((p) => p.name === param);
    if (!current || current.kind !== "module")
      throw new SpecError(`\`${param}\` is not a param whose value is a module (${current ? `it is ${current.kind}` : "no such param"})`);
    return this.with({ [param]: module });
  }

  /**
   * The variant as .rec text: the file with the overrides written as the params' defaults,
   * through the formatter (comments kept, long lines broken).
   */
  async toRec(model?: string): Promise<string> {
    this.assertOk();
    const file = this.result.files[0]!;
    const text = withParamValues(file, this.model(model).name, this.overrides);
    const formatted = await formatRec(text, this.path);
    return formatted.ok ? formatted.text : text;
  }

  /** What changed in meaning from this spec to `other`. */
  diff(other: Spec): ModelDiff[] {
    this.assertOk();
    other.assertOk();
    return semanticDiff(this.result, other.result);
  }

  /** The runtime plan of one model (the compiler's output, the runtime's input). */
  plan(model?: string): Plan {
    const name = this.model(model).name;
    return this.result.plans.find((p) => p.model === name)!;
  }

  /** Trains a model as `rec train` does, into a run directory; returns the summary and the checkpoint. */
  async train(options: TrainOptions = {}): Promise<TrainResult> {
    const plan = this.plan(options.model);
    const seed = options.seed ?? 0;
    const dir = resolve(dirname(this.path), options.out ?? `runs/${plan.model}-${seed}`);
    const model = this.result.models.find((m) => m.name === plan.model);
    const { summary } = await trainRun(
      {
        plan,
        ...(model ? { model } : {}),
        file: this.path,
        baseDir: dirname(this.path),
        dir,
        cwd: dirname(this.path),
        seed,
        overrides: this.overrides,
        backend: options.backend ?? "cpu",
        ...(options.steps !== undefined ? { steps: options.steps } : {}),
        ...(options.batch !== undefined ? { batch: options.batch } : {}),
      },
      { log: options.log ?? (() => {}) },
    );
    return { ...summary, checkpoint: resolve(dir, "checkpoint.safetensors") };
  }

  /** A trained model's metrics on the held-out split of its data (as `rec eval`). */
  async evaluate(
    checkpoint: string,
    options: { model?: string; batches?: number; batch?: number; seed?: number; backend?: BackendName } = {},
  ): Promise<Record<string, number>> {
    const plan = this.plan(options.model);
    await useBackend(options.backend ?? "cpu");
    const executor = new Executor(plan, 0);
    try {
      loadServingWeights(executor, checkpoint);
      const settings = plan.train[0]?.settings ?? {};
      const batch = options.batch ?? (typeof settings["batch"] === "number" ? settings["batch"] : 64);
      const data = await openData(plan, settings["data"] as string | undefined, { seed: options.seed ?? 0, baseDir: dirname(this.path) });
      await bindConstants(executor, data);
      return await evaluateMetrics(executor, data.heldOut("valid"), options.batches ?? (data.heldOutBatches ? 8 : 0), batch);
    } finally {
      executor.dispose();
    }
  }

  private assertOk(): void {
    const error = this.diagnostics.find((d) => d.severity === "error");
    if (error)
      throw new SpecError(
        `${this.path} does not check: ${error.code} ` +
          `${error.message}${this.overrides.size ? ` (with ${[...this.overrides].map(([k, v]) => `${k}=${v}`).join(" ")})` : ""}`,
      );
  }
}

function toOverrides(set: Readonly<Record<string, ParamValue>>): Map<string, string> {
  return new Map(
    Object.entries(set).map(([k, v]) => [k, typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v) ? v.toExponential() : String(v)]),
  );
}

function kindOf(value: Value): string {
  return value.kind === "closure" ? "fn" : value.kind;
}
