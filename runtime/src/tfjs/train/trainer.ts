// Training a plan: the weighted sum of its losses, gradients by tfjs's tape, global-norm
// clipping, one optimizer per parameter group (dense, embedding), a learning-rate schedule,
// periodic evaluation, and a clear error when the loss stops being finite.

import { feedsOf } from "../feeds.js";
import { bindConstants } from "../feeds.js";
import type { Executor, RunOptions } from "../executor.js";
import type { Plan, PlanSettings, PlanValue } from "../../plan.js";
import { tf, type Tensor } from "../tf.js";
import type { Batch, BatchSource, DataSet } from "../../data/batch.js";
import { evaluateMetrics } from "./evaluate.js";
import { makeOptimizer, type GroupOptimizer } from "./optimizers.js";
import { learningRateFactor, type Schedule } from "../../train/schedule.js";
import { GradientPipeline, pipelineSettingsOf } from "./gradient-pipeline.js";
import { onlySparse, SparseOptimizer, sumByRow, trainsSparsely, type RowGradients } from "./sparse-optimizers.js";
import { tableRows } from "./table-rows.js";
import { checkDenseState } from "./optimizer-state.js";

export interface TrainOptions {
  readonly steps: number;
  /** `epochs = N` over finite data: prepareTraining (epochs.ts) turns it into `steps`. */
  readonly epochs?: number;
  /** Steps per epoch, when training counts epochs: every epoch ends with an evaluation. */
  readonly stepsPerEpoch?: number;
  readonly batch: number;
  readonly seed: number;
  readonly evalEvery: number;
  /** Batches per evaluation; 0: the whole held-out split (or the data set's default for generated data). */
  readonly evalBatches: number;
  /** Called after every step with the loss (and, on evaluation steps, the metrics). */
  readonly onStep?: (report: StepReport) => void;
  /** Early stopping on a metric: stop after `patience` evaluations without improvement. */
  readonly earlyStop?: { readonly metric: string; readonly mode: "max" | "min"; readonly patience: number };
  /** Called when an evaluation is the best so far on the early-stopping metric (to keep a checkpoint). */
  readonly onBest?: (report: StepReport) => void | Promise<void>;
  /** Save a resumable checkpoint every this many steps (and after the last); 0: only after the last. */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (state: TrainState) => Promise<void>;
  /** Continue a run: the state its last checkpoint held. */
  readonly resume?: TrainState;
  /** Called once before the first step, e.g. to restore the optimizer state of a resumed run. */
  readonly beforeFirstStep?: (trainer: StepEngine) => Promise<void>;
  /** The engine that computes the steps; by default a tfjs Trainer on the executor. */
  readonly engine?: StepEngine;
  /** Evaluation other than the plan's metrics over held-out batches (rollouts: episode metrics in the world). */
  readonly evaluate?: () => Promise<Record<string, number>>;
  /**
   * Score the test split and the validation split at each evaluation: the metrics are the test
   * split's, and `valid/<metric>` the validation split's (an experiment's best epoch is chosen on
   * them and reported on the test split).
   */
  readonly validation?: boolean;
  /** Called after each applied step with its number (rollouts: the target network's update). */
  readonly afterStep?: (step: number) => void;
}

/**
 * What the training loop needs of an engine: a step (loss and update), evaluation, the learning
 * rate, its optimizer state for checkpoints. The tfjs Trainer below is one; the torch engine
 * (runtime/src/torch/torch-trainer.ts) trains in a Python process and mirrors its weights into
 * the executor on `syncWeights`, so checkpoints and error reports read them there.
 */
export interface StepEngine {
  /** One training step on a batch (each engine makes its own tensors from the columns). */
  step(step: number, batch: Batch, seed: number): Promise<number>;
  evaluate(source: BatchSource, batches: number, batchSize: number): Promise<Record<string, number>>;
  learningRate(step: number): number;
  /** What the last refused step saw: its loss and the weights whose gradients were not finite. */
  readonly lastNonFinite: { loss: number; gradients: string[] } | undefined;
  optimizerState(): Promise<{ name: string; tensor: Tensor }[]>;
  restoreOptimizerState(state: ReadonlyMap<string, Tensor>): Promise<void>;
  /** Brings the executor's weights up to date with the engine's, where it keeps its own. */
  syncWeights?(): Promise<void>;
}

