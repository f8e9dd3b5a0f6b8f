// The executor: prepares a plan once (kernels looked up, parameters created and initialized
// from a seed), then runs it many times. Only the steps an entry point needs run; in inference
// every intermediate is freed right after its last use (the plan's liveness); under a gradient
// tape the caller's tf.tidy frees them instead. On backends with fused kernels (kernels/fused/),
// the op patterns they compute (patterns.ts) run as one kernel each.

import { dimOfValue, evaluateDim, sizesFromInputs } from "../dims.js";
import { FUSED_KERNELS, fusedKinds } from "./kernels/fused/index.js";
import { KERNELS, type Kernel } from "./kernels/index.js";
import { findFusions, fusedInputs, type Fusion } from "../patterns.js";
import type { Plan, PlanStep } from "../plan.js";
import { tf, tfDtype, type Tensor } from "./tf.js";

export class PlanError extends Error {
  override readonly name = "PlanError";
}

/**
 * A kernel that failed on the values it was given (an id outside its table, a shape the data
 * broke): the op and its `.rec` line and column, then the engine's own words.
 */
export class KernelError extends Error {
  override readonly name = "KernelError";
}

export type EntryName = keyof Plan["entries"];

export interface RunOptions {
  /** Under a gradient tape: keep intermediates (tf.tidy around the call frees them). */
  readonly training?: boolean;
  readonly seed?: number;
  /**
   * Sparse training (trainer.ts): told the ids and value of each row lookup of these tables, so
   * the trainer can take the gradient with respect to the looked-up rows instead of the table.
   */
  readonly lookups?: { readonly tables: ReadonlySet<string>; readonly seen: (table: string, ids: Tensor, rows: Tensor) => void };
}

export class Executor {
  readonly params = new Map<string, tf.Variable>();
  /** While set (`rec train --profile`), told each plan step's kernel time in milliseconds (`op`: a fused pattern's name). */
  timer: ((step: PlanStep, ms: number, op?: string) => void) | undefined;
  /** The constant inputs (`input … constant`), fed once by bindConstants and read by every run. */
  readonly constants = new Map<string, Tensor>();
  private readonly kernels: (Kernel | undefined)[];
  /** Per backend: the patterns it fuses, what each step then reads, and when values die. */
  private readonly schedules = new Map<string, Schedule>();

  constructor(
    readonly plan: Plan,
    seed = 0,
    /** `fuse: false` runs every op by itself (to compare against, or to profile op by op). */
    private readonly options: { readonly fuse?: boolean } = {},
  ) {
    this.kernels = plan.steps.map((step) => {
      if (step.op === "input" || step.op === "param" || step.op === "const") return undefined;
      const kernel = KERNELS[step.op];
      if (!kernel) throw new PlanError(`no kernel for the op \`${step.op}\` (step ${step.id})`);
      return kernel;
    });
    plan.params.forEach((param, i) => {
      const shape = param.type.shape.map((d) => {
        if (typeof d !== "number") throw new PlanError(`parameter ${param.name} has the symbolic shape ${JSON.stringify(param.type.shape)}`);
        return d;
      });
      // tfjs names variables globally; ours are unique per executor, so leave naming to tfjs.
      // The variable shares the initial value's memory: letting go of the initial tensor keeps
      // it from holding the first weights alive after an update replaces them.
      const initial = initialize(param.init, shape, tfSeed(seed, i));
      this.params.set(param.name, tf.variable(initial, param.group !== "state"));
      initial.dispose();
    });
  }

