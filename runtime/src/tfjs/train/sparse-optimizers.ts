// Optimizers for embedding tables trained sparsely: a step updates only the rows its batch looked
// up. In: each table's rows (table-rows.ts), the step's distinct row ids and their summed
// gradient rows. Out: those rows rewritten, the optimizer's per-row state updated. The state
// lives in host arrays (a row's slots are read and written with the row) and goes to
// checkpoints as tensors in the layout tfjs's own optimizers use, position 0 the step count.
//
// The rules (spec/language.md, "Sparse embedding tables"):
//   sgd             w ← w − lr·g                              (equal to dense SGD: untouched rows get g = 0)
//   adagrad         a ← a + g²; w ← w − lr·g/√(a + 1e-7)      (equal to tfjs's dense Adagrad, same ε)
//   rowwise_adagrad a_r ← a_r + mean_j g_rj²; w_r ← w_r − lr·g_r/(√a_r + eps)
//                   (one accumulator per row, as TorchRec's and DLRM's EXACT_ROWWISE_ADAGRAD)
//   lazy_adam       m, v ← β-averages of g, g² for touched rows only; w ← w − lr·m̂/(√v̂ + eps),
//                   m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ), t the optimizer's step count (as TF's LazyAdam);
//                   unlike dense Adam, a row's moments do not decay in steps that skip it.
// `weight_decay = d` (rowwise_adagrad and lazy_adam) then shrinks each touched row, w ← w·(1 − lr·d),
// decoupled as adamw's (Loshchilov & Hutter 2019); rows a step does not touch do not decay.

import { numberArg, parseConfig, ConfigError, type Config } from "../../config.js";
import { tf, type Tensor } from "../tf.js";
import type { TableRows } from "./table-rows.js";

/** Optimizers that update only the rows a batch touched; `sgd` only without momentum; `sparse = false` asks for dense training. */
export function trainsSparsely(text: string): boolean {
  const config = parseConfig(text);
  if (config.args.get("sparse") === false) return onlySparse(text);
  return (
    config.name === "rowwise_adagrad" ||
    config.name === "lazy_adam" ||
    config.name === "adagrad" ||
    (config.name === "sgd" && numberArg(config, "momentum", 0) === 0)
  );
}

/** Optimizers that exist only for sparse tables (no dense form): a table they train must be read by lookups alone. */
export function onlySparse(text: string): boolean {
  const name = parseConfig(text).name;
  return name === "rowwise_adagrad" || name === "lazy_adam";
}

/** One table's share of a step: its distinct row ids and their summed gradient rows (scaled by clipping). */
export interface RowGradients {
  readonly ids: Int32Array;
  readonly grads: Float32Array;
}

export interface SparseTable {
  readonly name: string;
  readonly rows: number;
  readonly width: number;
  readonly access: TableRows;
}

/**
 * The per-row rule of one optimizer: updates one row of weights and its slots in place. The row
 * is `width` values of `w` from `at` (its gradient: of `g` from `gAt`); slot k's values for the
 * row start at `slotAt[k]`
 * (offsets, not subarrays: a step touches thousands of rows, and plain loops over offsets keep
 * the rule a small fraction of the step).
 */
interface RowRule {
  /** Slots per table: how many floats each holds per row (`width` or 1) and their start value. */
  readonly slots: readonly { readonly suffix: string; readonly perRow: "width" | 1; readonly init: number }[];
  update(
    w: Float32Array,
    at: number,
    g: Float32Array,
    gAt: number,
    width: number,
    slots: readonly Float32Array[],
    slotAt: readonly number[],
    lr: number,
    step: number,
  ): void;
}

function ruleOf(config: Config): RowRule {
  const eps = numberArg(config, "eps", 1e-8);
  switch (config.name) {
    case "sgd":
      return {
        slots: [],
        update(w, at, g, gAt, width, _slots, _slotAt, lr) {
          for (let j = 0; j < width; j++) w[at + j]! -= lr * g[gAt + j]!;
        },
      };
    case "adagrad":
      // tfjs's Adagrad: ε = the float32 backends' epsilon (1e-7) inside the root.
      return {
        slots: [{ suffix: "accumulator", perRow: "width", init: numberArg(config, "initial_accumulator", 0.1) }],
        update(w, at, g, gAt, width, [a], [from], lr) {
          for (let j = 0; j < width; j++) {
            const gj = g[gAt + j]!;
            a![from! + j]! += gj * gj;
            w[at + j]! -= (lr * gj) / Math.sqrt(a![from! + j]! + 1e-7);
          }
        },
      };
    case "rowwise_adagrad":
      return {
        slots: [{ suffix: "row_accumulator", perRow: 1, init: numberArg(config, "initial_accumulator", 0) }],
        update(w, at, g, gAt, width, [a], [from], lr) {
          let squares = 0;
          for (let j = gAt; j < gAt + width; j++) squares += g[j]! * g[j]!;
          a![from!]! += squares / width;
          const denominator = Math.sqrt(a![from!]!) + eps;
          for (let j = 0; j < width; j++) w[at + j]! -= (lr * g[gAt + j]!) / denominator;
        },
      };
    case "lazy_adam": {
      const beta1 = numberArg(config, "beta1", 0.9);
      const beta2 = numberArg(config, "beta2", 0.999);
      return {
        slots: [
          { suffix: "m", perRow: "width", init: 0 },
          { suffix: "v", perRow: "width", init: 0 },
        ],
        update(w, at, g, gAt, width, [m, v], [from], lr, step) {
          const correction1 = 1 - beta1 ** step;
          const correction2 = 1 - beta2 ** step;
          for (let j = 0; j < width; j++) {
            const gj = g[gAt + j]!;
            const k = from! + j;
            m![k] = beta1 * m![k]! + (1 - beta1) * gj;
            v![k] = beta2 * v![k]! + (1 - beta2) * gj * gj;
            w[at + j]! -= (lr * (m![k]! / correction1)) / (Math.sqrt(v![k]! / correction2) + eps);
          }
        },
      };
    }
    default:
      throw new ConfigError(`\`${config.name}\` cannot train a table sparsely (use sgd, adagrad, rowwise_adagrad or lazy_adam)`);
  }
}