/** What a resumable checkpoint holds besides the weights: where the run is and how early stopping stands. */
export interface TrainState {
  readonly step: number;
  readonly best?: number;
  readonly sinceBest: number;
  /** The engine, for saving its optimizer state. */
  readonly trainer?: StepEngine;
}

export interface StepReport {
  readonly step: number;
  /** The epoch that ended with this step (training that counts epochs). */
  readonly epoch?: number;
  readonly loss: number;
  readonly lr: number;
  readonly metrics?: Readonly<Record<string, number>>;
}

export { evaluateMetrics };

export class NonFiniteLoss extends Error {
  override readonly name = "NonFiniteLoss";
}

/** A plan that cannot be trained as asked (no weights, no losses). */
export class TrainingError extends Error {
  override readonly name = "TrainingError";
}

/** The weight prefixes that do not train: `freeze`, and the targets of `reference { … }` (reference.ts). */
export function frozenPrefixes(settings: PlanSettings): string[] {
  const value = settings["freeze"];
  const references =
    settings["reference"] && typeof settings["reference"] === "object" && !Array.isArray(settings["reference"])
      ? Object.keys(settings["reference"] as object)
      : [];
  return [...(value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String)), ...references];
}

export function trainOptionsFrom(settings: PlanSettings, overrides: Partial<TrainOptions> = {}): TrainOptions {
  const num = (v: PlanValue | PlanSettings | undefined, fallback: number) => (typeof v === "number" ? v : fallback);
  const evalBlock = (settings["eval"] ?? {}) as PlanSettings;
  const metric = evalBlock["metric"];
  return {
    ...(typeof metric === "string"
      ? { earlyStop: { metric, mode: evalBlock["mode"] === "min" ? ("min" as const) : ("max" as const), patience: num(evalBlock["patience"], 3) } }
      : {}),
    steps: overrides.steps ?? num(settings["steps"], 100),
    ...((overrides.epochs ?? settings["epochs"]) !== undefined ? { epochs: overrides.epochs ?? num(settings["epochs"], 1) } : {}),
    batch: overrides.batch ?? num(settings["batch"], 64),
    seed: overrides.seed ?? 0,
    evalEvery: overrides.evalEvery ?? num(evalBlock["every"], 0),
    evalBatches: overrides.evalBatches ?? num(evalBlock["batches"], 0),
    ...(overrides.onStep ? { onStep: overrides.onStep } : {}),
  };
}

/** What a train block asks of any engine: the optimizer groups, loss weights, clipping and schedule. */
export interface TrainingSetup {
  /**
   * The dense group, then the embedding group (each only when it has trainable weights). The
   * embedding group is `sparse` when its optimizer updates only touched rows (sparse-optimizers.ts)
   * and every table in it is read by lookups alone.
   */
  readonly groups: readonly { readonly group: "dense" | "embedding"; readonly optimizer: string; readonly names: readonly string[]; readonly sparse?: true }[];
  readonly lossWeights: Record<string, number>;
  readonly clipNorm: number;
  readonly schedule: Schedule;
}

