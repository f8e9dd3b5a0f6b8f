// OmniSearchSage's reproduction, reduced (examples/omnisearchsage): on the torch engine, seeds
// 1, 2, 3, three arms that differ by one change each — a query tower per task against one
// unified tower, and the unified tower with the loss that ties it to the frozen pin embedding.
// The unified tower must retrieve products (the low-data task) better on every seed, and the
// compatibility loss must make the frozen index usable (it is at chance without it); every
// comparison is paired by seed. About 5 minutes; skipped, with the reason, where PyTorch is missing.

import { describe, expect, it } from "vitest";
import { compareRows, expectPairedGain } from "../harness/compare-run.js";
import { findTorchPython } from "../../runtime/src/torch/python.js";

const torch = findTorchPython();

describe.skipIf(typeof torch === "string")(`OmniSearchSage at toy scale${typeof torch === "string" ? ` (skipped: ${torch})` : ""}`, () => {
  it("one query tower beats a tower per task on products, and the compatibility loss makes the frozen index usable", async () => {
    const metric = await compareRows("examples/omnisearchsage/model.rec", [
      "--backend",
      "torch",
      "--seeds",
      "1,2,3",
      "--only",
      "separate_query_towers,unified,compatible",
    ]);
    const products = metric("product_recall_at_10");
    expectPairedGain(products["unified"]!, products["separate_query_towers"]!, "product recall, unified vs separate query towers");
    const frozen = metric("frozen_index_recall_at_10");
    expectPairedGain(frozen["compatible"]!, frozen["unified"]!, "frozen-index recall, with vs without the compatibility loss");
    expect(frozen["compatible"]!.mean).toBeGreaterThan(0.3);
  });
});
