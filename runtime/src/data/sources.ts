// A plan's `data = …` setting → a data set. Synthetic worlds generate batches from a seed;
// `parquet("…", schema = S)`, `jsonl(…)` and `csv(…)` read a file (relative to the spec's
// folder) through the plan's schema S.

import { existsSync } from "node:fs";
import { loadVocabularies } from "./vocab.js";
import { parseConfig, numberArg, type Config } from "../config.js";
import type { Plan, PlanSettings } from "../plan.js";
import type { BatchSource, DataSet } from "./batch.js";
import { FileDataSet, type TaskShares } from "./file-data.js";
import { interactionGraphConstants, interactionGraphWorld } from "./graph-world.js";
import { omniSageConstants, omniSageStream } from "./omnisage-world.js";
import { searchConstants, searchStream } from "./search-world.js";
import { engagementSessionsWorld, latentFactorWorld, loggedBanditWorld, outcomeSequencesWorld, sidSuccessorConstants, sidSuccessorWorld } from "./synthetic.js";
import { DataSourceError, fileSource } from "./source-config.js";
import { constantsSettings, readConstantsFiles } from "./constants.js";
import type { Tensor } from "../tf.js";
import { endlessEpochs, inOrder } from "./examples.js";
import { SessionWorld, sessionLogs } from "./session-world.js";
import { adAuctionWorld, banditLmWorld, cleanRoomWorld, idPretrainWorld, type FiniteWorld } from "./finite-worlds.js";

export { DataSourceError };

export interface DataOptions {
  readonly seed: number;
  /** The folder paths in the spec are relative to (the spec file's). */
  readonly baseDir: string;
  readonly skipBadRows?: boolean;
  /** An earlier run's vocab.json, read when it exists, so ids mean what they meant then. */
  readonly vocabularyFile?: string;
}

/** Where the eval stream of a synthetic world starts, far from the training stream. */
const HELD_OUT_SEED_OFFSET = 500_000;

export async function openDataSet(plan: Plan, dataSetting: string | undefined, options: DataOptions): Promise<DataSet> {
  if (!dataSetting) throw new DataSourceError(`model ${plan.model} has no \`data = …\` in its train block`);
  const config = parseConfig(dataSetting);
  if (config.name === "synthetic") return syntheticDataSet(plan, config, options.seed);
  if (config.name === "parquet" || config.name === "jsonl" || config.name === "csv") return withConstantsFile(plan, await fileDataSet(plan, config, options), options);
  throw new DataSourceError(`unknown data source \`${config.name}\`; the sources are parquet, jsonl, csv and synthetic`);
}

/** A file data set with the model's `constants = csv(…)` file, read (and checked) when first asked for. */
function withConstantsFile(plan: Plan, data: FileDataSet, options: DataOptions): FileDataSet {
  const settings = constantsSettings(plan);
  let read: Promise<Map<string, Tensor>> | undefined;
  if (settings.length) data.constants = () => (read ??= readConstantsFiles(plan, settings, options.baseDir));
  return data;
}

/** Interactive worlds (rollouts run in them) by name: `synthetic(…)` arguments and the world's seed → the world. */
const SESSION_WORLDS: Readonly<Record<string, (config: Config, worldSeed: number) => SessionWorld>> = {
  recomind_sessions: (config, worldSeed) =>
    new SessionWorld({ worldSeed, items: numberArg(config, "items", 500), historyLength: numberArg(config, "history_length", 8), maxSteps: numberArg(config, "max_steps", 30) }),
};

/**
 * The interactive world a `rollouts { world = synthetic(…) }` names, for the run's seed: with
 * `world_per_seed = true` the same world (catalogue, clickbait flags) as the finite log of that
 * name and seed, so the simulator's models and the world they imitate match.
 */