export function trainingSetup(plan: Plan, settings: PlanSettings, steps: number): TrainingSetup {
  const dense = String(settings["optimizer"] ?? "adam(lr = 0.001)");
  const embedding = String(settings["embeddings"] ?? dense);
  const byGroup = { dense: [] as string[], embedding: [] as string[] };
  // `freeze = ["item_table", …]`: weights whose qualified names start with a listed prefix stay fixed.
  const frozen = frozenPrefixes(settings);
  // `gradients { only = ["adapter", …] }`: only these weights train (and are communicated).
  const only = pipelineSettingsOf(settings)?.only ?? [];
  const under = (name: string, prefix: string) => name === prefix || name.startsWith(`${prefix}.`);
  for (const param of plan.params) {
    if (param.group === "state") continue; // Set by the train entry's updates, never by gradients.
    if (frozen.some((prefix) => under(param.name, prefix))) continue;
    if (only.length && !only.some((prefix) => under(param.name, prefix))) continue;
    byGroup[param.group].push(param.name);
  }
  // A model with no weights trains only if it fits module states (EASE's Gram matrix): each step
  // then runs the forward pass and applies the states' updates.
  const fitsStates = Object.keys(plan.entries.train.updates ?? {}).length > 0;
  if (byGroup.dense.length + byGroup.embedding.length === 0 && !fitsStates) {
    throw new TrainingError(`model ${plan.model} has no weights to train${frozen.length ? " (all are frozen)" : ""}`);
  }
  if (Object.keys(plan.entries.train.outputs).length === 0) throw new TrainingError(`model ${plan.model} has no loss to train on`);
  if (onlySparse(dense))
    throw new TrainingError(`\`${dense}\` trains embedding tables: set it as \`embeddings = ${dense}\`, and choose a dense optimizer for \`optimizer\``);
  const sparse = byGroup.embedding.length > 0 && sparseTables(plan, byGroup.embedding, embedding, pipelineSettingsOf(settings) !== undefined);
  const groups = [
    ...(byGroup.dense.length ? [{ group: "dense" as const, optimizer: dense, names: byGroup.dense }] : []),
    ...(byGroup.embedding.length
      ? [{ group: "embedding" as const, optimizer: embedding, names: byGroup.embedding, ...(sparse ? { sparse: true as const } : {}) }]
      : []),
  ];
  const weights = (settings["loss_weights"] ?? {}) as PlanSettings;
  const decay = String(settings["lr_decay"] ?? "constant");
  return {
    groups,
    lossWeights: Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, typeof v === "number" ? v : 1])),
    clipNorm: typeof settings["clip_norm"] === "number" ? settings["clip_norm"] : 0,
    schedule: {
      warmup: typeof settings["warmup"] === "number" ? settings["warmup"] : 0,
      decay: decay === "cosine" || decay === "linear" ? decay : "constant",
      minRatio: typeof settings["min_lr_ratio"] === "number" ? settings["min_lr_ratio"] : 0,
      steps,
    },
  };
}

/**
 * Whether the embedding group trains sparsely: its optimizer updates only touched rows and every
 * table is read by row lookups alone (the plan's `lookupOnly`). sgd and adagrad give the same
 * weights either way, so a table some op reads whole trains densely under them; rowwise_adagrad
 * and lazy_adam have no dense form, and such a table is an error naming the op.
 */
function sparseTables(plan: Plan, names: readonly string[], optimizer: string, withPipeline: boolean): boolean {
  if (!trainsSparsely(optimizer)) return false;
  const params = names.map((name) => plan.params.find((p) => p.name === name)!);
  if (onlySparse(optimizer)) {
    if (withPipeline)
      throw new TrainingError(
        `\`${optimizer}\` updates only the rows a batch touched, which the train block's ` +
          `\`gradients { … }\` pipeline does not support yet: use adagrad or sgd for \`embeddings\``,
      );
    const whole = params.find((p) => !p.lookupOnly);
    if (whole) {
      const reader = whole.denseReader;
      const where = reader ? ` by \`${reader.op}\`${reader.loc ? ` at line ${reader.loc[0]}:${reader.loc[1]}` : ""}` : "";
      throw new TrainingError(
        `\`${optimizer}\` updates only the rows a batch looks up, but the table \`${whole.name}\` ` +
          `is read whole${where}: read it with lookups only, or use adagrad or sgd for \`embeddings\``,
      );
    }
  }
  return !withPipeline && params.every((p) => p.lookupOnly);
}