  /**
   * Takes the constant inputs, checked against their declarations (handles of its own, which
   * dispose frees). Every later run reads them as if each batch fed them.
   */
  bindConstants(feeds: ReadonlyMap<string, Tensor>): void {
    for (const input of this.plan.inputs.filter((i) => i.constant)) {
      const fed = feeds.get(input.name);
      const line = this.plan.steps[input.step]?.loc?.[0];
      if (!fed)
        throw new PlanError(
          `no value for the constant input \`${input.name}\`${line ? ` (line ${line})` : ""}; the ` +
            `data gives ${[...feeds.keys()].map((k) => `\`${k}\``).join(", ") || "nothing"}`,
        );
      if (fed.dtype !== tfDtype(input.type) || fed.shape.length !== input.type.shape.length)
        throw new PlanError(
          `the constant input \`${input.name}\`${line ? ` (line ${line})` : ""} is fed ` +
            `${fed.dtype}[${fed.shape.join(", ")}], the model declares ` +
            `${input.type.dtype}[${input.type.shape.join(", ")}]`,
        );
      // A clone shares the data: the executor frees its own handle, the data set keeps its own.
      this.constants.set(input.name, tf.clone(fed));
    }
    this.computeOnce();
  }

  /** Values of the constants alone (plan steps marked `once`), computed when they are fed. */
  private readonly onceValues = new Map<number, Tensor>();

  private computeOnce(): void {
    const marked = this.plan.steps.filter((s) => s.once).map((s) => s.id);
    if (!marked.length) return;
    tf.dispose([...this.onceValues.values()]);
    this.onceValues.clear();
    const kept = tf.tidy(() => {
      const values = this.runOutputs(Object.fromEntries(marked.map((id) => [`s${id}`, id])), new Map(), { training: true });
      return marked.map((id) => values.get(`s${id}`)!);
    });
    marked.forEach((id, i) => this.onceValues.set(id, kept[i]!));
  }

  /** Runs the steps the named outputs need; returns them by output name. */
  run(entry: EntryName, feeds: ReadonlyMap<string, Tensor>, options: RunOptions = {}): Map<string, Tensor> {
    return this.runOutputs(this.plan.entries[entry].outputs, feeds, options);
  }

  /**
   * The train entry's losses and, from the same forward pass, the values its `updates` give the
   * module states (BatchNorm's running statistics) after the step.
   */
  runTrain(feeds: ReadonlyMap<string, Tensor>, options: RunOptions = {}): { losses: Map<string, Tensor>; updates: Map<string, Tensor> } {
    const { outputs, updates = {} } = this.plan.entries.train;
    const values = this.runOutputs(
      { ...outputs, ...Object.fromEntries(Object.entries(updates).map(([name, step]) => [`update:${name}`, step])) },
      feeds,
      options,
    );
    return {
      losses: new Map(Object.keys(outputs).map((name) => [name, values.get(name)!])),
      updates: new Map(Object.keys(updates).map((name) => [name, values.get(`update:${name}`)!])),
    };
  }

  /** Runs only the named outputs of an entry (an environment's phases: its candidates, then the response, then the transition). */
  runNamed(entry: EntryName, names: readonly string[], feeds: ReadonlyMap<string, Tensor>, options: RunOptions = {}): Map<string, Tensor> {
    const outputs = this.plan.entries[entry].outputs;
    const missing = names.filter((n) => !(n in outputs));
    if (missing.length) throw new PlanError(`model ${this.plan.model} has no ${entry} output ${missing.map((n) => `\`${n}\``).join(", ")}`);
    return this.runOutputs(Object.fromEntries(names.map((n) => [n, outputs[n]!])), feeds, options);
  }

  private runOutputs(outputs: Readonly<Record<string, number>>, batchFeeds: ReadonlyMap<string, Tensor>, options: RunOptions): Map<string, Tensor> {
    const feeds = this.constants.size ? new Map([...this.constants, ...batchFeeds]) : batchFeeds;
    const schedule = this.schedule();
    const wanted = new Set(Object.values(outputs));
    const needed = this.needed(wanted, schedule);
    const shapes = new Map([...feeds].map(([k, v]) => [k, v.shape]));
    const sizes = sizesFromInputs(this.plan.inputs, shapes);
    const values = new Map<number, Tensor>();
    const owned = new Set<number>();
    // A kernel may return its input itself (dropout at evaluation): a tensor is freed only when
    // no live step's value is that same tensor.
    const holders = new Map<Tensor, number>();
    const dim = (value: Parameters<typeof dimOfValue>[0]) => dimOfValue(value, sizes);
    for (const step of this.plan.steps) {
      if (!needed.has(step.id)) continue;
      const computed = this.onceValues.get(step.id);
      const fusion = schedule.fusions.get(step.id);
      const value = computed ?? (fusion ? this.fused(step, fusion, values) : this.value(step, feeds, values, sizes, dim, options));
      values.set(step.id, value);
      holders.set(value, (holders.get(value) ?? 0) + 1);
      if (step.op !== "input" && step.op !== "param" && !computed) owned.add(step.id);
      if (!options.training) {
        for (const dead of schedule.freeAfter[step.id] ?? []) {
          if (wanted.has(dead) || !owned.has(dead)) continue;
          const tensor = values.get(dead);
          values.delete(dead);
          if (!tensor) continue;
          const left = holders.get(tensor)! - 1;
          holders.set(tensor, left);
          if (left === 0 && ![...wanted].some((w) => values.get(w) === tensor) && ![...feeds.values()].includes(tensor)) tensor.dispose();
        }
      }
    }
    if (!options.training) {
      // Running some outputs of an entry (runNamed) skips steps that the liveness expected to
      // free values after: what is left and not returned is freed here.
      const kept = new Set([...wanted].map((w) => values.get(w)));
      const fed = new Set(feeds.values());
      for (const [id, tensor] of values) if (owned.has(id) && !kept.has(tensor) && !fed.has(tensor) && !tensor.isDisposed) tensor.dispose();
    }
    // The caller owns what it is given: a value computed once goes out as a clone of its own.
    return new Map(Object.entries(outputs).map(([name, step]) => [name, this.onceValues.has(step) ? tf.clone(values.get(step)!) : values.get(step)!]));
  }

  private value(
    step: PlanStep,
    feeds: ReadonlyMap<string, Tensor>,
    values: Map<number, Tensor>,
    sizes: Map<string, number>,
    dim: (v: Parameters<typeof dimOfValue>[0]) => number,
    options: RunOptions,
  ): Tensor {
    if (step.op === "input") {
      const name = String(step.attrs["name"]);
      const fed = feeds.get(name);
      if (!fed && this.plan.inputs.some((i) => i.name === name && i.constant))
        throw new PlanError(
          `no value for the constant input \`${name}\`${step.loc ? ` (line ${step.loc[0]})` : ""}: ` +
            `it is fed once, from the train block's \`constants = …\` file or the world, and this ` +
            `executor was given none`,
        );
      if (!fed) throw new PlanError(`no value for the input \`${name}\``);
      const expected = step.type.shape.map((d) => evaluateDim(d, sizes));
      if (fed.shape.join() !== expected.join()) throw new PlanError(`input \`${name}\` has shape [${fed.shape}], the model expects [${expected}]`);
      return fed;
    }
    if (step.op === "param") return this.params.get(String(step.attrs["name"]))!;
    if (step.op === "const") return tf.scalar(Number(typeof step.attrs["value"] === "object" ? 0 : step.attrs["value"]), tfDtype(step.type));
    const inputs = step.inputs.map((i) => values.get(i)!);
    const inputSteps = step.inputs.map((i) => this.plan.steps[i]!);
    // Each random op draws its own stream: two dropouts of one step get different masks.
    try {
      const started = this.timer ? performance.now() : 0;
      const out = this.kernels[step.id]!(inputs, { step, dim, training: Boolean(options.training), seed: tfSeed(options.seed ?? 0, step.id), inputSteps });
      this.timer?.(step, performance.now() - started);
      // A table read only by lookups (`lookupOnly`) has no other reader: every step reading it is one.
      const table = inputSteps[0]?.op === "param" ? String(inputSteps[0].attrs["name"]) : undefined;
      if (table !== undefined && options.lookups?.tables.has(table)) options.lookups.seen(table, inputs[1]!, out);
      return out;
    } catch (error) {
      if (error instanceof PlanError || error instanceof KernelError) throw error;
      const where = step.loc ? ` at line ${step.loc[0]}:${step.loc[1]}` : "";
      const shapes = inputs.map((t) => `[${t.shape.join(", ")}]`).join(", ");
      throw new KernelError(
        `\`${step.op}\`${where} failed on inputs of shapes ${shapes}: ${(error as Error).message} ` +
          `(the values do not fit what the spec declares: an id beyond its space, or a shape the ` +
          `data broke)`,
      );
    }
  }

  /** A pattern's last step, computed by its fused kernel from the pattern's inputs. */
  private fused(step: PlanStep, fusion: Fusion, values: Map<number, Tensor>): Tensor {
    const inputs = fusion.inputs.map((i) => values.get(i)!);
    try {
      const started = this.timer ? performance.now() : 0;
      const out = FUSED_KERNELS[fusion.kind]!(inputs, fusion);
      this.timer?.(step, performance.now() - started, fusion.kind);
      return out;
    } catch (error) {
      const where = step.loc ? ` at line ${step.loc[0]}:${step.loc[1]}` : "";
      throw new KernelError(
        `\`${fusion.kind}\`${where} failed on inputs of shapes ${inputs.map((t) => `[${t.shape.join(", ")}]`).join(", ")}: ${(error as Error).message}`,
      );
    }
  }

  /** The current backend's schedule, made once per backend. */
  private schedule(): Schedule {
    const backend = tf.getBackend();
    let schedule = this.schedules.get(backend);
    if (!schedule) {
      const fusions = findFusions(this.plan, this.options.fuse === false ? new Set() : fusedKinds(backend));
      const inputsOf = fusedInputs(this.plan, fusions);
      schedule = { fusions, inputsOf, freeAfter: fusions.size ? fusedLiveness(this.plan, inputsOf) : this.plan.freeAfter };
      this.schedules.set(backend, schedule);
    }
    return schedule;
  }

  /** The first step (in order) of an entry point whose value is not finite, for error messages. */
  async firstNonFinite(entry: EntryName, feeds: ReadonlyMap<string, Tensor>): Promise<PlanStep | undefined> {
    const needed = this.needed(new Set(Object.values(this.plan.entries[entry].outputs)), this.schedule());
    const values = tf.tidy(
      () => Object.fromEntries(this.runOutputs(Object.fromEntries([...needed].map((s) => [`s${s}`, s])), feeds, { training: true })) as Record<string, Tensor>,
    );
    let found: PlanStep | undefined;
    for (const step of this.plan.steps) {
      const t = values[`s${step.id}`];
      if (!found && t !== undefined && t.dtype === "float32" && (await t.data()).some((v) => !Number.isFinite(v))) found = step;
    }
    const fed = new Set([...feeds.values(), ...this.constants.values(), ...this.onceValues.values()]);
    tf.dispose(Object.values(values).filter((t) => !this.isLeaf(t) && !fed.has(t)));
    return found;
  }

  private isLeaf(t: Tensor): boolean {
    return [...this.params.values()].includes(t as tf.Variable);
  }

  private needed(outputs: ReadonlySet<number>, schedule: Schedule): Set<number> {
    const needed = new Set(outputs);
    // A value computed once needs nothing more.
    for (let i = this.plan.steps.length - 1; i >= 0; i--)
      if (needed.has(i) && !this.onceValues.has(i)) for (const input of schedule.inputsOf(i)) needed.add(input);
    return needed;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
    tf.dispose([...this.constants.values(), ...this.onceValues.values()]);
    this.constants.clear();
    this.onceValues.clear();
  }
}

