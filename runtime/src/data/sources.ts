// A plan's `data = …` setting → a data set. Synthetic worlds generate batches from a seed;
// `parquet("…", schema = S)`, `jsonl(…)` and `csv(…)` read a file (relative to the spec's
// folder) through the plan's schema S.

import { existsSync } from "node:fs";
import { loadVocabularies } from "./vocab.js";
import { parseConfig, numberArg, type Config } from "../config.js";
import type { Plan, PlanSettings } from "../plan.js";
import type { BatchSource, DataSet } from "./batch.js";
import { FileDataSet, type TaskShares } from "./file-data.js";
import { DataSourceError, fileSource } from "./source-config.js";
import { constantsSettings, readConstantsFiles } from "./constants.js";
import { endlessEpochs, inOrder } from "./examples.js";
import { rowCount, type Column } from "./columns.js";
import type { InteractiveWorld } from "../rl/interactive-world.js";
import { worldArgs, worldSeedOf, type WorldCatalog } from "./world-args.js";
import type { ColumnStream, FiniteWorld, Split, WorldRecord } from "./world.js";

export { DataSourceError };

export interface DataOptions {
  readonly seed: number;
  /** The folder paths in the spec are relative to (the spec file's). */
  readonly baseDir: string;
  readonly skipBadRows?: boolean;
  /** An earlier run's vocab.json, read when it exists, so ids mean what they meant then. */
  readonly vocabularyFile?: string;
  /** The synthetic worlds `synthetic("<world>", …)` may name (the application's list, app/worlds.ts). */
  readonly worlds?: WorldCatalog;
}

/** Where the eval stream of a synthetic world starts, far from the training stream. */
const HELD_OUT_SEED_OFFSET = 500_000;

export async function openDataSet(plan: Plan, dataSetting: string | undefined, options: DataOptions): Promise<DataSet> {
  if (!dataSetting) throw new DataSourceError(`model ${plan.model} has no \`data = …\` in its train block`);
  const config = parseConfig(dataSetting);
  if (config.name === "synthetic") return syntheticDataSet(plan, config, options.seed, options.worlds ?? new Map());
  if (config.name === "parquet" || config.name === "jsonl" || config.name === "csv")
    return withConstantsFile(plan, await fileDataSet(plan, config, options), options);
  throw new DataSourceError(`unknown data source \`${config.name}\`; the sources are parquet, jsonl, csv and synthetic`);
}

/** A file data set with the model's `constants = csv(…)` file, read (and checked) when first asked for. */
function withConstantsFile(plan: Plan, data: FileDataSet, options: DataOptions): FileDataSet {
  const settings = constantsSettings(plan);
  let read: Promise<Map<string, Column>> | undefined;
  if (settings.length) data.constants = () => (read ??= readConstantsFiles(plan, settings, options.baseDir));
  return data;
}

/**
 * The interactive world a `rollouts { world = synthetic(…) }` names, for the run's seed: with
 * `world_per_seed = true` the same world (catalogue, clickbait flags) as the finite log of that
 * name and seed, so the simulator's models and the world they imitate match.
 */
export function openSessionWorld(setting: string, seed: number, worlds: WorldCatalog, plan: Plan): InteractiveWorld {
  const config = parseConfig(setting);
  const record = worlds.get(String(config.args.get("world") ?? ""));
  if (config.name !== "synthetic" || record?.kind !== "interactive") {
    const interactive = [...worlds.values()].filter((w) => w.kind === "interactive").map((w) => w.name);
    throw new DataSourceError(`rollouts run in an interactive world, \`synthetic("<world>", …)\`; the worlds are: ${interactive.join(", ")}`);
  }
  return record.open(worldArgs(record, config, plan, worldSeedOf(config, seed)));
}

async function fileDataSet(plan: Plan, config: Config, options: DataOptions): Promise<FileDataSet> {
  const source = fileSource(plan, config, options.baseDir);
  const tasks = tasksSetting(plan);
  return FileDataSet.open({
    path: source.path,
    shownPath: source.shownPath,
    format: source.format,
    schema: source.schema,
    valid: numberArg(config, "valid", 0.1),
    test: numberArg(config, "test", 0),
    shuffle: numberArg(config, "shuffle", 10_000),
    seed: options.seed,
    skipBadRows: options.skipBadRows ?? false,
    ...(tasks ? { tasks } : {}),
    ...(options.vocabularyFile && existsSync(options.vocabularyFile) ? { vocabularies: loadVocabularies(options.vocabularyFile) } : {}),
  });
}

/**
 * The train block's `tasks { column = "task", shares = [2, 1] }` (the first stage's that has one),
 * as the checker left it (REC2023 refuses shares that are not positive numbers).
 */
function tasksSetting(plan: Plan): TaskShares | undefined {
  const block = plan.train
    .map((stage) => stage.settings["tasks"])
    .find((s): s is PlanSettings => typeof s === "object" && s !== null && !Array.isArray(s) && !("dim" in s));
  if (!block) return undefined;
  const shares = block["shares"];
  return { column: String(block["column"] ?? "task"), shares: Array.isArray(shares) ? shares.map(Number) : [] };
}