/** One row lookup of a sparse table in a step: its ids and the gradient of the loss with respect to its value. */
interface Lookup {
  readonly table: string;
  readonly ids: Tensor;
  grads: Tensor | undefined;
}

/** A group trained by a tfjs optimizer on dense gradients, or the embedding tables trained sparsely. */
type TrainGroup =
  | { readonly sparse?: undefined; readonly optimizer: GroupOptimizer; readonly variables: tf.Variable[] }
  | { readonly sparse: true; readonly optimizer: SparseOptimizer; readonly tables: ReadonlyMap<string, tf.Variable> };

export class Trainer implements StepEngine {
  private readonly groups: TrainGroup[] = [];
  private readonly lossWeights: Record<string, number>;
  private readonly clipNorm: number;
  private readonly schedule: Schedule;
  /** The train block's `gradients { … }` (gradient-pipeline.ts), when it has one. */
  readonly pipeline: GradientPipeline | undefined;
  /** tfjs keys gradients by its variables' own names; the user knows the weights' plan names. */
  private readonly planNames: ReadonlyMap<string, string>;

  constructor(
    private readonly executor: Executor,
    settings: PlanSettings,
    steps: number,
    seed = 0,
  ) {
    const setup = trainingSetup(executor.plan, settings, steps);
    const pipeline = pipelineSettingsOf(settings);
    this.pipeline = pipeline ? new GradientPipeline(pipeline, seed) : undefined;
    this.planNames = new Map([...executor.params].map(([name, v]) => [v.name, name]));
    for (const group of setup.groups) {
      if (group.sparse) {
        const variables = new Map(group.names.map((n) => [n, executor.params.get(n)!]));
        const tables = [...variables].map(([name, v]) => ({ name, rows: v.shape[0]!, width: v.shape[1] ?? 1, access: tableRows(v) }));
        this.groups.push({ sparse: true, optimizer: new SparseOptimizer(group.optimizer, tables), tables: variables });
      } else {
        this.groups.push({ optimizer: makeOptimizer(group.optimizer), variables: group.names.map((n) => executor.params.get(n)!) });
      }
    }
    this.lossWeights = setup.lossWeights;
    this.clipNorm = setup.clipNorm;
    this.schedule = setup.schedule;
  }

  /**
   * One optimization step on a batch; resolves to the total loss (read back asynchronously, as
   * GPU backends need). The loss and the gradients' squared norm are read before any update: when
   * either is not finite, nothing is applied and the weights stay as they were, so the run stops
   * on a model that can still be inspected (and the culprit op found on the same weights).
   */
  async step(step: number, batch: Batch, seed: number): Promise<number> {
    const feeds = feedsOf(batch);
    try {
      return await this.stepFeeds(step, feeds, seed);
    } finally {
      tf.dispose([...feeds.values()]);
    }
  }

