// Constant inputs and graph files: an input declared `constant` is fed once, whole — from the
// train block's `constants = csv(…)` file through its schema, or from a world's whole fields —
// and never with a batch; the file's bad rows (an unknown node id, a negative weight, a weight
// that is not a number) and a missing file stop training with the file, row and column named;
// the checker refuses a constant input without a source and a world's whole field fed to a
// batched input.

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { openData } from "../app/data.js";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { bindConstants } from "../runtime/src/tfjs/feeds.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { train, trainOptionsFrom } from "../runtime/src/tfjs/train/trainer.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { writeTorchPackage } from "../runtime/src/torch/package.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { rec } from "./harness/rec-cli.js";
import { ROOT } from "./harness/repo.js";
import { GOOD_GRAPH, KEYED_GRAPH_SPEC as KEYED_SPEC, SMALL_GRAPH_SPEC as SPEC } from "./harness/small-graph.js";

const scratch = join(ROOT, ".tmp", "graph-constants");

const PAIRS = `user,item\n${Array.from({ length: 16 }, (_, i) => `${i % 6},${i % 4}`).join("\n")}\n`;

function project(name: string, graph: string | undefined): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.rec"), SPEC);
  writeFileSync(join(dir, "pairs.csv"), PAIRS);
  if (graph !== undefined) writeFileSync(join(dir, "graph.csv"), graph);
  return dir;
}