export { tfDtype };

interface Schedule {
  readonly fusions: ReadonlyMap<number, Fusion>;
  readonly inputsOf: (id: number) => readonly number[];
  readonly freeAfter: Readonly<Record<number, readonly number[]>>;
}

/**
 * The plan's liveness once fused kernels read a pattern's inputs in place of its inner steps:
 * each value the plan lets the executor free dies after its last reader in the fused graph (an
 * input of a layer norm lives until the fused step, not until the inner step that read it).
 */
function fusedLiveness(plan: Plan, inputsOf: (id: number) => readonly number[]): Record<number, number[]> {
  const freeable = new Set(Object.values(plan.freeAfter).flat());
  const lastUse = new Map<number, number>();
  for (const step of plan.steps) for (const input of inputsOf(step.id)) lastUse.set(input, step.id);
  const freeAfter: Record<number, number[]> = {};
  for (const [value, step] of lastUse) if (freeable.has(value)) (freeAfter[step] ??= []).push(value);
  return freeAfter;
}

/** A parameter's initial value from its initializer text: `glorot_uniform()`, `normal(stddev = 0.05)`, … */
/**
 * The seed of one random stream (a weight's initializer, a random op's draws) from a run's seed
 * and the stream's number. tfjs takes a seed of 0 as "no seed" (it draws from Math.random), so
 * the one pair that would give 0 gets −1 instead; every other pair keeps base · 7919 + stream.
 */