export class SparseOptimizer {
  readonly baseLearningRate: number;
  private current: number;
  private readonly rule: RowRule;
  /** Steps applied so far (lazy Adam's t; position 0 of the saved state, as tfjs saves `iter`). */
  private iterations = 0;
  /** Per table, per slot: the slot's values for every row. */
  private readonly slots: Float32Array[][];
  /** Decoupled weight decay of the touched rows (rowwise_adagrad, lazy_adam). */
  private readonly decay: number;

  constructor(
    readonly description: string,
    private readonly tables: readonly SparseTable[],
  ) {
    const config = parseConfig(description);
    this.baseLearningRate = numberArg(config, "lr", 1e-3);
    this.current = this.baseLearningRate;
    this.rule = ruleOf(config);
    this.decay = onlySparse(description) ? numberArg(config, "weight_decay", 0) : 0;
    this.slots = tables.map((t) => this.rule.slots.map((s) => new Float32Array(t.rows * (s.perRow === 1 ? 1 : t.width)).fill(s.init)));
  }

  setLearningRate(value: number): void {
    this.current = value;
  }

  /** One step: each table's touched rows read, updated by the rule, written back. */
  async apply(gradients: ReadonlyMap<string, RowGradients>): Promise<void> {
    this.iterations++;
    for (const [t, table] of this.tables.entries()) {
      const touched = gradients.get(table.name);
      if (!touched || touched.ids.length === 0) continue;
      // On cpu and wasm the rule runs in the table's own memory; elsewhere on the rows read back.
      const own = table.access.inPlace();
      const rows = own ?? (await table.access.read(touched.ids));
      const slots = this.slots[t]!;
      const perRow = this.rule.slots.map((slot) => (slot.perRow === 1 ? 1 : table.width));
      const slotAt = perRow.map(() => 0);
      const width = table.width;
      const shrink = 1 - this.current * this.decay;
      for (let i = 0; i < touched.ids.length; i++) {
        const id = touched.ids[i]!;
        for (let k = 0; k < perRow.length; k++) slotAt[k] = id * perRow[k]!;
        const at = own ? id * width : i * width;
        this.rule.update(rows, at, touched.grads, i * width, width, slots, slotAt, this.current, this.iterations);
        if (this.decay) for (let j = at; j < at + width; j++) rows[j] = rows[j]! * shrink;
      }
      if (!own) table.access.write(touched.ids, rows);
    }
  }

  /** The step count, then each table's slots in table order (tfjs's Adagrad layout for `adagrad`). */
  async state(): Promise<{ name: string; tensor: Tensor }[]> {
    const out: { name: string; tensor: Tensor }[] = [{ name: "iter", tensor: tf.scalar(this.iterations, "int32") }];
    for (const [t, table] of this.tables.entries()) {
      for (const [k, slot] of this.rule.slots.entries()) {
        const shape = slot.perRow === 1 ? [table.rows] : [table.rows, table.width];
        out.push({ name: `${table.name}/${slot.suffix}`, tensor: tf.tensor(this.slots[t]![k]!, shape, "float32") });
      }
    }
    return out;
  }

  async restore(saved: { name: string; tensor: Tensor }[]): Promise<void> {
    const [iterations, ...slots] = saved;
    if (iterations) this.iterations = (await iterations.tensor.data())[0]!;
    const expected = this.tables.length * this.rule.slots.length;
    if (slots.length !== expected)
      throw new ConfigError(`the checkpoint holds ${slots.length} optimizer slots for the sparse tables, \`${this.description}\` keeps ${expected}`);
    let next = 0;
    for (const perTable of this.slots) for (const values of perTable) values.set((await slots[next++]!.tensor.data()) as Float32Array);
  }
}

/** Per table size: each row's slot in this step's distinct rows (−1: none), reset after each use. */
const slotIndexes = new Map<number, Int32Array>();

/**
 * Each table's distinct looked-up rows (of `rows`) and the sum of their gradients over every
 * lookup of the step (a row read twice, by two features or twice in one history, gets both
 * gradients). Rows find their slot through an index the size of the table, kept between steps
 * and reset at the rows this step touched only.
 */
export function sumByRow(lookups: readonly { ids: ArrayLike<number>; grads: Float32Array }[], width: number, rows: number): RowGradients & { squares: number } {
  let slot = slotIndexes.get(rows);
  if (!slot) slotIndexes.set(rows, (slot = new Int32Array(rows).fill(-1)));
  const order: number[] = [];
  for (const { ids } of lookups) {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (slot[id] === -1) slot[id] = order.push(id) - 1;
    }
  }
  const ids = Int32Array.from(order);
  const grads = new Float32Array(ids.length * width);
  for (const lookup of lookups) {
    for (let i = 0; i < lookup.ids.length; i++) {
      const to = slot[lookup.ids[i]!]! * width;
      const from = i * width;
      for (let j = 0; j < width; j++) grads[to + j]! += lookup.grads[from + j]!;
    }
  }
  for (const id of order) slot[id] = -1;
  let squares = 0;
  for (let i = 0; i < grads.length; i++) squares += grads[i]! * grads[i]!;
  return { ids, grads, squares };
}
