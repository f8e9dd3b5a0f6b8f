// A synthetic world as one engine-neutral record: its name, kind and doc, its arguments with
// their defaults (written here once), its fields (the contract the checker verifies a model's
// inputs against, REC2032) and its generators, which return typed-array columns, never an
// engine's tensors. The generic worlds live in the runtime (generic-worlds.ts); each paper's world
// lives beside its paper (examples/<paper>/world.ts); the application assembles the list
// (app/worlds.ts) and hands it to the compiler (contracts) and to the data layer (generators).
// In: nothing but column and RL types. Out: the record types, the argument resolver
// generators read their sizes through, and the size expressions contracts are written in.

import { rowKeys, type Column, type Examples } from "./columns.js";
import type { InteractiveWorld } from "../rl/interactive-world.js";

/**
 * A size in a contract: a number; an argument by name; `model` (whatever the model declares);
 * or an expression of an argument: `codes²`, `codes³`, `1 + 3·codes`, a fraction such as `2/3`.
 */
export type WorldSize = number | string;

export interface WorldArg {
  readonly name: string;
  /**
   * The value when `synthetic(…)` does not give one: a number, a string, a size expression of
   * other arguments (`codes³`, `noise`), per `part` a number, or `model`: see `model`.
   */
  readonly default: number | string | { readonly [part: string]: number };
  readonly doc: string;
  /**
   * With the default `model`: the input whose id space (or, with `axis`, dimension) is the size,
   * else `fallback`. `arg:<name>` names the input by another argument.
   */
  readonly model?: { readonly input: string; readonly axis?: number; readonly fallback: number };
}

export interface WorldField {
  /** The input it feeds; `arg:<name>` when an argument names it (latent_factor's `target`). */
  readonly name: string;
  readonly dtype: "f32" | "id" | "bool";
  /** Per example; with `whole`, the full shape (a table fed as it is, not one row per example). */
  readonly shape: readonly WorldSize[];
  /** For ids: the world draws them below this. */
  readonly ids?: WorldSize;
  /** Fed once, whole, rather than per example: the model declares it a constant input (`input … constant`). */
  readonly whole?: boolean;
  readonly doc: string;
}

/** What the checker and `rec data worlds` read: the record without its generators. */
export interface WorldContract {
  readonly name: string;
  /** `generated`: an endless stream; `finite`: examples made up front (epochs); `interactive`: sessions for rollouts. */
  readonly kind: "generated" | "finite" | "interactive";
  readonly doc: string;
  readonly args: readonly WorldArg[];
  /** The fields, or per `part` (the argument that picks one of the world's data sets) its fields. */
  readonly fields: readonly WorldField[] | { readonly [part: string]: readonly WorldField[] };
}

/** A world's arguments as its generators read them: given, else the contract's default, resolved. */
export interface WorldArgs {
  /** The world's seed: `seed`, plus a new world per run seed with `world_per_seed = true`. */
  readonly worldSeed: number;
  number(name: string): number;
  string(name: string): string;
  /** A dimension of one of the model's inputs (sizes a world follows without an argument), else `fallback`. */
  modelDim(input: string, axis: number, fallback: number): number;
}

export type Split = "train" | "valid" | "test";

/** Batches of an endless stream: `next` returns `batchSize` examples as columns. */
export interface ColumnStream {
  next(batchSize: number): Examples;
}

/** A structure a world keeps from the model, and which streams read it. */
export interface HiddenStructure {
  /** `held-out pairs`, `cold pins' edges`, `latent vectors`, `true probabilities`. */
  readonly name: string;
  /**
   * `training`: training and evaluation both draw from it (the truth a model is to learn, or
   * labels drawn from it); `evaluation`: only held-out streams read it, no training stream may
   * reach it; `metrics`: columns every split carries for exact metrics and ceilings, which no
   * model may read as an input.
   */
  readonly readBy: "training" | "evaluation" | "metrics";
  readonly doc: string;
  /** For `metrics`: the columns it is (test/world-leaks.test.ts checks that no model's loss, head or policy reads them). */
  readonly fields?: readonly string[];
}

/**
 * How a world keeps evaluation out of training: the structures it hides and which streams read
 * them, and, where something is evaluation-only, the items of a batch as keys (a pair, an edge, a
 * session, a whole example) so test/world-leaks.test.ts can draw the training streams and assert
 * that no evaluation item appears in them. Every world declares one (`rec data worlds` prints it).
 */
export interface WorldSeparation {
  readonly hidden: readonly HiddenStructure[];
  /** What an item is (`co-engagement pair or walk step`): what `items` keys name. */
  readonly unit?: string;
  /** The items of examples of `split`, keyed so that the same item has the same key in every split. */
  items?(examples: Examples, split: Split): Iterable<string>;
  /** Evaluation-only items that exist apart from any batch (held-out edges, a cold pin's edges). */
  heldOut?(args: WorldArgs): Iterable<string>;
}

export interface GeneratedWorld extends WorldContract {
  readonly kind: "generated";
  readonly separation: WorldSeparation;
  /** The examples of `split`, drawn by `streamSeed` from the world `args` fixes. */
  stream(args: WorldArgs, streamSeed: number, split: Split): ColumnStream;
  /** The world's whole fields (the model's constant inputs), each column in its full shape. */
  constants?(args: WorldArgs): ReadonlyMap<string, Column>;
}