export function openSessionWorld(setting: string, seed: number): SessionWorld {
  const config = parseConfig(setting);
  const world = String(config.args.get("world") ?? "");
  const make = SESSION_WORLDS[world];
  if (config.name !== "synthetic" || !make) throw new DataSourceError(`rollouts run in an interactive world, \`synthetic("<world>", …)\`; the worlds are: ${Object.keys(SESSION_WORLDS).join(", ")}`);
  return make(config, numberArg(config, "seed", 0) + (config.args.get("world_per_seed") === true ? seed * 7919 : 0));
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
  const block = plan.train.map((stage) => stage.settings["tasks"]).find((s): s is PlanSettings => typeof s === "object" && s !== null && !Array.isArray(s) && !("dim" in s));
  if (!block) return undefined;
  const shares = block["shares"];
  return { column: String(block["column"] ?? "task"), shares: Array.isArray(shares) ? shares.map(Number) : [] };
}

function syntheticDataSet(plan: Plan, config: Config, seed: number): DataSet {
  const world = String(config.args.get("world") ?? "");
  // One world per `synthetic(…, seed = s)`; the run's seed and the split pick the examples. With
  // `world_per_seed = true` the run's seed also draws a new world (users, tables, catalogue), so
  // the spread over seeds covers the data as well as the model's initialization.
  const worldSeed = numberArg(config, "seed", 0) + (config.args.get("world_per_seed") === true ? seed * 7919 : 0);
  const finite = FINITE_WORLDS[world];
  if (finite) {
    // Every example exists up front: the run's seed shuffles each epoch; held-out scoring reads
    // the whole test split in order.
    const { train, test } = cachedWorld(world, config, worldSeed, finite);
    return {
      train: () => fittingInputs(plan, world, endlessEpochs(train, seed)),
      heldOut: () => fittingInputs(plan, world, inOrder(test)),
      skipped: { count: 0, examples: [] },
      finite: async () => train,
    };
  }
  const make = GENERATED_WORLDS[world];
  if (!make) throw new DataSourceError(`unknown synthetic world \`${world}\`; the worlds are: ${[...Object.keys(GENERATED_WORLDS), ...Object.keys(FINITE_WORLDS)].join(", ")}`);
  const streamSeed = worldSeed + seed * 1000;
  const constants = WORLD_CONSTANTS[world];
  let made: Promise<Map<string, Tensor>> | undefined;
  return {
    ...(constants ? { constants: () => (made ??= Promise.resolve(constants(plan, config, worldSeed))) } : {}),
    train: () => fittingInputs(plan, world, make(plan, config, { worldSeed, streamSeed }, "train")),
    heldOut: (split = "valid") => fittingInputs(plan, world, make(plan, config, { worldSeed, streamSeed: streamSeed + HELD_OUT_SEED_OFFSET + (split === "test" ? 1 : 0) }, split)),
    heldOutBatches: 4,
    skipped: { count: 0, examples: [] },
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
        const fed = batch.feeds.get(input.name);
        if (!fed) throw new DataSourceError(`the world \`${world}\` does not generate ${where}; it generates ${[...batch.feeds.keys()].join(", ")}`);
        const declared = input.type.shape;
        const clash = fed.shape.length !== declared.length || declared.some((d, axis) => typeof d === "number" && d !== fed.shape[axis]);
        if (clash) throw new DataSourceError(`the world \`${world}\` generates ${where} with shape [${fed.shape.join(", ")}], the spec declares [${declared.map((d) => (typeof d === "number" ? d : String(d))).join(", ")}]`);
      }
      return batch;
    },
  };
}

/** The size of an input's id space, from the plan (a fallback when it is symbolic or absent). */
function spaceSize(plan: Plan, name: string, fallback: number): number {
  const size = plan.inputs.find((i) => i.name === name)?.type.space?.size;
  return typeof size === "number" ? size : fallback;
}

/** A fixed dimension of an input (a fallback when it is symbolic or absent). */
function inputDim(plan: Plan, name: string, axis: number, fallback: number): number {
  const d = plan.inputs.find((i) => i.name === name)?.type.shape[axis];
  return typeof d === "number" ? d : fallback;
}

/**
 * The finite worlds built last, by their arguments and seed: an experiment's arms share each
 * seed's world, and building one (every example, up front) can take longer than training on it.
 * Four are kept (an experiment's seeds), since a world can hold a hundred megabytes.
 */