export function tfSeed(base: number, stream: number): number {
  const seed = base * 7919 + stream;
  return seed === 0 ? -1 : seed;
}

export function initialize(init: string, shape: number[], seed: number): Tensor {
  const m = /^([a-z_]+)\((.*)\)$/.exec(init.trim());
  const name = m?.[1] ?? "zeros";
  const args = new Map<string, number>();
  for (const part of (m?.[2] ?? "").split(",")) {
    const kv = /^\s*([a-z_]+)\s*=\s*([-+0-9.eE]+)\s*$/.exec(part);
    if (kv) args.set(kv[1]!, Number(kv[2]));
  }
  switch (name) {
    case "zeros":
      return tf.zeros(shape);
    case "ones":
      return tf.ones(shape);
    case "normal":
      return tf.randomNormal(shape, args.get("mean") ?? 0, args.get("stddev") ?? 0.05, "float32", seed);
    case "uniform":
      return tf.randomUniform(shape, args.get("low") ?? -0.05, args.get("high") ?? 0.05, "float32", seed);
    case "glorot_uniform": {
      const fanIn = shape.length > 1 ? shape[shape.length - 2]! : shape[0]!;
      const fanOut = shape[shape.length - 1]!;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.randomUniform(shape, -limit, limit, "float32", seed);
    }
    default:
      throw new PlanError(`unknown initializer \`${init}\``);
  }
}
