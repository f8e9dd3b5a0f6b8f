// The model zoo (examples/zoo/, built from std/zoo): each model trains from its spec's own train
// block in well under a minute, its loss falls over the run (EASE trains no weights: its loss is
// its objective on the batch, which the closed form lowers as its Gram matrix fills), and its
// quality metric on held-out data beats the same model after one step (same seed, data and
// initial weights) by a margin:
// AUC for the CTR and multi-task models, Recall@10 among the batch's next items for the
// sequential and collaborative ones (1 in 12.8 by chance, batch 128).

import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";

const ZOO: Record<string, { metric: string; margin: number }> = {
  deepfm: { metric: "auc", margin: 0.1 },
  dcn_v2: { metric: "auc", margin: 0.08 },
  dlrm: { metric: "auc", margin: 0.08 },
  nfm: { metric: "auc", margin: 0.1 },
  din: { metric: "auc", margin: 0.15 },
  mmoe: { metric: "long_click_auc", margin: 0.1 },
  gru4rec: { metric: "recall_at_10", margin: 0.15 },
  nextitnet: { metric: "recall_at_10", margin: 0.15 },
  bert4rec: { metric: "recall_at_10", margin: 0.3 },
  hstu: { metric: "recall_at_10", margin: 0.3 },
  multivae: { metric: "recall_at_10", margin: 0.3 },
  ease: { metric: "recall_at_10", margin: 0.1 },
};

interface Line {
  readonly step: number;
  readonly loss: number;
  readonly metrics?: Record<string, number>;
}

async function train(model: string, extra: string[]): Promise<Line[]> {
  const out = join(ROOT, ".tmp", "zoo", `${model}${extra.length ? "-short" : ""}`);
  rmSync(out, { recursive: true, force: true });
  let stderr = "";
  const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), isTTY: false, cwd: ROOT, env: {} };
  expect(await main(["train", "--backend", "wasm", "--seed", "1", "--out", out, ...extra, `examples/zoo/${model}/model.rec`], io), stderr).toBe(0);
  return readFileSync(join(out, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Line);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the model zoo", () => {
  for (const [model, { metric, margin }] of Object.entries(ZOO)) {
    it(`${model}: the loss falls and ${metric} beats one step's by ${margin}`, async () => {
      const run = await train(model, []);
      const oneStep = await train(model, ["--steps", "1"]);
      // Losses are noisy per batch: the mean of the last 20 steps against the first 20.
      expect(mean(run.slice(-20).map((l) => l.loss))).toBeLessThan(mean(run.slice(0, 20).map((l) => l.loss)));
      const final = run[run.length - 1]!.metrics![metric]!;
      const start = oneStep[oneStep.length - 1]!.metrics![metric]!;
      expect(final, `${metric}: ${start} after one step, ${final} at the end`).toBeGreaterThan(start + margin);
    });
  }
});