export interface FiniteWorld extends WorldContract {
  readonly kind: "finite";
  readonly separation: WorldSeparation;
  /** Every example, made up front: a training split, a held-out (test) split and, for some, a validation split. */
  build(args: WorldArgs): { readonly train: Examples; readonly test: Examples; readonly valid?: Examples };
}

export interface InteractiveWorldRecord extends WorldContract {
  readonly kind: "interactive";
  /** `items` keys new sessions' first states (`open(…).start`): training rollouts' against evaluation's. */
  readonly separation: WorldSeparation;
  open(args: WorldArgs): InteractiveWorld;
}

export type WorldRecord = GeneratedWorld | FiniteWorld | InteractiveWorldRecord;

/** The part a world reads when `synthetic(…)` names none (undefined for a world of one data set). */
export function defaultPart(world: WorldContract): string | undefined {
  const part = world.args.find((a) => a.name === "part")?.default;
  return typeof part === "string" ? part : undefined;
}

/** A world's fields for the given `part` (its default when not given). */
export function worldFields(world: WorldContract, part: string | undefined): readonly WorldField[] | undefined {
  if (Array.isArray(world.fields)) return world.fields as readonly WorldField[];
  return (world.fields as Record<string, readonly WorldField[]>)[part ?? defaultPart(world) ?? ""];
}

/** The parts of a world whose data sets differ (none for most). */
export const worldParts = (world: WorldContract): string[] => (Array.isArray(world.fields) ? [] : Object.keys(world.fields));

/**
 * A size expression's value, each name looked up (undefined when a name has no value yet, as
 * for a size that follows the model). Understands numbers, names, `x²`, `x³`, `a + b·x`, `a/b`.
 */
export function evaluateSize(size: WorldSize, lookup: (name: string) => number | undefined): number | undefined {
  if (typeof size === "number") return size;
  const power = /^(\w+)([²³])$/.exec(size);
  if (power) {
    const base = lookup(power[1]!);
    return base === undefined ? undefined : base ** (power[2] === "²" ? 2 : 3);
  }
  const affine = /^(\d+) \+ (\d+)·(\w+)$/.exec(size);
  if (affine) {
    const base = lookup(affine[3]!);
    return base === undefined ? undefined : Number(affine[1]) + Number(affine[2]) * base;
  }
  const fraction = /^(\d+)\/(\d+)$/.exec(size);
  if (fraction) return Number(fraction[1]) / Number(fraction[2]);
  return lookup(size);
}

/**
 * An argument's default under the given part, as a number: undefined where it follows the model
 * or is not a number. `lookup` resolves the other arguments a size expression names.
 */
export function defaultSize(arg: WorldArg, part: string | undefined, lookup: (name: string) => number | undefined): number | undefined {
  const value = arg.default;
  if (typeof value === "object") return part === undefined ? undefined : value[part];
  if (value === "model") return undefined;
  return evaluateSize(value, lookup);
}

// Contract builders, so a record reads as a table.
export const f32 = (name: string, shape: WorldSize[], doc: string): WorldField => ({ name, dtype: "f32", shape, doc });
export const ids = (name: string, shape: WorldSize[], range: WorldSize, doc: string): WorldField => ({ name, dtype: "id", shape, ids: range, doc });
export const mask = (name: string, shape: WorldSize[], doc: string): WorldField => ({ name, dtype: "bool", shape, doc });
export const whole = (field: WorldField): WorldField => ({ ...field, whole: true });
export const arg = (name: string, value: WorldArg["default"], doc: string): WorldArg => ({ name, default: value, doc });
/** An argument whose default is the model's own size: `input`'s id space, or its dimension `axis`. */
export const modelArg = (name: string, doc: string, input: string, fallback: number, axis?: number): WorldArg => ({
  name,
  default: "model",
  doc,
  model: { input, fallback, ...(axis !== undefined ? { axis } : {}) },
});

/** A hidden structure, so a separation reads as a table. */
export const hidden = (name: string, readBy: HiddenStructure["readBy"], doc: string, fields?: readonly string[]): HiddenStructure => ({
  name,
  readBy,
  doc,
  ...(fields ? { fields } : {}),
});

/**
 * Items as whole examples, every column but the `metricsOnly` ones: for a world whose held-out
 * examples are fresh draws of the same truth, none of which may repeat a training example.
 */
export const wholeExamples =
  (metricsOnly: readonly string[] = []) =>
  (examples: Examples): string[] =>
    rowKeys(
      examples,
      [...examples.columns.keys()].filter((name) => !metricsOnly.includes(name)),
    );

/** Every world's `seed` and `world_per_seed`. */
export const SEED_ARGS: readonly WorldArg[] = [
  arg("seed", 0, "the world's seed"),
  arg("world_per_seed", "false", "true: the run's seed also draws a new world"),
];
/** A finite world's seed arguments and its two sizes. */
export const finiteArgs = (train: WorldArg["default"], test: WorldArg["default"]): WorldArg[] => [
  ...SEED_ARGS,
  arg("train_examples", train, "training examples"),
  arg("test_examples", test, "held-out examples"),
];