  /** The same step on tensors already made (the benches feed one batch many times). */
  async stepFeeds(step: number, feeds: ReadonlyMap<string, Tensor>, seed: number): Promise<number> {
    const factor = learningRateFactor(this.schedule, step);
    for (const g of this.groups) g.optimizer.setLearningRate(g.optimizer.baseLearningRate * factor);
    const variables = this.groups.flatMap((g) => (g.sparse ? [] : g.variables));
    const sparse = this.groups.find((g): g is Extract<TrainGroup, { sparse: true }> => g.sparse === true);
    const perExample = this.pipeline?.settings.perExampleClip ?? 0;
    const { grads, check, lookups } =
      perExample > 0
        ? { ...this.clippedPerExample(feeds, seed + step, variables, perExample), lookups: [] }
        : this.batchGradients(feeds, seed + step, variables, sparse?.tables);
    const [total, denseSquares] = (await check.data()) as Float32Array;
    check.dispose();
    const rows = sparse ? await this.rowGradients(sparse.tables, lookups) : new Map<string, RowGradients & { squares: number }>();
    const gradSquares = denseSquares! + [...rows.values()].reduce((sum, r) => sum + r.squares, 0);
    if (Number.isFinite(total!) && Number.isFinite(gradSquares)) {
      if (this.pipeline) this.throughPipeline(grads, [...feeds.values()][0]?.shape[0] ?? 1);
      const scale = this.clipNorm > 0 && !this.pipeline ? Math.min(1, this.clipNorm / (Math.sqrt(gradSquares) + 1e-12)) : 1;
      tf.tidy(() => {
        for (const group of this.groups) {
          if (group.sparse) continue;
          const map = new Map<tf.Variable, Tensor>();
          for (const v of group.variables) {
            const g = grads[v.name];
            if (g) map.set(v, scale !== 1 ? tf.mul(g, scale) : g);
          }
          group.optimizer.apply(map);
        }
      });
      if (sparse) {
        if (scale !== 1) for (const r of rows.values()) r.grads.forEach((g, i) => (r.grads[i] = g * scale));
        await sparse.optimizer.apply(rows);
      }
    } else {
      const gradients: string[] = [];
      for (const [name, g] of Object.entries(grads)) if ((await g.data()).some((v) => !Number.isFinite(v))) gradients.push(this.planNames.get(name) ?? name);
      for (const [name, r] of rows) if (!Number.isFinite(r.squares)) gradients.push(name);
      this.lastNonFinite = { loss: total!, gradients };
    }
    tf.dispose(Object.values(grads));
    this.applyUpdates(Number.isFinite(total!) && Number.isFinite(gradSquares));
    return Number.isFinite(gradSquares) ? total! : Number.isFinite(total!) ? Number.NaN : total!;
  }

  /**
   * The weighted loss of a batch and its gradients; `check` holds [loss, squared norm of the
   * dense gradients]. With sparse tables, the gradient of each of their lookups is taken with
   * respect to the looked-up rows themselves (`lookups`), so no table-sized gradient exists.
   */
  private batchGradients(
    feeds: ReadonlyMap<string, Tensor>,
    seed: number,
    variables: tf.Variable[],
    sparseTables?: ReadonlyMap<string, tf.Variable>,
  ): { grads: Record<string, Tensor>; check: Tensor; lookups: Lookup[] } {
    const lookups: Lookup[] = [];
    const { grads, check } = tf.tidy(() => {
      // tfjs's engine reads the list of values to differentiate after running the forward pass,
      // so each lookup's rows join it as the pass creates them (test/sparse-training.test.ts
      // checks the result against dense training). It needs one entry before the pass starts.
      const placeholder = variables.length ? [] : [tf.scalar(0)];
      const xs: Tensor[] = [...variables, ...placeholder];
      const fixed = xs.length;
      const tables = sparseTables ? new Set(sparseTables.keys()) : undefined;
      const seen = (table: string, ids: Tensor, rows: Tensor) => {
        lookups.push({ table, ids: tf.keep(tf.clone(ids)), grads: undefined });
        xs.push(rows);
      };
      const { value, grads } = tf.engine().gradients(() => this.weightedLoss(feeds, seed, tables ? { tables, seen } : undefined), xs, undefined, true);
      const dense = Object.fromEntries(variables.flatMap((v, i) => (grads[i] ? [[v.name, grads[i]!]] : [])));
      lookups.forEach((lookup, k) => (lookup.grads = grads[fixed + k] ? tf.keep(grads[fixed + k]!) : undefined));
      const squared = Object.values(dense).map((g) => tf.sum(tf.square(g)));
      const check = tf.stack([value, squared.length ? tf.addN(squared) : tf.scalar(0)]);
      return { grads: Object.fromEntries(Object.entries(dense).map(([k, g]) => [k, tf.keep(g)])), check: tf.keep(check) };
    });
    return { grads, check, lookups };
  }

