// The runtime plan: the only contract between the compiler and the runtime. A versioned,
// JSON-serializable description of one model: parameters, inputs, the ordered steps of its
// graph, the outputs of each entry point, and when each intermediate may be freed.
// This file imports nothing from the compiler; the compiler imports these types.

export const PLAN_VERSION = 1;

export type PlanDType = "f32" | "i32" | "bool" | "id";

/** Dimensions are integers or the text of a polynomial in the model's symbolic dims (`B`, `2*L + 1`). */
export type PlanDim = number | string;

export interface PlanType {
  readonly dtype: PlanDType;
  readonly shape: readonly PlanDim[];
  /** For ids: the id space's name (empty when anonymous) and size. */
  readonly space?: { readonly name: string; readonly size: PlanDim };
}

/** A JSON value: attributes of a step, initializers of a parameter. */
export type PlanValue = number | string | boolean | null | readonly PlanValue[] | { readonly dim: string };

/** Settings of a `train` block: values, or nested blocks (`eval { every = 100 }`). */
export interface PlanSettings {
  readonly [name: string]: PlanValue | PlanSettings;
}

export interface PlanTrainStage {
  readonly name?: string;
  readonly settings: PlanSettings;
}

export interface PlanParam {
  /** Qualified name, such as `user.mlp.layers.0.kernel`. */
  readonly name: string;
  /** The step whose value this parameter is. */
  readonly step: number;
  readonly type: PlanType;
  readonly init: string;
  /** `state`: a module's state (BatchNorm's running statistics), saved in checkpoints, never trained: the train entry's `updates` set it after each step. */
  readonly group: "dense" | "embedding" | "state";
  /** An embedding table read only by row lookups (registry fact `rowLookup`): it can train sparsely. */
  readonly lookupOnly?: true;
  /** An embedding table read whole by some op (the first such): why it cannot train sparsely. */
  readonly denseReader?: { readonly op: string; readonly loc?: readonly [number, number] };
}

export interface PlanInput {
  readonly name: string;
  readonly step: number;
  readonly type: PlanType;
  /**
   * `input … constant`: not batched. The whole tensor (a graph's edge list) is fed once, from the
   * train block's `constants = csv(…)` file or the world's whole fields, and read by every step.
   */
  readonly constant?: true;
}

export interface PlanStep {
  readonly id: number;
  /** A registry op, or `input`, `param`, `const`. */
  readonly op: string;
  readonly inputs: readonly number[];
  readonly attrs: Readonly<Record<string, PlanValue>>;
  readonly type: PlanType;
  /** A fusion region a backend may run as one kernel. */
  readonly group?: number;
  /**
   * A value of constant inputs alone (no weight, draw or mode): computed once when the constants
   * are fed and reused by every run (a graph's neighbour table).
   */
  readonly once?: true;
  /** Source line and column of the op, for errors at run time. */
  readonly loc?: readonly [number, number];
}

/**
 * One field of a data schema: which file column feeds which model input, and how. Shapes are
 * per example (no batch dimension) and concrete.
 */
export interface PlanDataField {
  /** The model input this field feeds; for a `timestamp` field, the field's own name. */
  readonly name: string;
  /** The file column read. For a mask, the column of the sequence it masks. */
  readonly column: string;
  /** `value`: the column itself; `mask`: true where a padded sequence has an element; `timestamp`: orders the rows for a split by time. */
  readonly kind: "value" | "mask" | "timestamp";
  readonly dtype: PlanDType;
  readonly shape: readonly number[];
  readonly space?: { readonly name: string; readonly size: number };
  /** How ids are mapped: `given` integers in [0, size), or a `vocab` built from the training split (id 0 is the out-of-vocabulary bucket). */
  readonly ids?: "given" | "vocab";
  /** A variable-length list padded with `pad` or truncated (keeping the `truncate` end's opposite) to `shape[0]`. */
  readonly sequence?: { readonly pad: number; readonly truncate: "left" | "right" };
  /**
   * A `timestamp` field that also feeds the model input of its name (f32 or i32, one per
   * example): the time as seconds since the epoch (a number column as stored, a date or ISO
   * string converted).
   */
  readonly feeds?: true;
  /** `column("title", tokens = "unigram")`: a text cell split into tokens (data/tokenize.ts), mapped through the field's vocabulary. */
  readonly tokenize?: "unigram" | "bigram" | "trigram";
  /** `frequency("item", …)`: the log of the column value's estimated share of the training rows read so far (data/frequency.ts), for logQ correction. */
  readonly frequency?: { readonly sketch: "count_min" | "exact"; readonly width: number; readonly depth: number };
  /** `column("w", min = 0)`: values below it are bad rows (a graph's negative edge weight). */
  readonly min?: number;
  /** One column of a `columns([…])` group: element `index` of the input `of`, a list of `count` per example. */
  readonly part?: { readonly of: string; readonly index: number; readonly count: number };
  /** Where the field is declared in the spec. */
  readonly loc?: readonly [number, number];
}

