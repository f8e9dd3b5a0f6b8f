// The reference interpreter: hand-computed results for its kernels, and the property that no
// pass changes what a graph computes — on random small graphs (fast-check) and on the
// examples with random feeds.

import fc from "fast-check";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFiles } from "../app/compile.js";
import { GraphBuilder } from "../compiler/src/ir/builder.js";
import { interpret, type Tensor } from "../compiler/src/ir/interpret.js";
import type { Attr, IrModel, IrOutput } from "../compiler/src/ir/ir.js";
import { parseModels } from "../compiler/src/ir/parser.js";
import { verify } from "../compiler/src/ir/verify.js";
import { runPasses } from "../compiler/src/passes/pass.js";
import { STANDARD_PIPELINE } from "../compiler/src/passes/pipeline.js";
import { constDim, evaluateDim, symDim } from "../compiler/src/types/dims.js";
import type { TensorType } from "../compiler/src/types/tensor-type.js";
import { ROOT } from "./harness/repo.js";

const t = (shape: number[], values: number[]): Tensor => ({ shape, data: Float64Array.from(values) });

function outputsOf(model: IrModel, sizes: Record<string, number>, feeds: Map<string, Tensor>): Record<string, number[]> {
  const values = interpret(model, sizes, feeds);
  return Object.fromEntries(model.outputs.map((o) => [o.name, [...values.get(o.node)!.data]]));
}

describe("interpreter kernels", () => {
  it("computes matmul, softmax, indexing, concat, transpose and reductions as by hand", () => {
    const [model] = parseModels(`model M [B] {
  %0 = input {name = "x"} : f32[B, 2]
  %1 = param {name = "w", init = "zeros()", group = "dense"} : f32[2, 3]
  %2 = matmul(%0, %1) : f32[B, 3]
  %3 = softmax(%2) {axis = -1} : f32[B, 3]
  %4 = index(%2) {spec = ":, 1:"} : f32[B, 2]
  %5 = concat(%0, %4) {axis = -1} : f32[B, 4]
  %6 = transpose(%0) {perm = None} : f32[2, B]
  %7 = sum(%2) {axis = 0, keepdims = false} : f32[3]
  %8 = logsumexp(%0) {axis = -1, keepdims = false} : f32[B]
  head mm = %2
  head sm = %3
  head ix = %4
  head cat = %5
  head tr = %6
  head red = %7
  head lse = %8
}`);
    const out = outputsOf(
      model!,
      { B: 2 },
      new Map([
        ["x", t([2, 2], [1, 2, 3, 4])],
        ["w", t([2, 3], [1, 0, 1, 0, 1, 1])],
      ]),
    );
    expect(out["mm"]).toEqual([1, 2, 3, 3, 4, 7]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    expect(out["sm"]!.slice(0, 3).map((v) => v.toFixed(12))).toEqual(e.map((v) => (v / (e[0]! + e[1]! + e[2]!)).toFixed(12)));
    expect(out["ix"]).toEqual([2, 3, 4, 7]);
    expect(out["cat"]).toEqual([1, 2, 2, 3, 3, 4, 4, 7]);
    expect(out["tr"]).toEqual([1, 3, 2, 4]);
    expect(out["red"]).toEqual([4, 6, 10]);
    expect(out["lse"]![0]).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2)), 12);
  });
});