  /** Each sparse table's distinct rows and summed gradients over its lookups of the step (read back). */
  private async rowGradients(tables: ReadonlyMap<string, tf.Variable>, lookups: readonly Lookup[]): Promise<Map<string, RowGradients & { squares: number }>> {
    const out = new Map<string, RowGradients & { squares: number }>();
    for (const [name, table] of tables) {
      const mine = lookups.filter((l) => l.table === name && l.grads);
      const read = await Promise.all(mine.map(async (l) => ({ ids: await l.ids.data(), grads: (await l.grads!.data()) as Float32Array })));
      out.set(name, sumByRow(read, table.shape[1] ?? 1, table.shape[0]!));
    }
    tf.dispose(lookups.flatMap((l) => (l.grads ? [l.ids, l.grads] : [l.ids])));
    return out;
  }

  /** The states' values after the step being computed (the train entry's `updates`), kept until it is applied. */
  private pendingUpdates = new Map<string, Tensor>();

  /** Sets each module state to its value from this step's forward pass (when the step was applied). */
  private applyUpdates(applied: boolean): void {
    for (const [name, value] of this.pendingUpdates) {
      if (applied) this.executor.params.get(name)!.assign(value);
      value.dispose();
    }
    this.pendingUpdates.clear();
  }

  private weightedLoss(feeds: ReadonlyMap<string, Tensor>, seed: number, lookups?: RunOptions["lookups"]): tf.Scalar {
    const { losses, updates } = this.executor.runTrain(feeds, { training: true, seed, ...(lookups ? { lookups } : {}) });
    // Per-example clipping runs one forward pass per example: the last one's statistics are kept.
    for (const value of this.pendingUpdates.values()) value.dispose();
    this.pendingUpdates = new Map([...updates].map(([name, value]) => [name, tf.keep(value)]));
    let total: Tensor = tf.scalar(0);
    for (const [name, l] of losses) total = tf.add(total, tf.mul(l, this.lossWeights[name] ?? 1));
    return total as tf.Scalar;
  }

