// Data sources named in a plan's `train` settings → batch sources. Synthetic worlds are here;
// files (Parquet, JSONL, CSV) arrive with the data layer (issue 6) and are refused clearly.

import { parseConfig, numberArg } from "../config.js";
import type { Plan } from "../plan.js";
import { latentFactorWorld, type BatchSource } from "./synthetic.js";

export class DataSourceError extends Error {
  override readonly name = "DataSourceError";
}

/** The batch source for training (`seedOffset` 0) or evaluation (another offset, other examples). */
export function dataSourceFor(plan: Plan, dataSetting: string | undefined, seed: number, seedOffset: number): BatchSource {
  if (!dataSetting) throw new DataSourceError(`model ${plan.model} has no \`data = …\` in its train block`);
  const config = parseConfig(dataSetting);
  if (config.name === "synthetic") {
    const world = String(config.args.get("world") ?? "");
    if (world === "latent_factor") {
      const history = plan.inputs.find((i) => i.name === "history");
      const length = typeof history?.type.shape[1] === "number" ? history.type.shape[1] : numberArg(config, "history_length", 10);
      const spaceSize = (name: string, fallback: number) => {
        const size = plan.inputs.find((i) => i.name === name)?.type.space?.size;
        return typeof size === "number" ? size : fallback;
      };
      return latentFactorWorld({
        users: numberArg(config, "users", spaceSize("user_id", 1000)),
        items: numberArg(config, "items", spaceSize("item_id", 1000)),
        historyLength: length,
        seed: numberArg(config, "seed", 0) + seed * 1000 + seedOffset,
      });
    }
    throw new DataSourceError(`unknown synthetic world \`${world}\`; the worlds are: latent_factor`);
  }
  if (["parquet", "jsonl", "csv"].includes(config.name)) {
    throw new DataSourceError(`reading ${config.name} files is not supported yet (the data layer is issue 6); use \`data = synthetic(…)\` for now`);
  }
  throw new DataSourceError(`unknown data source \`${config.name}\``);
}