/** A random graph over x: f32[B, 4] and w: f32[4, 4] built from a list of choices. */
function randomGraph(choices: number[]): IrModel {
  const b = new GraphBuilder();
  const B = symDim("B");
  const f = (shape: TensorType["shape"]): TensorType => ({ dtype: "f32", shape });
  const attrs = (entries: [string, Attr][] = []) => new Map(entries);
  const vec = f([B, constDim(4)]);
  const x = b.add("input", [], attrs([["name", { kind: "string", value: "x" }]]), vec);
  const w = b.add(
    "param",
    [],
    attrs([
      ["name", { kind: "string", value: "w" }],
      ["group", { kind: "string", value: "dense" }],
    ]),
    f([constDim(4), constDim(4)]),
  );
  const zero = b.add("const", [], attrs([["value", { kind: "float", value: 0 }]]), f([]));
  const one = b.add("const", [], attrs([["value", { kind: "float", value: 1 }]]), f([]));
  const two = b.add("const", [], attrs([["value", { kind: "float", value: 2 }]]), f([]));
  const three = b.add("const", [], attrs([["value", { kind: "float", value: 3 }]]), f([]));
  const pool = [x];
  const pick = (c: number) => pool[c % pool.length]!;
  for (const c of choices) {
    const a = pick(c);
    const other = pick(c >> 3);
    switch (c % 12) {
      case 0:
        pool.push(b.add("add", [a, other], attrs(), vec));
        break;
      case 1:
        pool.push(b.add("mul", [a, one], attrs(), vec));
        break;
      case 2:
        pool.push(b.add("add", [a, zero], attrs(), vec));
        break;
      case 3:
        pool.push(b.add("matmul", [a, w], attrs(), vec));
        break;
      case 4:
        pool.push(b.add("tanh", [a], attrs(), vec));
        break;
      case 5:
        pool.push(b.add("neg", [b.add("neg", [a], attrs(), vec)], attrs(), vec));
        break;
      case 6: {
        const swapped = b.add("transpose", [a], attrs([["perm", { kind: "none" }]]), f([constDim(4), B]));
        pool.push(b.add("transpose", [swapped], attrs([["perm", { kind: "none" }]]), vec));
        break;
      }
      case 7: {
        const flat = b.add(
          "reshape",
          [a],
          attrs([["shape", { kind: "list", items: [{ kind: "int", dim: constDim(-1) }] }]]),
          f([{ terms: new Map([["B", 4]]) }]),
        );
        pool.push(
          b.add(
            "reshape",
            [flat],
            attrs([
              [
                "shape",
                {
                  kind: "list",
                  items: [
                    { kind: "int", dim: B },
                    { kind: "int", dim: constDim(4) },
                  ],
                },
              ],
            ]),
            vec,
          ),
        );
        break;
      }
      case 8:
        pool.push(b.add("mul", [a, b.add("mul", [two, three], attrs(), f([]))], attrs(), vec));
        break;
      case 9:
        pool.push(b.add("identity", [a], attrs(), vec));
        break;
      case 10:
        pool.push(b.add("softmax", [a], attrs([["axis", { kind: "int", dim: constDim(-1) }]]), vec));
        break;
      default:
        pool.push(b.add("sub", [a, other], attrs(), vec));
        break;
    }
  }
  const outputs: IrOutput[] = [
    { role: "head", name: "last", node: pool[pool.length - 1]! },
    { role: "head", name: "mid", node: pool[Math.floor(pool.length / 2)]! },
  ];
  return b.build("Random", ["B"], outputs);
}

describe("passes preserve results", () => {
  const feeds = new Map([
    [
      "x",
      t(
        [3, 4],
        Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)),
      ),
    ],
    [
      "w",
      t(
        [4, 4],
        Array.from({ length: 16 }, (_, i) => Math.cos(i) / 2),
      ),
    ],
  ]);
  it("on random small graphs, for every pass and the whole pipeline", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 4095 }), { minLength: 1, maxLength: 24 }), (choices) => {
        const model = randomGraph(choices);
        expect(verify(model)).toEqual([]);
        const before = outputsOf(model, { B: 3 }, feeds);
        for (const passes of [...STANDARD_PIPELINE.map((p) => [p]), STANDARD_PIPELINE]) {
          const after = outputsOf(runPasses(model, passes, { verify: true }).model, { B: 3 }, feeds);
          for (const name of Object.keys(before)) {
            after[name]!.forEach((v, i) => expect(v).toBeCloseTo(before[name]![i]!, 10));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("on the two-tower example with random feeds", () => {
    const [model] = checkFiles([join(ROOT, "examples/two_tower/model.rec")]).models;
    const graph = model!.graph;
    const sizes = { B: 4, L: 3 };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
    const feedsFor = new Map<string, Tensor>();
    for (const node of graph.nodes) {
      if (node.op !== "input" && node.op !== "param") continue;
      const shape = node.type.shape.map((d) => evaluateDim(d, (s) => sizes[s as "B"])!);
      const n = shape.reduce((a, c) => a * c, 1);
      const ids = node.type.dtype === "id" ? evaluateDim(node.type.space!.size, (s) => sizes[s as "B"])! : 0;
      const data = Array.from({ length: n }, (_, i) => (node.type.dtype === "id" ? (i * 7919) % ids : node.type.dtype === "bool" ? +(i % 3 !== 0) : random()));
      feedsFor.set((node.attrs.get("name") as { value: string }).value, t(shape, data));
    }
    const before = outputsOf(graph, sizes, feedsFor);
    const after = outputsOf(runPasses(graph, STANDARD_PIPELINE, { verify: true }).model, sizes, feedsFor);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const name of Object.keys(before)) after[name]!.forEach((v, i) => expect(v).toBeCloseTo(before[name]![i]!, 10));
    expect(before["retrieval"]![0]).toBeGreaterThan(0);
  });
});

describe("interpreter coverage", () => {
  it("ranks ties in ROC AUC by their average rank", () => {
    const [model] = parseModels(`model M [B] {
  %0 = input {name = "p"} : f32[B]
  %1 = input {name = "y"} : f32[B]
  %2 = roc_auc(%0, %1) : f32[]
  metric auc = %2
}`);
    // Scores 0.1, 0.4, 0.4, 0.8 with labels 0, 0, 1, 1: the tie between a negative and a
    // positive counts one half, so AUC = (1 + 1 + 0.5 + 1) / 4 = 0.875.
    const out = outputsOf(
      model!,
      { B: 4 },
      new Map([
        ["p", t([4], [0.1, 0.4, 0.4, 0.8])],
        ["y", t([4], [0, 0, 1, 1])],
      ]),
    );
    expect(out["auc"]).toEqual([0.875]);
  });
});