function syntheticDataSet(plan: Plan, config: Config, seed: number, worlds: WorldCatalog): DataSet {
  const name = String(config.args.get("world") ?? "");
  const record = worlds.get(name);
  if (!record || record.kind === "interactive") {
    const data = [...worlds.values()].filter((w) => w.kind !== "interactive").map((w) => w.name);
    throw new DataSourceError(`unknown synthetic world \`${name}\`; the worlds are: ${data.join(", ")}`);
  }
  // One world per `synthetic(…, seed = s)`; the run's seed and the split pick the examples. With
  // `world_per_seed = true` the run's seed also draws a new world (users, tables, catalogue), so
  // the spread over seeds covers the data as well as the model's initialization.
  const worldSeed = worldSeedOf(config, seed);
  const args = worldArgs(record, config, plan, worldSeed);
  if (record.kind === "finite") {
    // Every example exists up front: the run's seed shuffles each epoch; held-out scoring reads
    // the whole test split in order.
    const { train, test, valid } = cachedWorld(record, config, worldSeed, () => record.build(args));
    // The default held-out set is the test split; `valid` asks for the validation split (a best
    // epoch chosen on it, reported on the test split), which only some worlds hold.
    const heldOutSplit = (split: "valid" | "test" | undefined) => {
      if (split !== "valid") return test;
      if (!valid) throw new DataSourceError(`the world \`${name}\` holds no validation split here (give it \`valid_examples\` if it takes one)`);
      return valid;
    };
    return {
      train: () => fittingInputs(plan, name, endlessEpochs(train, seed)),
      heldOut: (split) => fittingInputs(plan, name, inOrder(heldOutSplit(split))),
      skipped: { count: 0, examples: [] },
      finite: async () => train,
    };
  }
  let made: Promise<ReadonlyMap<string, Column>> | undefined;
  const constants = record.constants;
  return {
    ...(constants ? { constants: () => (made ??= Promise.resolve(constants(args))) } : {}),
    train: () => fittingInputs(plan, name, batches(record.stream(args, streamSeedOf(worldSeed, seed, "train"), "train"))),
    heldOut: (split = "valid") => fittingInputs(plan, name, batches(record.stream(args, streamSeedOf(worldSeed, seed, split), split))),
    heldOutBatches: 4,
    skipped: { count: 0, examples: [] },
  };
}

/** The seed of a generated world's stream of `split` for the run seed `seed` (each split its own draws). */
export function streamSeedOf(worldSeed: number, seed: number, split: Split): number {
  return worldSeed + seed * 1000 + (split === "train" ? 0 : HELD_OUT_SEED_OFFSET + (split === "test" ? 1 : 0));
}

/** A world's stream of columns as a source of batches. */
function batches(stream: ColumnStream): BatchSource {
  return {
    async next(batchSize) {
      const examples = stream.next(batchSize);
      return { columns: examples.columns, size: examples.count };
    },
  };
}

/**
 * A world's batches, checked against the model's inputs: an input the world does not generate, or
 * generates with another fixed size, is a data error naming the input's line, not a failure
 * inside the engine. (A world generates what its description lists, whatever the spec declares.)
 */
function fittingInputs(plan: Plan, world: string, source: BatchSource): BatchSource {
  return {
    async next(batchSize) {
      const batch = await source.next(batchSize);
      if (!batch) return batch;
      for (const input of plan.inputs) {
        if (input.constant) continue; // Fed once, checked by the executor (bindConstants).
        const line = plan.steps[input.step]?.loc?.[0];
        const where = `the input \`${input.name}\`${line ? ` (line ${line})` : ""}`;
        const column = batch.columns.get(input.name);
        if (!column) throw new DataSourceError(`the world \`${world}\` does not generate ${where}; it generates ${[...batch.columns.keys()].join(", ")}`);
        const fed = { shape: [rowCount(column), ...column.shape] };
        const declared = input.type.shape;
        const clash = fed.shape.length !== declared.length || declared.some((d, axis) => typeof d === "number" && d !== fed.shape[axis]);
        if (clash)
          throw new DataSourceError(
            `the world \`${world}\` generates ${where} with shape [${fed.shape.join(", ")}], the spec ` +
              `declares [${declared.map((d) => (typeof d === "number" ? d : String(d))).join(", ")}]`,
          );
      }
      return batch;
    },
  };
}

/**
 * The finite worlds built last, by their arguments and seed: an experiment's arms share each
 * seed's world, and building one (every example, up front) can take longer than training on it.
 * Four are kept (an experiment's seeds), since a world can hold a hundred megabytes.
 */
type Built = ReturnType<FiniteWorld["build"]>;
const recentWorlds = new Map<string, Built>();
function cachedWorld(record: WorldRecord, config: Config, worldSeed: number, build: () => Built): Built {
  const key = JSON.stringify([record.name, [...config.args].sort(([a], [b]) => (a < b ? -1 : 1)), worldSeed]);
  const world = recentWorlds.get(key) ?? build();
  recentWorlds.delete(key);
  recentWorlds.set(key, world);
  if (recentWorlds.size > 4) recentWorlds.delete(recentWorlds.keys().next().value!);
  return world;
}
