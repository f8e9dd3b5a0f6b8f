// LightGCN through the sparse ops (examples/lightgcn): two layers of propagation over the
// 100,000-edge graph, as an edge list, recommend held-out interactions far better than the same
// model without propagation (layers = 0: matrix factorization with BPR), same seed, data and
// steps. Without `sparse_matmul` the propagation would need the 20,000 × 10,000 adjacency. On
// the torch engine (about 25 s); the tfjs engines take minutes per run at this scale (2.2 s a
// step on wasm), so the test is skipped, with the reason, where PyTorch is missing.

import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";
import { findTorchPython } from "../../runtime/src/torch/python.js";

const torch = findTorchPython();

async function recall(layers: number): Promise<number> {
  const out = join(ROOT, ".tmp", "lightgcn", `layers-${layers}`);
  rmSync(out, { recursive: true, force: true });
  let stderr = "";
  const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), isTTY: false, cwd: ROOT, env: {} };
  expect(await main(["train", "--backend", "torch", "--seed", "1", "--set", `layers=${layers}`, "--out", out, "examples/lightgcn/model.rec"], io), stderr).toBe(
    0,
  );
  const lines = readFileSync(join(out, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { metrics?: Record<string, number> });
  return lines[lines.length - 1]!.metrics!["recall_at_10"]!;
}

describe.skipIf(typeof torch === "string")(`LightGCN${typeof torch === "string" ? ` (skipped: ${torch})` : ""}`, () => {
  it("propagation over the edge list beats matrix factorization on held-out interactions", async () => {
    const [propagated, factorized] = [await recall(2), await recall(0)];
    expect(propagated, `LightGCN ${propagated}, MF ${factorized}`).toBeGreaterThan(factorized + 0.08);
  });
});
