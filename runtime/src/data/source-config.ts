// A plan's file data setting (`parquet("…", schema = S, valid = 0.1)`) → the file to read, its
// format and the plan's schema for it. Kept apart from the data sets so \`rec check --data\`
// reads it without loading TensorFlow.js.

import { isAbsolute, join } from "node:path";
import { parseConfig, type Config } from "../config.js";
import type { Plan } from "../plan.js";
import { formatOf } from "./tables.js";

export class DataSourceError extends Error {
  override readonly name = "DataSourceError";
}

/** The schema and file of a file source, for the data-contract check. */
export function fileSourceOf(plan: Plan, dataSetting: string | undefined, baseDir: string) {
  const config = dataSetting ? parseConfig(dataSetting) : undefined;
  return config && ["parquet", "jsonl", "csv"].includes(config.name) ? fileSource(plan, config, baseDir) : undefined;
}

export function fileSource(plan: Plan, config: Config, baseDir: string) {
  const shownPath = String(config.args.get("path") ?? "");
  const schemaName = parseConfig(String(config.args.get("schema") ?? "schema()")).args.get("name");
  const schema = typeof schemaName === "string" ? plan.schemas?.[schemaName] : undefined;
  if (!schema) throw new DataSourceError(`\`${config.name}(…)\` needs \`schema = S\`, a schema declaring how the file's columns feed ${plan.model}'s inputs`);
  return { config, shownPath, path: isAbsolute(shownPath) ? shownPath : join(baseDir, shownPath), format: formatOf(shownPath, config.name), schema };
}

/** The train block's constants files (`constants = csv(…)` or a list of them): the first stage's that has any. */
export function constantsSettings(plan: Plan): string[] {
  for (const stage of plan.train) {
    const setting = stage.settings["constants"];
    if (typeof setting === "string") return [setting];
    if (Array.isArray(setting)) return setting.filter((s): s is string => typeof s === "string");
  }
  return [];
}
