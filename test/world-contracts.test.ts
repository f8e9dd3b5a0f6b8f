// World records (runtime/src/data/world.ts; the list: app/worlds.ts): every synthetic world's
// generators return exactly the fields its contract declares — names, dtypes, per-example
// shapes, ids inside the declared range — as engine-neutral columns, so the checker's verdict
// (REC2032) is the world's truth; `rec data worlds` lists them. And the house rules for worlds:
// no runtime file names a paper's world, the runtime imports no paper code, and the compiler
// checks only against the contracts it is given.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { WORLD_RECORDS } from "../app/worlds.js";
import { checkSource as checkWithWorlds } from "../app/compile.js";
import { checkSource } from "../compiler/src/driver.js";
import { resolveWorldSize } from "../compiler/src/semantics/world-check.js";
import type { Value } from "../compiler/src/semantics/values.js";
import { constDim } from "../compiler/src/types/dims.js";
import { parseConfig } from "../runtime/src/config.js";
import type { Column } from "../runtime/src/data/columns.js";
import { worldArgs } from "../runtime/src/data/world-args.js";
import { worldFields, worldParts, type WorldRecord } from "../runtime/src/data/world.js";
import type { Plan } from "../runtime/src/plan.js";
import { ROOT } from "./harness/repo.js";

/** A plan with no inputs: the worlds fall back to their own defaults. */
const EMPTY = { version: 1, model: "Contract", dims: [], params: [], inputs: [], steps: [], entries: {}, freeAfter: {}, train: [] } as unknown as Plan;

/** Small finite worlds, so the test builds them quickly. */
const SMALL: Record<string, string> = { train_examples: "64", test_examples: "16" };

/** Each world's columns for one part: a batch of 8 (and its whole fields), or 3 new sessions. */
function generate(world: WorldRecord, part: string | undefined): { columns: Map<string, Column>; rows: Map<string, number>; whole: Set<string> } {
  const given = world.kind === "finite" ? { ...SMALL, ...(part ? { part: `"${part}"` } : {}) } : {};
  const config = parseConfig(
    `synthetic(world = "${world.name}"${Object.entries(given)
      .map(([k, v]) => `, ${k} = ${v}`)
      .join("")})`,
  );
  const args = worldArgs(world, config, EMPTY, 1);
  const columns = new Map<string, Column>();
  const rows = new Map<string, number>();
  const whole = new Set<string>();
  const add = (examples: { count: number; columns: ReadonlyMap<string, Column> }) =>
    examples.columns.forEach((c, name) => (columns.set(name, c), rows.set(name, c.data.length / c.shape.reduce((a, b) => a * b, 1))));
  if (world.kind === "interactive") add(world.open(args).start(3, () => 0.3));
  else if (world.kind === "finite") add(world.build(args).train);
  else {
    add(world.stream(args, 7, "train").next(8));
    for (const [name, c] of world.constants?.(args) ?? []) {
      expect(columns.has(name), `${name} is fed once, not with each batch`).toBe(false);
      columns.set(name, c);
      whole.add(name);
    }
  }
  return { columns, rows, whole };
}