const recentWorlds = new Map<string, FiniteWorld>();
function cachedWorld(name: string, config: Config, worldSeed: number, make: (config: Config, worldSeed: number) => FiniteWorld): FiniteWorld {
  const key = JSON.stringify([name, [...config.args].sort(([a], [b]) => (a < b ? -1 : 1)), worldSeed]);
  const world = recentWorlds.get(key) ?? make(config, worldSeed);
  recentWorlds.delete(key);
  recentWorlds.set(key, world);
  if (recentWorlds.size > 4) recentWorlds.delete(recentWorlds.keys().next().value!);
  return world;
}

/** Finite worlds by name (finite-worlds.ts): `synthetic(…)` arguments and the world's seed → its examples. */
const FINITE_WORLDS: Readonly<Record<string, (config: Config, worldSeed: number) => FiniteWorld>> = {
  id_pretrain: (config, worldSeed) => {
    const part = String(config.args.get("part") ?? "impressions");
    if (part !== "engagement" && part !== "impressions") throw new DataSourceError(`the world \`id_pretrain\` has the parts \`engagement\` and \`impressions\`, not \`${part}\``);
    const engagement = part === "engagement";
    return idPretrainWorld({
      worldSeed,
      part,
      users: numberArg(config, "users", 2_000),
      items: numberArg(config, "items", 5_000),
      trainExamples: numberArg(config, "train_examples", engagement ? 200_000 : 60_000),
      testExamples: numberArg(config, "test_examples", engagement ? 5_000 : 20_000),
    });
  },
  ad_auction: (config, worldSeed) =>
    adAuctionWorld({ worldSeed, trainExamples: numberArg(config, "train_examples", 200_000), testExamples: numberArg(config, "test_examples", 20_000) }),
  bandit_lm: (config, worldSeed) =>
    banditLmWorld({
      worldSeed,
      trainExamples: numberArg(config, "train_examples", 4_000),
      testExamples: numberArg(config, "test_examples", 2_000),
      prompts: numberArg(config, "prompts", 20),
      candidates: numberArg(config, "candidates", 10),
    }),
  recomind_logs: (config, worldSeed) =>
    sessionLogs({
      worldSeed,
      items: numberArg(config, "items", 500),
      historyLength: numberArg(config, "history_length", 8),
      maxSteps: numberArg(config, "max_steps", 30),
      trainExamples: numberArg(config, "train_examples", 100_000),
      testExamples: numberArg(config, "test_examples", 20_000),
    }),
  clean_room: (config, worldSeed) => {
    const part = String(config.args.get("part") ?? "advertiser");
    if (part !== "platform" && part !== "advertiser") throw new DataSourceError(`the world \`clean_room\` has the parts \`platform\` and \`advertiser\`, not \`${part}\``);
    return cleanRoomWorld({
      worldSeed,
      part,
      trainExamples: numberArg(config, "train_examples", part === "platform" ? 100_000 : 30_000),
      testExamples: numberArg(config, "test_examples", 10_000),
    });
  },
};