  /**
   * Per-example clipping (the pipeline's first transform): each example's gradient, computed on a
   * batch of one, scaled to an L2 norm of at most `bound`, then the mean over the batch. The loss
   * is the mean of the examples' losses (a loss that compares the examples of a batch with each
   * other, such as an in-batch softmax, has no per-example gradient and should not use this).
   */
  private clippedPerExample(
    feeds: ReadonlyMap<string, Tensor>,
    seed: number,
    variables: tf.Variable[],
    bound: number,
  ): { grads: Record<string, Tensor>; check: Tensor } {
    const size = [...feeds.values()][0]?.shape[0] ?? 1;
    let sums: Record<string, Tensor> = {};
    let lossSum: Tensor = tf.scalar(0);
    for (let b = 0; b < size; b++) {
      const next = tf.tidy(() => {
        const one = new Map([...feeds].map(([name, t]) => [name, tf.slice(t, [b], [1])]));
        const { value, grads } = tf.variableGrads(() => this.weightedLoss(one, seed * 4099 + b), variables);
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
        const scale = tf.minimum(1, tf.div(bound, tf.add(norm, 1e-12)));
        const added = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.keep(sums[k] ? tf.add(sums[k]!, tf.mul(g, scale)) : tf.mul(g, scale))]));
        return { added, loss: tf.keep(tf.add(lossSum, value)) };
      });
      tf.dispose([...Object.values(sums), lossSum]);
      sums = next.added;
      lossSum = next.loss;
    }
    return tf.tidy(() => {
      const grads = Object.fromEntries(Object.entries(sums).map(([k, g]) => [k, tf.keep(tf.div(g, size))]));
      const squared = Object.values(grads).map((g) => tf.sum(tf.square(g)));
      const check = tf.keep(tf.stack([tf.div(lossSum, size), squared.length ? tf.addN(squared) : tf.scalar(0)]));
      tf.dispose([...Object.values(sums), lossSum]);
      return { grads, check };
    });
  }

  /** Transforms 3–7 of the gradient pipeline on the aggregated gradients, replacing them in `grads`. */
  private throughPipeline(grads: Record<string, Tensor>, batch: number): void {
    const arrays = new Map(Object.entries(grads).map(([k, g]) => [this.planNames.get(k) ?? k, Float32Array.from(g.dataSync())]));
    this.pipeline!.transform(arrays, batch);
    for (const [k, g] of Object.entries(grads)) {
      grads[k] = tf.tensor(arrays.get(this.planNames.get(k) ?? k)!, g.shape, "float32");
      g.dispose();
    }
  }

  /** What the last refused step saw: its loss and the weights whose gradients were not finite. */
  lastNonFinite: { loss: number; gradients: string[] } | undefined;

  /** The model's metrics; with a gradient pipeline also what the last step sent (`communicated_floats`, `communicated_bytes`). */
  async evaluate(source: BatchSource, batches: number, batchSize: number): Promise<Record<string, number>> {
    const metrics = await evaluateMetrics(this.executor, source, batches, batchSize);
    if (!this.pipeline) return metrics;
    return { ...metrics, communicated_floats: this.pipeline.last.floats, communicated_bytes: this.pipeline.last.bytes };
  }

  /**
   * The optimizers' state (moments, accumulators, step counters) named `<group>.<position>.<name>`:
   * tfjs matches state to variables by position, and the zero-padded position keeps that order
   * through a checkpoint's name-sorted tensors.
   */
  async optimizerState(): Promise<{ name: string; tensor: Tensor }[]> {
    const out: { name: string; tensor: Tensor }[] = [];
    for (const [g, group] of this.groups.entries()) {
      for (const [i, w] of (await group.optimizer.state()).entries()) out.push({ name: `${g}.${String(i).padStart(5, "0")}.${w.name}`, tensor: w.tensor });
    }
    // Error feedback's residuals: what top-k has not sent yet belongs to the run's state.
    for (const [name, residual] of this.pipeline?.residuals ?? []) out.push({ name: `residual.${name}`, tensor: tf.tensor(residual) });
    return out;
  }

  async restoreOptimizerState(state: ReadonlyMap<string, Tensor>): Promise<void> {
    for (const [name, tensor] of state)
      if (name.startsWith("residual.")) this.pipeline?.residuals.set(name.slice("residual.".length), Float32Array.from(await tensor.data()));
    const trained = trainedWeights(this.executor.plan);
    for (const [g, group] of this.groups.entries()) {
      const prefix = `${g}.`;
      const mine = [...state].filter(([name]) => name.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (!group.sparse) {
        // The weights whose gradients reach this group, in the order tfjs keeps their slots.
        const weights = group.variables.map((v) => ({ name: this.planNames.get(v.name) ?? v.name, shape: v.shape })).filter((w) => trained.has(w.name));
        checkDenseState(
          g,
          mine.map(([name, tensor]) => ({ name: name.slice(prefix.length), tensor })),
          group.optimizer.description,
          weights,
        );
      }
      await group.optimizer.restore(mine.map(([name, tensor]) => ({ name: name.slice(prefix.length).replace(/^\d+\./, ""), tensor })));
    }
  }

  learningRate(step: number): number {
    return (this.groups[0]?.optimizer.baseLearningRate ?? 0) * learningRateFactor(this.schedule, step);
  }
}