describe("constant inputs from a graph file", () => {
  it("are read once, in file order, and never fed with a batch", async () => {
    await useBackend("cpu");
    const dir = project("good", GOOD_GRAPH);
    const result = compileFiles([join(dir, "model.rec")]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const plan = result.plans[0]!;
    expect(plan.inputs.filter((i) => i.constant).map((i) => i.name)).toEqual(["edge_user", "edge_item", "edge_weight"]);
    const data = await openData(plan, plan.train[0]!.settings["data"] as string, { seed: 0, baseDir: dir });
    const batch = (await data.train().next(4))!;
    expect([...feedsOf(batch).keys()].sort()).toEqual(["item_id", "user_id"]);
    tf.dispose([...feedsOf(batch).values()]);
    const executor = new Executor(plan, 0);
    await bindConstants(executor, data);
    expect(await executor.constants.get("edge_user")!.array()).toEqual([0, 1, 2, 5]);
    expect(await executor.constants.get("edge_item")!.array()).toEqual([1, 2, 3, 0]);
    expect(await executor.constants.get("edge_weight")!.array()).toEqual([0.5, 1, 0.25, 2]);
    // The propagation reads them: user 5's row gains 2 × item 0's row, user 3 (no edges) nothing.
    const feeds = new Map([["user_id", tf.tensor1d([5, 3], "int32")]]);
    const encoded = (await executor.run("encode", feeds).get("user")!.array()) as number[][];
    const items = (await executor.params.get([...executor.params.keys()].find((k) => k.startsWith("item_rows"))!)!.array()) as number[][];
    const users = (await executor.params.get([...executor.params.keys()].find((k) => k.startsWith("user_rows"))!)!.array()) as number[][];
    encoded[0]!.forEach((v, d) => expect(v).toBeCloseTo(users[5]![d]! + 2 * items[0]![d]!, 5));
    encoded[1]!.forEach((v, d) => expect(v).toBeCloseTo(users[3]![d]!, 5));
    executor.dispose();
    // Training binds them itself: three steps of the spec's train block, finite losses.
    const trained = new Executor(plan, 1);
    const reports = await train(trained, plan.train[0]!.settings, data, trainOptionsFrom(plan.train[0]!.settings, { seed: 1, evalEvery: 0 }));
    expect(reports.map((r) => Number.isFinite(r.loss))).toEqual([true, true, true]);
    expect(trained.constants.size).toBe(3);
    trained.dispose();
  });

  const bad: [string, string | undefined, RegExp][] = [
    ["an unknown node id", "src,dst,weight\n0,1,0.5\n9,2,1.0\n", /graph\.csv, row 2, column `src`: the id 9 is outside `users`, which holds ids 0 to 5/],
    [
      "a negative weight",
      "src,dst,weight\n0,1,0.5\n1,2,1.0\n2,3,-0.5\n",
      /graph\.csv, row 3, column `weight`: the value -0\.5 is below the field's minimum, 0/,
    ],
    ["a weight that is not a number", "src,dst,weight\n0,1,heavy\n", /graph\.csv, row 1, column `weight`: expected a number, found "heavy"/],
    ["a missing node", "src,dst,weight\n0,,0.5\n", /graph\.csv, row 1, column `dst`: expected an integer id of `items`, found ""/],
    ["a missing file", undefined, /graph\.csv: no such data file/],
  ];
  for (const [what, graph, message] of bad) {
    it(`stop training on ${what}, naming the file, row and column, without a stack trace`, async () => {
      const dir = project(what.replace(/\W+/g, "-"), graph);
      const run = await rec(["train", "--out", join(dir, "run"), join(dir, "model.rec")], dir);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it("are checked by `rec check --data` like any data file (REC4011 for a weight below its minimum)", async () => {
    const dir = project("contract", "src,dst,weight\n0,1,0.5\n1,2,-1\n");
    const run = await rec(["check", join(dir, "model.rec"), "--data", join(dir, "graph.csv")], dir);
    expect(run.stdout + run.stderr).toMatch(/REC4011/);
  });
});

/**
 * The graph's edges and a frozen, pre-existing user embedding in two files: the embedding keyed by
 * user id (as `rec embed` writes one), rows in any order, each id once.
 */
const frozenRows = (ids: readonly number[]) => ids.map((id) => JSON.stringify({ id, vector: [id, -id] })).join("\n") + "\n";

describe("constant inputs from several files, one keyed by id", () => {
  const open = async (frozen: string) => {
    const dir = project(`keyed-${Math.abs(hashOf(frozen))}`, GOOD_GRAPH);
    writeFileSync(join(dir, "model.rec"), KEYED_SPEC);
    writeFileSync(join(dir, "frozen.jsonl"), frozen);
    const result = compileFiles([join(dir, "model.rec")]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const plan = result.plans[0]!;
    return { plan, data: await openData(plan, plan.train[0]!.settings["data"] as string, { seed: 0, baseDir: dir }) };
  };

  it("place each keyed row at its id, whatever the file's order, beside the edge list's rows", async () => {
    await useBackend("cpu");
    const { plan, data } = await open(frozenRows([3, 0, 5, 1, 4, 2]));
    const executor = new Executor(plan, 0);
    await bindConstants(executor, data);
    expect(await executor.constants.get("frozen_user")!.array()).toEqual([0, 1, 2, 3, 4, 5].map((id) => [id, id === 0 ? 0 : -id]));
    expect(await executor.constants.get("edge_user")!.array()).toEqual([0, 1, 2, 5]);
    executor.dispose();
  });

  const bad: [string, string, RegExp][] = [
    ["an id given twice", frozenRows([0, 1, 2, 3, 4, 5, 2]), /frozen\.jsonl, row 7, column `id`: the key 2 was given before, at row 3/],
    ["an id left out", frozenRows([0, 1, 2, 4, 5]), /frozen\.jsonl: no row has the key 3 \(`id` must give every id from 0 to 5 once\)/],
    [
      "an id outside the table",
      frozenRows([0, 1, 2, 3, 4, 5, 6]),
      /frozen\.jsonl, row 7, column `id`: the key 6 is outside the 6 ids of `frozen_user` \(0 to 5\)/,
    ],
    [
      "a key that is not an id",
      frozenRows([0, 1]).replace('"id":1', '"id":"b"'),
      /frozen\.jsonl, row 2, column `id`: expected an id \(a whole number of at least 0\) as the key, found "b"/,
    ],
  ];
  for (const [what, frozen, message] of bad) {
    it(`stop on ${what}, naming the file, row and column`, async () => {
      const { data } = await open(frozen);
      await expect(data.constants!()).rejects.toThrow(message);
    });
  }

  it("are checked together: an input no file feeds, or one two files feed, is REC2034", () => {
    const check = (text: string) =>
      compile({ path: "m.rec", text })
        .diagnostics.filter((d) => d.severity === "error")
        .map((d) => `${d.code}: ${d.message}`);
    expect(check(KEYED_SPEC.replace('  frozen_user: f32[2] = column("vector")\n', '  edge_weight: f32 = column("w")\n')).sort()).toEqual(
      ["REC2034: the constant input `edge_weight` is fed by two files", "REC2034: the constant input `frozen_user` has no source"].sort(),
    );
  });
});

/** A short stable number for a text (scratch directory names). */
const hashOf = (text: string) => [...text].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 7);

describe("the checker on constant inputs", () => {
  const check = (text: string) =>
    compile({ path: "m.rec", text })
      .diagnostics.filter((d) => d.severity === "error")
      .map((d) => `${d.code}: ${d.message}`);

  it("refuses a constant input with no source when batches come from a file", () => {
    const text = SPEC.replace(/ {4}constants = csv\("graph\.csv", schema = Edges\)\n/, "");
    expect(check(text)).toEqual([
      "REC2034: the constant input `edge_user` has no source",
      "REC2034: the constant input `edge_item` has no source",
      "REC2034: the constant input `edge_weight` has no source",
    ]);
  });

  it("refuses `constants = …` that reads no file, or feeds no constant input", () => {
    expect(check(SPEC.replace('constants = csv("graph.csv", schema = Edges)', "constants = 3"))).toContain("REC2034: `constants = …` reads a data file");
    const noConstant = SPEC.replace(/\] constant\n/g, "]\n");
    expect(check(noConstant).some((m) => m.startsWith("REC2034: model SmallGraph has no constant input"))).toBe(true);
  });

  it("refuses a minimum on an id field", () => {
    const [problem, ...others] = check(SPEC.replace('column("src")', 'column("src", min = 0)'));
    expect(others).toEqual([]);
    expect(problem).toMatch(/^REC2020: `min = …`/);
  });

  it("matches a world's whole fields to constant inputs, and only to them", () => {
    const lightgcn = join(ROOT, "examples/lightgcn/model.rec");
    const result = compileFiles([lightgcn]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const batched = compile({
      path: lightgcn,
      text: readFileSync(lightgcn, "utf8").replace("input edge_weight: f32[edges] constant", "input edge_weight: f32[edges]"),
    });
    expect(batched.diagnostics.map((d) => `${d.code}: ${d.message}`)).toContain(
      "REC2032: the world `interaction_graph` feeds `edge_weight` once, whole (a constant input)",
    );
  });
});

describe("values of the constants alone", () => {
  /** Neighbour tables from a constant edge list (computed once), sampled per batch node. */
  const TABLE_SPEC = `import { neighbor_table, sample_neighbors, Embedding } from "std/nn"

model Tables {
  dims B, E
  param nodes = 5
  input node: id<nodes>[B]
  input src: id<nodes>[E] constant
  input dst: id<nodes>[E] constant
  input weight: f32[E] constant
  let (ids, weights, mask) = neighbor_table(src, dst, weight, nodes, 3)
  let (picked, picked_weights, picked_mask) = sample_neighbors(ids, weights, mask, node, 2)
  let rows = Embedding(nodes, 4)
  encoder h = rows(node) + sum(rows(picked) * (picked_weights * cast(picked_mask, f32))[:, :, None], axis = 1)
  loss l = mean(h * h)
}
`;
  const constants = () =>
    new Map([
      ["src", tf.tensor1d([0, 0, 0, 0, 1, 3], "int32")],
      ["dst", tf.tensor1d([1, 2, 3, 4, 0, 4], "int32")],
      ["weight", tf.tensor1d([0.5, 2, 1, 3, 1, 0.25], "float32")],
    ]);

  it("are marked in the plan and computed once, when the constants are fed, with the values computing them each run gives", async () => {
    await useBackend("cpu");
    const plan = compile({ path: "tables.rec", text: TABLE_SPEC }).plans[0]!;
    const once = plan.steps.filter((s) => s.once);
    expect(once.map((s) => s.op).sort()).toEqual(["ge", "maximum", "take"]);
    expect(once.map((s) => s.loc?.[0])).toEqual([10, 10, 10]); // the neighbour table (ids, weights, mask), nothing after it
    const timed: string[] = [];
    const cached = new Executor(plan, 3);
    cached.bindConstants(constants());
    cached.timer = (step) => void timed.push(`${step.op}@${step.loc?.[0]}`);
    const every = new Executor({ ...plan, steps: plan.steps.map(({ once: _, ...s }) => s) }, 3);
    every.bindConstants(constants());
    const feeds = new Map([["node", tf.tensor1d([0, 3, 2], "int32")]]);
    const a = (await cached.run("encode", feeds).get("h")!.array()) as number[][];
    const b = (await every.run("encode", feeds).get("h")!.array()) as number[][];
    expect(a).toEqual(b);
    // Node 0's two heaviest neighbours are 4 (3.0) and 2 (2.0); node 2 has none.
    const rows = (await cached.params.get("rows.table")!.array()) as number[][];
    a[0]!.forEach((v, d) => expect(v).toBeCloseTo(rows[0]![d]! + 3 * rows[4]![d]! + 2 * rows[2]![d]!, 5));
    a[2]!.forEach((v, d) => expect(v).toBeCloseTo(rows[2]![d]!, 5));
    // The table's comparison and top-k (line 10) ran when the constants came, not in this run.
    expect(timed.filter((t) => t.endsWith("@10"))).toEqual([]);
    expect(timed).toContain("topk@11");
    cached.dispose();
    every.dispose();
  });

  const torch = findTorchPython();
  it.skipIf(typeof torch === "string")(
    `are kept by the torch engine once its session has the constants, with the values ` +
      `computing them each call gives${typeof torch === "string" ? ` (skipped: ${torch})` : ""}`,
    () => {
      const plan = compile({ path: "tables.rec", text: TABLE_SPEC }).plans[0]!;
      const folder = join(scratch, "torch-once");
      rmSync(folder, { recursive: true, force: true });
      const { package: name } = writeTorchPackage(plan, "tables.rec", folder);
      // The neighbour table's steps (line 10) are cached; a session's Model starts with `once = None`.
      const script =
        `
import sys, json, torch
sys.path.insert(0, ${JSON.stringify(folder)})
from ${name}.model ` +
        `import Model
feeds = {"src": torch.tensor([0, 0, 0, 0, 1, 3]), "dst": torch.tensor([1, 2, ` +
        `3, 4, 0, 4]), "weight": torch.tensor([0.5, 2, 1, 3, 1, 0.25]), "node": torch.tensor([0, ` +
        `3, 2])}
cached, every = Model(seed=3), Model(seed=3)
cached.once = {}
first = ` +
        `cached.run("encode", feeds)["h"]
kept = sorted(cached.once)
feeds["node"] = ` +
        `torch.tensor([4, 1, 0])
second = cached.run("encode", ` +
        `feeds)["h"]
print(json.dumps({"kept": len(kept), "same": bool(torch.equal(second, ` +
        `every.run("encode", feeds)["h"])), "none": every.once is None}))
`;
      const run = spawnSync((torch as { python: string }).python, ["-c", script], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout.trim().split("\n").at(-1)!)).toEqual({ kept: plan.steps.filter((s) => s.once).length, same: true, none: true });
    },
  );
});