export interface PlanSchema {
  readonly name: string;
  readonly fields: readonly PlanDataField[];
}

/** How a metric's batch values combine over an evaluation set. */
export type PlanMetric =
  /** The mean over examples of a per-example quantity: batch values weighted by batch size. */
  | { readonly aggregate: "mean" }
  /**
   * Not decomposable (AUC, normalized entropy, SNIPS, …): the op's inputs are gathered over the
   * whole set and the metric computed once. The eval entry outputs them as `name/arg`.
   */
  | { readonly aggregate: "exact"; readonly op: string; readonly args: readonly string[]; readonly attrs: Readonly<Record<string, PlanValue>> };

export interface PlanEntry {
  /** Output name → step. */
  readonly outputs: Readonly<Record<string, number>>;
  /** The train entry only: state name → the step of its value after a training step. */
  readonly updates?: Readonly<Record<string, number>>;
}

export interface Plan {
  readonly version: typeof PLAN_VERSION;
  readonly model: string;
  readonly dims: readonly string[];
  readonly params: readonly PlanParam[];
  readonly inputs: readonly PlanInput[];
  readonly steps: readonly PlanStep[];
  /** train: the losses; eval: the metrics; predict: the heads; encode: the encoders; act: the policies. */
  readonly entries: { readonly train: PlanEntry; readonly eval: PlanEntry; readonly predict: PlanEntry; readonly encode: PlanEntry; readonly act: PlanEntry };
  /** For each step, the steps whose values are last used there and can be freed after it. */
  readonly freeAfter: Readonly<Record<number, readonly number[]>>;
  /** The model's `train` blocks; the runtime reads optimizers (`adam(lr = 0.001)`), batch, steps, … */
  readonly train: readonly PlanTrainStage[];
  /** The data schemas the train blocks read files with, by name. */
  readonly schemas?: Readonly<Record<string, PlanSchema>>;
  /** How each metric of the eval entry is aggregated over an evaluation set. */
  readonly metrics?: Readonly<Record<string, PlanMetric>>;
}

/** Structural validation of a plan read from JSON: the problems found, empty when valid. */
export function validatePlan(plan: unknown): string[] {
  const problems: string[] = [];
  const p = plan as Partial<Plan>;
  if (typeof plan !== "object" || plan === null) return ["a plan is a JSON object"];
  if (p.version !== PLAN_VERSION) problems.push(`version ${String(p.version)} is not ${PLAN_VERSION}`);
  if (!Array.isArray(p.steps)) return [...problems, "steps must be a list"];
  p.steps.forEach((step, i) => {
    if (step.id !== i) problems.push(`step ${i} has id ${step.id}`);
    for (const input of step.inputs) if (!(input >= 0 && input < i)) problems.push(`step ${i} uses step ${input}, which does not come before it`);
  });
  const inRange = (n: number, what: string) => {
    if (!(n >= 0 && n < p.steps!.length)) problems.push(`${what} refers to missing step ${n}`);
  };
  for (const param of p.params ?? []) inRange(param.step, `param ${param.name}`);
  for (const input of p.inputs ?? []) inRange(input.step, `input ${input.name}`);
  for (const [entry, value] of Object.entries(p.entries ?? {}))
    for (const [name, step] of Object.entries(value.outputs)) inRange(step, `${entry} output ${name}`);
  for (const [state, step] of Object.entries(p.entries?.train.updates ?? {})) {
    inRange(step, `the update of ${state}`);
    if (!(p.params ?? []).some((param) => param.name === state && param.group === "state"))
      problems.push(`the train entry updates ${state}, which is not a state parameter`);
  }
  for (const [name, metric] of Object.entries(p.metrics ?? {})) {
    if (!(name in (p.entries?.eval.outputs ?? {}))) problems.push(`metric ${name} is not an eval output`);
    if (metric.aggregate === "exact")
      for (const arg of metric.args)
        if (!(`${name}/${arg}` in (p.entries?.eval.outputs ?? {}))) problems.push(`metric ${name} gathers ${arg}, which the eval entry does not output`);
  }
  for (const schema of Object.values(p.schemas ?? {})) {
    for (const field of schema.fields) {
      const fed = field.part ? field.part.of : field.name;
      if ((field.kind !== "timestamp" || field.feeds) && !(p.inputs ?? []).some((i) => i.name === fed))
        problems.push(`schema ${schema.name} field ${field.name} feeds no input`);
    }
  }
  return problems;
}