/** Generated worlds by name: plan, `synthetic(…)` arguments and a seed → a batch stream. */
const GENERATED_WORLDS: Readonly<Record<string, (plan: Plan, config: Config, seeds: { worldSeed: number; streamSeed: number }, split: string) => BatchSource>> = {
  latent_factor: (plan, config, seeds) => {
    const target = String(config.args.get("target") ?? "item_id");
    return latentFactorWorld({
      users: numberArg(config, "users", spaceSize(plan, "user_id", 1000)),
      items: numberArg(config, "items", spaceSize(plan, target, 1000)),
      historyLength: inputDim(plan, "history", 1, numberArg(config, "history_length", 10)),
      ...seeds,
      target,
    });
  },
  interaction_graph: (plan, config, seeds, split) => interactionGraphWorld({ ...interactionGraphSizes(plan, config), ...seeds, split }),
  omnisage_graph: (plan, config, seeds, split) => omniSageStream({ ...omniSageSizes(plan, config), worldSeed: seeds.worldSeed }, seeds.streamSeed, split),
  omnisearchsage_search: (plan, config, seeds, split) => searchStream({ ...searchSizes(plan, config), worldSeed: seeds.worldSeed }, numberArg(config, "pin_share", 2 / 3), seeds.streamSeed, split),
  logged_bandit: (plan, config, seeds) => loggedBanditWorld({ actions: numberArg(config, "actions", spaceSize(plan, "action", 27)), ...seeds }),
  engagement_sessions: (plan, config, seeds) =>
    engagementSessionsWorld({
      items: numberArg(config, "items", spaceSize(plan, "target", 2000)),
      users: numberArg(config, "users", 3000),
      historyLength: inputDim(plan, "history", 1, 20),
      slate: inputDim(plan, "slate", 1, 10),
      ...seeds,
    }),
  outcome_sequences: (plan, config, seeds) =>
    outcomeSequencesWorld({
      items: numberArg(config, "items", spaceSize(plan, "future", 600)),
      users: numberArg(config, "users", 2000),
      historyLength: inputDim(plan, "history", 1, 10),
      window: inputDim(plan, "future", 1, 5),
      ...seeds,
    }),
  sid_successor: (plan, config, seeds, split) => {
    const codes = sidCodes(plan, config);
    // `held_out_noise`: the noise of the held-out splits (0 scores against the true successors).
    const noise = numberArg(config, "noise", 0.15);
    return sidSuccessorWorld({ codes, items: numberArg(config, "items", codes ** 3), noise: split === "train" ? noise : numberArg(config, "held_out_noise", noise), ...seeds });
  },
};

function interactionGraphSizes(plan: Plan, config: Config) {
  return { users: numberArg(config, "users", spaceSize(plan, "user_id", 2000)), items: numberArg(config, "items", spaceSize(plan, "item_id", 1000)), edges: numberArg(config, "edges", 100_000) };
}

/** The constant inputs of the generated worlds that feed some (their contracts' `whole` fields), by name. */
const WORLD_CONSTANTS: Readonly<Record<string, (plan: Plan, config: Config, worldSeed: number) => Map<string, Tensor>>> = {
  interaction_graph: (plan, config, worldSeed) => interactionGraphConstants({ ...interactionGraphSizes(plan, config), worldSeed }),
  omnisearchsage_search: (plan, config, worldSeed) => searchConstants({ ...searchSizes(plan, config), worldSeed }),
  omnisage_graph: (plan, config, worldSeed) => omniSageConstants({ ...omniSageSizes(plan, config), worldSeed }),
  sid_successor: (plan, config, worldSeed) => sidSuccessorConstants({ codes: sidCodes(plan, config), items: numberArg(config, "items", sidCodes(plan, config) ** 3), worldSeed }),
};

const sidCodes = (plan: Plan, config: Config) => numberArg(config, "codes", spaceSize(plan, "targets", 8));

/** OmniSage's world's sizes: its arguments, the walk length from the model's `walk` input. */
export function omniSageSizes(plan: Plan, config: Config) {
  return {
    pins: numberArg(config, "pins", spaceSize(plan, "anchor", 1000)),
    communities: numberArg(config, "communities", 20),
    boards: numberArg(config, "boards", 100),
    features: numberArg(config, "features", 16),
    walkLength: inputDim(plan, "walk", 1, 8),
  };
}

/** OmniSearchSage's world's sizes: its arguments, the catalogue's sizes from the model's inputs. */
function searchSizes(plan: Plan, config: Config) {
  return {
    topics: numberArg(config, "topics", 50),
    tokensPerTopic: numberArg(config, "tokens_per_topic", 30),
    noiseTokens: numberArg(config, "noise_tokens", 500),
    pins: numberArg(config, "pins", spaceSize(plan, "pin_target", 3000)),
    products: numberArg(config, "products", spaceSize(plan, "product_target", 1000)),
    pinPairs: numberArg(config, "pin_pairs", 20_000),
    productPairs: numberArg(config, "product_pairs", 3_000),
    features: numberArg(config, "features", 16),
    frozenDim: inputDim(plan, "frozen_pin", 1, 16),
  };
}
