// The sweep's `step_ms` cost: the median time of a training step of each distinct graph of a
// plan, measured on one tfjs backend with the model's own data (choose-engine.ts's measurement).
// In: the plan, the spec's path, the backend and the batch. Out: milliseconds by model hash.

import { openData } from "./data.js";
import { dirname } from "node:path";
import type { SweepPlan } from "../compiler/src/sweep/plan-sweep.js";
import { useBackend, type BackendName } from "../runtime/src/tfjs/backends.js";
import { Trainer, trainOptionsFrom } from "../runtime/src/tfjs/train/trainer.js";
import { medianStepMs } from "./choose-engine.js";

export async function measureStepTimes(plan: SweepPlan, path: string, backend: BackendName, batch?: number): Promise<Map<string, number>> {
  await useBackend(backend);
  const times = new Map<string, number>();
  for (const point of plan.points) {
    if (times.has(point.hash)) continue;
    const settings = point.plan.train[0]?.settings ?? {};
    const data = await openData(point.plan, settings["data"] as string | undefined, { seed: 0, baseDir: dirname(path) });
    const size = batch ?? trainOptionsFrom(settings).batch;
    times.set(point.hash, await medianStepMs(point.plan, data, size, 0, async (executor) => new Trainer(executor, settings, 5, 0)));
  }
  return times;
}