describe("world records", () => {
  for (const world of WORLD_RECORDS) {
    for (const part of worldParts(world).length ? worldParts(world) : [undefined]) {
      it(`${world.name}${part ? ` (part ${part})` : ""} generates what it declares`, () => {
        const fields = worldFields(world, part)!;
        const { columns, rows, whole } = generate(world, part);
        const given = new Map<string, Value>(
          Object.entries(world.kind === "finite" ? SMALL : {}).map(([k, v]) => [k, { kind: "int", dim: constDim(Number(v)) }]),
        );
        if (part) given.set("part", { kind: "string", value: part } as Value);
        const declared = fields.map((f) => (f.name.startsWith("arg:") ? String(world.args.find((a) => a.name === f.name.slice(4))!.default) : f.name));
        expect([...columns.keys()].sort()).toEqual([...declared].sort());
        fields.forEach((field, i) => {
          const column = columns.get(declared[i]!)!;
          expect(column.dtype, field.name).toBe(field.dtype === "f32" ? "float32" : field.dtype === "id" ? "int32" : "bool");
          expect(whole.has(declared[i]!), `${field.name} is whole exactly when its contract says so`).toBe(Boolean(field.whole));
          if (!field.whole) expect(rows.get(declared[i]!), `${field.name} has a whole number of rows`).toSatisfy(Number.isInteger);
          const sizes = field.shape.map((d) => resolveWorldSize(d, world, given));
          expect(column.shape.length, field.name).toBe(sizes.length);
          sizes.forEach((size, axis) => {
            if (size !== undefined) expect(column.shape[axis], `${field.name} axis ${axis}`).toBe(size);
          });
          const range = field.ids === undefined ? undefined : resolveWorldSize(field.ids, world, given);
          const values = Array.from(column.data);
          if (field.dtype === "id" && values.length) expect(Math.min(...values), field.name).toBeGreaterThanOrEqual(0);
          if (range !== undefined && values.length) expect(Math.max(...values), field.name).toBeLessThan(range);
        });
      });
    }
  }

  it("have unique names, and every argument a generator reads is declared (reading an undeclared one throws)", () => {
    expect(new Set(WORLD_RECORDS.map((w) => w.name)).size).toBe(WORLD_RECORDS.length);
    const args = worldArgs(WORLD_RECORDS[0]!, parseConfig('synthetic(world = "latent_factor")'), EMPTY, 0);
    expect(() => args.number("no_such_argument")).toThrow(/does not declare/);
  });

  it("are listed by `rec data worlds`, every world with its fields", async () => {
    let stdout = "";
    const code = await main(["data", "worlds"], { stdout: (t) => (stdout += t), stderr: () => {}, isTTY: false, cwd: ".", env: {} });
    expect(code).toBe(0);
    for (const world of WORLD_RECORDS) expect(stdout).toContain(`${world.name} (${world.kind})`);
    expect(stdout).toMatch(/segment +id<4>\[B\] +the request's segment/);
    expect(stdout).toContain("users = the `user_id` input's id space (else 1000)");
  });

  it("reach the compiler only as its `worlds` option: without them a synthetic setting goes unchecked", () => {
    const spec = 'model M {\n  input user_id: id<10>[B]\n  head s = cast(user_id, f32)\n  loss l = mean(s)\n  train { data = synthetic("no_such_world") }\n}\n';
    expect(checkWithWorlds("m.rec", spec).diagnostics.map((d) => d.code)).toContain("REC2032");
    expect(checkSource("m.rec", spec).diagnostics.map((d) => d.code)).not.toContain("REC2032");
  });
});

describe("paper worlds live with their papers", () => {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
    );
  const paperWorlds = WORLD_RECORDS.filter((w) => !["latent_factor", "logged_bandit", "interaction_graph"].includes(w.name)).map((w) => w.name);

  it("no runtime file names a paper's world", () => {
    const naming = walk("runtime/src").flatMap((file) => {
      const text = readFileSync(join(ROOT, file), "utf8");
      return paperWorlds.filter((name) => new RegExp(`\\b${name}\\b`).test(text)).map((name) => `${file} names ${name}`);
    });
    expect(naming).toEqual([]);
  });

  it("the runtime and the compiler import no paper code (examples/)", () => {
    const importing = [...walk("runtime/src"), ...walk("compiler/src")].filter((file) =>
      /from "(\.\.\/)+examples\//.test(readFileSync(join(ROOT, file), "utf8")),
    );
    expect(importing).toEqual([]);
  });

  it("every paper world's record is in its paper's folder", () => {
    const files = walk("examples").filter((f) => f.endsWith("world.ts"));
    const declaring = paperWorlds.filter((name) => !files.some((f) => new RegExp(`name: "${name}"`).test(readFileSync(join(ROOT, f), "utf8"))));
    expect(declaring).toEqual([]);
  });
});
