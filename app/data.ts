// A plan's data set with the application's synthetic worlds (app/worlds.ts) to draw from: the
// one way the run library, the commands and the API open data.

import { openDataSet, type DataOptions } from "../runtime/src/data/sources.js";
import type { DataSet } from "../runtime/src/data/batch.js";
import type { Plan } from "../runtime/src/plan.js";
import { WORLDS } from "./worlds.js";

export const openData = (plan: Plan, setting: string | undefined, options: DataOptions): Promise<DataSet> =>
  openDataSet(plan, setting, { worlds: WORLDS, ...options });
