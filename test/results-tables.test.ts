// Every paper example's README tables are generated from its committed results.json (`rec tables`),
// so a table cannot drift from its run: regenerating changes nothing. The record says how it was
// made (command, commit, at least 3 seeds, every arm's value per seed), and a difference is called
// a gain only beyond the seeds' spread.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExperimentRecord } from "../app/experiment.js";
import { countTables, describeChange, regenerateTables, tableSources } from "../app/results-tables.js";
import { ROOT } from "./harness/repo.js";

const examples = readdirSync(join(ROOT, "examples"))
  .filter((name) => existsSync(join(ROOT, "examples", name, "results.json")))
  .sort();

describe("results tables", () => {
  it("covers the paper reproductions", () => {
    expect(examples).toEqual(expect.arrayContaining(["pinrec", "prefixmem", "unipinrec"]));
  });

  for (const name of examples) {
    it(`examples/${name}/README.md matches its results files`, () => {
      const readme = readFileSync(join(ROOT, "examples", name, "README.md"), "utf8");
      // A block reads the results.json beside the README, or the file its `"from"` names (a second world's run).
      const read = (from: string | undefined) => JSON.parse(readFileSync(join(ROOT, "examples", name, from ?? "results.json"), "utf8")) as ExperimentRecord;
      expect(countTables(readme), "the README has generated tables").toBeGreaterThan(0);
      expect(regenerateTables(readme, read), `run \`npx rec tables examples/${name}/README.md\``).toBe(readme);
      for (const from of new Set([undefined, ...tableSources(readme)])) {
        const record = read(from);
        expect(record.command, from).toMatch(/^rec compare /);
        expect(record.commit?.id, from).toMatch(/^[0-9a-f]{40}$/);
        expect(record.seeds.length, from).toBeGreaterThanOrEqual(3);
        for (const row of record.rows)
          for (const [arm, cell] of Object.entries(row.byModel)) expect(cell.values.length, `${from} ${row.metric} ${arm}`).toBe(record.seeds.length);
      }
    });
  }

  it("docs/results.md matches the results.json files its tables name, every paper's", () => {
    const page = readFileSync(join(ROOT, "docs/results.md"), "utf8");
    const sources = tableSources(page);
    expect([...new Set(sources.filter((s) => s !== undefined).map((s) => s!.split("/")[2]))].sort()).toEqual(examples);
    const regenerated = regenerateTables(page, (from) => JSON.parse(readFileSync(join(ROOT, "docs", from!), "utf8")) as ExperimentRecord);
    expect(regenerated, "run `bin/rec.js tables docs/results.md`").toBe(page);
  });

  it("calls a difference a gain only when every seed agrees and the paired mean is beyond twice its standard error", () => {
    const cell = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)), values };
    };
    // Every seed up by about 0.1: a gain, however much the seeds' worlds differ from each other.
    expect(describeChange(cell([0.9, 0.6, 0.8]), cell([0.8, 0.5, 0.7]))).toBe("**+15.0%**");
    expect(describeChange(cell([0.7, 0.5, 0.7]), cell([0.8, 0.6, 0.79]))).toBe("**−13.2%**");
    // Up on two seeds, down on one: parity, whatever the means say.
    expect(describeChange(cell([0.9, 0.6, 0.6]), cell([0.8, 0.5, 0.7]))).toBe("parity (+5.0%)");
    // Every seed up, but the mean difference within twice its standard error: parity.
    expect(describeChange(cell([0.81, 0.502, 0.76]), cell([0.8, 0.5, 0.7]))).toBe("parity (+3.6%)");
    // With a unit, the difference of the means in it beside the percentage.
    expect(describeChange(cell([1.5, 1.4, 1.6]), cell([1.1, 1.2, 1.15]), "clusters")).toBe("**+0.35 clusters, +30.4%**");
    expect(describeChange(cell([0.9, 0.6, 0.6]), cell([0.8, 0.5, 0.7]), "items")).toBe("parity (+0.03 items, +5.0%)");
  });
});