/** Runs the training loop; stops with NonFiniteLoss naming the step and the first bad op. */
export async function train(executor: Executor, settings: PlanSettings, data: DataSet, options: TrainOptions): Promise<StepReport[]> {
  await bindConstants(executor, data);
  const trainer: StepEngine = options.engine ?? new Trainer(executor, settings, options.steps, options.seed);
  const reports: StepReport[] = [];
  let best = options.resume?.best;
  let sinceBest = options.resume?.sinceBest ?? 0;
  const first = options.resume?.step ?? 0;
  const stream = data.train();
  // A resumed run replays the batches it already trained on, so it sees the same data next.
  for (let step = 0; step < first; step++) {
    await stream.next(options.batch);
  }
  await options.beforeFirstStep?.(trainer);
  const checkpoint = (step: number) => options.onCheckpoint?.({ step, ...(best !== undefined ? { best } : {}), sinceBest, trainer });
  for (let step = first; step < options.steps; step++) {
    const batch = (await stream.next(options.batch))!;
    const loss = await trainer.step(step, batch, options.seed);
    if (!Number.isFinite(loss)) {
      // No update was applied (Trainer.step), so the forward pass below runs on the same weights.
      await trainer.syncWeights?.();
      const feeds = feedsOf(batch);
      const culprit = await executor.firstNonFinite("train", feeds);
      tf.dispose([...feeds.values()]);
      const seen = trainer.lastNonFinite;
      const what =
        seen && Number.isFinite(seen.loss)
          ? `the loss is finite (${seen.loss}) but the gradients of ` +
            `${seen.gradients.map((g) => `\`${g}\``).join(", ") || "some weights"} are not at step ` +
            `${step + 1}`
          : `the loss is ${seen?.loss ?? loss} at step ${step + 1}`;
      const where = culprit
        ? `; the first non-finite value of the forward pass came from ` +
          `\`${culprit.op}\`${culprit.loc ? ` at line ${culprit.loc[0]}:${culprit.loc[1]}` : ""}`
        : "";
      throw new NonFiniteLoss(`${what}${where}; the step was not applied, so the weights are those of step ${step}`);
    }
    options.afterStep?.(step + 1);
    const last = step === options.steps - 1;
    const epochEnd = options.stepsPerEpoch && (step + 1) % options.stepsPerEpoch === 0 ? (step + 1) / options.stepsPerEpoch : undefined;
    const metrics =
      (options.evalEvery > 0 && (step + 1) % options.evalEvery === 0) || epochEnd || last
        ? await (options.evaluate ? options.evaluate() : heldOutMetrics(trainer, data, options))
        : undefined;
    const report: StepReport = {
      step: step + 1,
      ...(epochEnd ? { epoch: epochEnd } : {}),
      loss,
      lr: trainer.learningRate(step),
      ...(metrics ? { metrics } : {}),
    };
    reports.push(report);
    options.onStep?.(report);
    const stop = options.earlyStop;
    const value = stop && metrics ? metrics[stop.metric] : undefined;
    let stopNow = false;
    if (stop && value !== undefined) {
      if (best === undefined || (stop.mode === "max" ? value > best : value < best)) {
        best = value;
        sinceBest = 0;
        await options.onBest?.(report);
      } else if (++sinceBest >= stop.patience) {
        stopNow = true;
      }
    }
    const every = options.checkpointEvery ?? 0;
    if (last || stopNow || (every > 0 && (step + 1) % every === 0)) await checkpoint(step + 1);
    if (stopNow) break;
  }
  return reports;
}

/** How a metric on the validation split is named beside the test split's (`validation` in the options). */
export const VALIDATION_PREFIX = "valid/";

/** The plan's metrics over held-out batches; with `validation`, the test split's and the validation split's as `valid/…`. */
async function heldOutMetrics(trainer: StepEngine, data: DataSet, options: TrainOptions): Promise<Record<string, number>> {
  const batches = options.evalBatches || data.heldOutBatches || 0;
  if (!options.validation) return trainer.evaluate(data.heldOut(), batches, options.batch);
  const test = await trainer.evaluate(data.heldOut("test"), batches, options.batch);
  const valid = await trainer.evaluate(data.heldOut("valid"), batches, options.batch);
  return { ...test, ...Object.fromEntries(Object.entries(valid).map(([name, value]) => [`${VALIDATION_PREFIX}${name}`, value])) };
}

/** The weights the training losses depend on (the others get no gradient, and no optimizer slots). */
function trainedWeights(plan: Plan): Set<string> {
  const needed = new Set(Object.values(plan.entries.train.outputs));
  for (let i = plan.steps.length - 1; i >= 0; i--) if (needed.has(i)) for (const input of plan.steps[i]!.inputs) needed.add(input);
  return new Set(plan.steps.filter((s) => s.op === "param" && needed.has(s.id)).map((s) => String(s.attrs["name"])));
}
