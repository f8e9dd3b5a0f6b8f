// A world's arguments for one run: what `synthetic(…)` gives, else the default its record
// declares (world.ts), resolved against the plan where the default is the model's own size. In:
// the record, the parsed setting, the plan and the world's seed. Out: the WorldArgs its
// generators read, and the catalogue type the data layer looks worlds up in.

import { numberArg, type Config } from "../config.js";
import type { Plan } from "../plan.js";
import { DataSourceError } from "./source-config.js";
import { defaultSize, worldParts, type WorldArgs, type WorldContract, type WorldRecord } from "./world.js";

/** The worlds a run can name, by name: assembled by the application (app/worlds.ts). */
export type WorldCatalog = ReadonlyMap<string, WorldRecord>;

/** The size of an input's id space, from the plan (undefined when it is symbolic or absent). */
function spaceOf(plan: Plan, input: string): number | undefined {
  const size = plan.inputs.find((i) => i.name === input)?.type.space?.size;
  return typeof size === "number" ? size : undefined;
}

/** A fixed dimension of an input (undefined when it is symbolic or absent). */
function dimOf(plan: Plan, input: string, axis: number): number | undefined {
  const d = plan.inputs.find((i) => i.name === input)?.type.shape[axis];
  return typeof d === "number" ? d : undefined;
}

/** The world's seed: `seed`, plus a new world for each run seed with `world_per_seed = true`. */
export function worldSeedOf(config: Config, runSeed: number): number {
  return numberArg(config, "seed", 0) + (config.args.get("world_per_seed") === true ? runSeed * 7919 : 0);
}

export function worldArgs(world: WorldContract, config: Config, plan: Plan, worldSeed: number): WorldArgs {
  const declared = (name: string) => {
    const found = world.args.find((a) => a.name === name);
    if (!found) throw new Error(`the world \`${world.name}\` reads the argument \`${name}\`, which its record does not declare`);
    return found;
  };
  const part = (): string | undefined => (worldParts(world).length ? text("part") : undefined);
  const text = (name: string): string => {
    const given = config.args.get(name);
    if (typeof given === "string") return given;
    return String(declared(name).default);
  };
  const number = (name: string): number => {
    const given = config.args.get(name);
    if (typeof given === "number") return given;
    const spec = declared(name);
    if (spec.default === "model") {
      const model = spec.model!;
      const input = model.input.startsWith("arg:") ? text(model.input.slice(4)) : model.input;
      return (model.axis === undefined ? spaceOf(plan, input) : dimOf(plan, input, model.axis)) ?? model.fallback;
    }
    const value = defaultSize(spec, part(), number);
    if (value === undefined) throw new Error(`the world \`${world.name}\`'s argument \`${name}\` has no number for a default`);
    return value;
  };
  const chosen = part();
  if (chosen !== undefined && !worldParts(world).includes(chosen)) {
    throw new DataSourceError(
      `the world \`${world.name}\` has the parts ${worldParts(world)
        .map((p) => `\`${p}\``)
        .join(" and ")}, not \`${chosen}\``,
    );
  }
  return { worldSeed, number, string: text, modelDim: (input, axis, fallback) => dimOf(plan, input, axis) ?? fallback };
}
