// Where a training step's time goes, for `rec train --profile`. A step engine that runs a few
// chosen steps under tfjs's profiler while the executor times each plan step's kernel: the
// forward pass by `.rec` line and by op, every tfjs kernel of the whole step (forward and
// backward) by kind, the share in matrix products, and the tensors and bytes allocated per step.
// In: the tfjs engine and its executor, which steps to profile. Out: a StepProfile (and the
// engine's own behaviour, unchanged: profiled steps train like the others).
//
// On cpu and wasm kernels run synchronously, so a plan step's time is its compute; on webgpu
// it is the time to enqueue the work (the profile says which backend it measured).

import type { Batch } from "../../data/batch.js";
import type { Executor } from "../executor.js";
import type { PlanStep } from "../../plan.js";
import { tf, type Tensor } from "../tf.js";
import type { BatchSource } from "../../data/batch.js";
import type { StepEngine } from "./trainer.js";

export interface ProfileRow {
  readonly name: string;
  readonly ms: number;
  readonly calls: number;
}

export interface StepProfile {
  readonly backend: string;
  readonly steps: readonly number[];
  /** Per profiled step, on average. */
  readonly stepMs: number;
  readonly forwardMs: number;
  readonly kernelMs: number;
  /** The forward pass by the `.rec` line of each op (`line 12`, or `(compiler)` for steps without one). */
  readonly forwardByLine: readonly ProfileRow[];
  /** The forward pass by op. */
  readonly forwardByOp: readonly ProfileRow[];
  /** Every tfjs kernel of the step, forward and backward, by kind. */
  readonly kernels: readonly ProfileRow[];
  /** The share of kernel time in matrix products (MatMul, BatchMatMul, fused). */
  readonly matmulShare: number;
  readonly tensorsPerStep: number;
  readonly bytesPerStep: number;
  readonly kernelsPerStep: number;
}

const MATMUL = /MatMul/;

/** Adds `ms` to the row `name` of a table. */
function add(table: Map<string, { ms: number; calls: number }>, name: string, ms: number) {
  const row = table.get(name) ?? { ms: 0, calls: 0 };
  row.ms += ms;
  row.calls++;
  table.set(name, row);
}

function rows(table: Map<string, { ms: number; calls: number }>, steps: number): ProfileRow[] {
  return [...table].map(([name, r]) => ({ name, ms: r.ms / steps, calls: r.calls / steps })).sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name));
}

/** The steps a profile covers: 3–7, or every step of a shorter run (1-based, as the loop numbers them). */
export function profileWindow(steps: number): Set<number> {
  const first = steps >= 7 ? 3 : 1;
  return new Set(Array.from({ length: Math.min(5, steps - first + 1) }, (_, i) => first + i));
}

export class ProfilingEngine implements StepEngine {
  private readonly byLine = new Map<string, { ms: number; calls: number }>();
  private readonly byOp = new Map<string, { ms: number; calls: number }>();
  private readonly kernels = new Map<string, { ms: number; calls: number }>();
  private readonly profiled: number[] = [];
  private stepMs = 0;
  private tensors = 0;
  private bytes = 0;
  private kernelCount = 0;

  constructor(
    private readonly inner: StepEngine,
    private readonly executor: Executor,
    /** The steps to profile (1-based, as the loop numbers them). */
    private readonly window: ReadonlySet<number>,
    private readonly onDone: (profile: StepProfile) => void,
  ) {}

  async step(step: number, batch: Batch, seed: number): Promise<number> {
    if (!this.window.has(step)) return this.inner.step(step, batch, seed);
    this.executor.timer = (planStep: PlanStep, ms: number, op?: string) => {
      add(this.byLine, planStep.loc ? `line ${planStep.loc[0]}` : "(compiler)", ms);
      add(this.byOp, op ?? planStep.op, ms);
    };
    let loss = 0;
    const started = performance.now();
    try {
      const info = await tf.profile(async () => {
        loss = await this.inner.step(step, batch, seed);
        return [] as Tensor[];
      });
      this.stepMs += performance.now() - started;
      // Allocations are what kernels create (the step frees them again, so the net change is 0).
      for (const kernel of info.kernels) {
        add(this.kernels, kernel.name, typeof kernel.kernelTimeMs === "number" ? kernel.kernelTimeMs : 0);
        this.tensors += Math.max(0, kernel.tensorsAdded);
        this.bytes += Math.max(0, kernel.bytesAdded);
      }
      this.kernelCount += info.kernels.length;
    } finally {
      this.executor.timer = undefined;
    }
    this.profiled.push(step);
    if (this.profiled.length === this.window.size) this.onDone(this.profile());
    return loss;
  }

  private profile(): StepProfile {
    const n = this.profiled.length;
    const kernels = rows(this.kernels, n);
    const kernelMs = kernels.reduce((s, r) => s + r.ms, 0);
    const forwardByLine = rows(this.byLine, n);
    return {
      backend: tf.getBackend(),
      steps: [...this.profiled],
      stepMs: this.stepMs / n,
      forwardMs: forwardByLine.reduce((s, r) => s + r.ms, 0),
      kernelMs,
      forwardByLine,
      forwardByOp: rows(this.byOp, n),
      kernels,
      matmulShare: kernelMs > 0 ? kernels.filter((r) => MATMUL.test(r.name)).reduce((s, r) => s + r.ms, 0) / kernelMs : 0,
      tensorsPerStep: this.tensors / n,
      bytesPerStep: this.bytes / n,
      kernelsPerStep: this.kernelCount / n,
    };
  }

  evaluate(source: BatchSource, batches: number, batchSize: number): Promise<Record<string, number>> {
    return this.inner.evaluate(source, batches, batchSize);
  }

  learningRate(step: number): number {
    return this.inner.learningRate(step);
  }

  get lastNonFinite() {
    return this.inner.lastNonFinite;
  }

  optimizerState() {
    return this.inner.optimizerState();
  }

  restoreOptimizerState(state: ReadonlyMap<string, Tensor>) {
    return this.inner.restoreOptimizerState(state);
  }
}

/** The profile as a few short tables for the terminal. */
export function renderProfile(p: StepProfile, top = 8): string {
  const table = (title: string, list: readonly ProfileRow[], total: number) => [
    title,
    ...list
      .slice(0, top)
      .map(
        (r) =>
          `  ${r.name.padEnd(28)} ${r.ms.toFixed(2).padStart(9)} ms  ` +
          `${((100 * r.ms) / Math.max(total, 1e-9)).toFixed(1).padStart(5)}%  ` +
          `${r.calls.toFixed(0).padStart(5)} calls`,
      ),
    ...(list.length > top ? [`  … ${list.length - top} more`] : []),
  ];
  return [
    `profile of steps ${p.steps.join(", ")} on ${p.backend}: ${p.stepMs.toFixed(1)} ms a step; ` +
      `kernels ${p.kernelMs.toFixed(1)} ms (forward ${p.forwardMs.toFixed(1)} ms), ` +
      `${(100 * p.matmulShare).toFixed(1)}% in matrix products; ${p.kernelsPerStep.toFixed(0)} ` +
      `kernels, ${p.tensorsPerStep.toFixed(0)} tensors (${(p.bytesPerStep / 2 ** 20).toFixed(1)} ` +
      `MiB) allocated a step`,
    ...table("forward, by .rec line:", p.forwardByLine, p.forwardMs),
    ...table("forward, by op:", p.forwardByOp, p.forwardMs),
    ...table("forward and backward, by tfjs kernel:", p.kernels, p.kernelMs),
  ].join("\n");
}
