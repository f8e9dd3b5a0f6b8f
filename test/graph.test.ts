// `rec graph` (compiler/src/tools/model-graph.ts): every example draws as SVG with a node for
// each input and output; a shared table is one node with an edge to each use; the depth
// collapses nested modules; the two-tower picture's DOT is golden.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { modelGraph } from "../compiler/src/tools/model-graph.js";
import { main } from "../cli/main.js";
import { expectGolden } from "./harness/golden.js";
import { exampleModels, ROOT } from "./harness/repo.js";

async function rec(args: string[]) {
  const out = { stdout: "", stderr: "" };
  const code = await main(args, { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), isTTY: false, cwd: ROOT, env: {} });
  return { code, ...out };
}

describe("rec graph", () => {
  it("draws every example, with every input and output", async () => {
    for (const example of exampleModels()) {
      const path = join("examples", example, "model.rec");
      const result = await rec(["graph", path]);
      expect(result.code, `${example}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
      const model = compileFiles([join(ROOT, path)]).models[0]!;
      for (const input of model.inputs) expect(result.stdout, `${example}: input ${input.name}`).toContain(`<title>input:${input.name}</title>`);
      for (const output of model.outputs)
        expect(result.stdout, `${example}: ${output.role} ${output.name}`).toContain(`<title>${output.role}:${output.name}</title>`);
    }
  });

  it("draws a shared table once, with an edge to each of its uses, and counts its parameters", () => {
    const compiled = compileFiles([join(ROOT, "examples/two_tower/model.rec")]);
    const graph = modelGraph(compiled.models[0]!, compiled.optimized[0]!);
    expect(graph.nodes.filter((n) => n.id === "block:item_table")).toEqual([{ id: "block:item_table", kind: "block", label: "item_table\n160,000 params" }]);
    expect(
      graph.edges
        .filter((e) => e.from === "block:item_table")
        .map((e) => e.to)
        .sort(),
    ).toEqual(["block:item.mlp", "block:user.mlp"]);
    expect(graph.edges).toContainEqual({ from: "input:history_mask", to: "block:user.mlp", label: "bool[B, L]" });
  });

  it("collapses nested modules by depth", () => {
    const compiled = compileFiles([join(ROOT, "examples/sasrec/model.rec")]);
    const blocks = (depth: number) => modelGraph(compiled.models[0]!, compiled.optimized[0]!, { depth }).nodes.filter((n) => n.kind === "block").length;
    expect(blocks(1)).toBeLessThan(blocks(2));
    expect(blocks(2)).toBeLessThan(blocks(4));
  });

  it("writes the two-tower picture's DOT (golden)", async () => {
    const result = await rec(["graph", "--format", "dot", "examples/two_tower/model.rec"]);
    expect(result.code).toBe(0);
    expectGolden(join(ROOT, "test/corpus/graph/two_tower.dot"), result.stdout);
  });
});
