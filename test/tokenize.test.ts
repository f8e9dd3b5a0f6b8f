// Tokenisers for text columns (runtime/src/data/tokenize.ts, `column("title", tokens = …)`):
// the three tokenisers on hand-written cases; a CSV of titles read through a schema with all
// three, each field getting its own vocabulary from the training split (capped at its id space,
// id 0 for the rest), its first tokens kept and padded, and a mask; bad options refused.

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { openData } from "../app/data.js";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { FileDataSet } from "../runtime/src/data/file-data.js";
import { tokensOf } from "../runtime/src/data/tokenize.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { rec } from "./harness/rec-cli.js";
import { ROOT } from "./harness/repo.js";
import { TITLES_SPEC as SPEC } from "./harness/surface-specs.js";

describe("tokenisers", () => {
  it("split text into lower-cased words, adjacent pairs of words, and marked character trigrams", () => {
    expect(tokensOf("Red Shoes, red!", "unigram")).toEqual(["red", "shoes", "red"]);
    expect(tokensOf("Red Shoes, red!", "bigram")).toEqual(["red shoes", "shoes red"]);
    expect(tokensOf("Red to", "trigram")).toEqual(["#re", "red", "ed#", "#to", "to#"]);
    expect(tokensOf("Café 北京 2024", "unigram")).toEqual(["café", "北京", "2024"]);
    expect(tokensOf("one", "bigram")).toEqual([]);
    expect(tokensOf(42, "unigram")).toBeUndefined();
  });
});

describe("text columns through a schema", () => {
  const dir = join(ROOT, ".tmp", "tokenize-test");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.rec"), SPEC);
  // Red is the most frequent word, then shoe; "boots" is rarer than the cap allows.
  const titles = ["red shoe", "Red shoe sale", "red red shoe", "blue shoe", "red boots", "green hat", "red shoe shop now today", "shoe"];
  writeFileSync(join(dir, "titles.csv"), `title,clicked\n${titles.map((t, i) => `"${t}",${i % 2}`).join("\n")}\n`);

  it("builds each tokeniser's vocabulary from the training split, keeps the first tokens and pads them, with a mask", async () => {
    await useBackend("cpu");
    const result = compileFiles([join(dir, "model.rec")]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const plan = result.plans[0]!;
    const data = await openData(plan, plan.train[0]!.settings["data"] as string, { seed: 0, baseDir: dir });
    expect(data).toBeInstanceOf(FileDataSet);
    const words = (data as FileDataSet).vocabularies.get("words")!;
    // 3 ids besides 0: the most frequent training words, ties by first appearance.
    expect(words.values).toHaveLength(3);
    expect(words.values.slice(0, 2)).toEqual(["red", "shoe"]);
    expect((await (data as FileDataSet).finite()).count).toBeGreaterThan(0);
    const pass = data.heldOut("valid");
    const first = (await pass.next(8))!;
    const rows = (await feedsOf(first).get("words")!.array()) as number[][];
    const masks = (await feedsOf(first).get("words_mask")!.array()) as number[][];
    rows.forEach((row, r) => {
      const kept = masks[r]!.filter(Boolean).length;
      expect(
        row.slice(kept).every((id) => id === 0),
        "padding is 0",
      ).toBe(true);
      expect(kept).toBeLessThanOrEqual(4);
    });
    tf.dispose([...feedsOf(first).values()]);
  });

  it("maps a title's tokens to its vocabulary's ids in order, the first four kept, unknown ones to 0", async () => {
    const plan = compileFiles([join(dir, "model.rec")]).plans[0]!;
    const data = (await openData(plan, plan.train[0]!.settings["data"] as string, { seed: 0, baseDir: dir })) as FileDataSet;
    const words = data.vocabularies.get("words")!;
    const examples = await data.finite();
    const ids = examples.columns.get("words")!.data;
    const mask = examples.columns.get("words_mask")!.data;
    // Every training row's ids are its first ≤ 4 words through the vocabulary.
    expect(ids.length).toBe(examples.count * 4);
    const longest = titles.find((t) => t.startsWith("red shoe shop"))!;
    const expected = tokensOf(longest, "unigram")!
      .slice(0, 4)
      .map((w) => words.idOf(w));
    const found = Array.from({ length: examples.count }, (_, r) => Array.from(ids.subarray(r * 4, r * 4 + 4))).some(
      (row, r) => row.join() === expected.join() && mask[r * 4 + 3] === 1,
    );
    expect(found).toBe(true);
  });

  it("are measured by the data contract in tokens: vocabulary coverage and lengths against the declared one", async () => {
    const run = await rec(["check", join(dir, "model.rec"), "--data", join(dir, "titles.csv")], dir);
    // 8 titles: "red shoe" holds 7 character trigrams; 7 of the 8 titles hold more than 6.
    expect(run.stdout).toMatch(
      /grams +title +0 +vocabulary \d+ of \d+ distinct training values.*length p50 8, p95 19, max 19 \(declared 6; 87\.5% truncated\)/,
    );
    expect(run.stdout).toMatch(/words +title +0 +vocabulary 3 of 9 distinct training values/);
  });

  it("refuses a tokeniser it does not know, or one on a field that is not a list of ids", () => {
    const errors = (text: string) =>
      compile({ path: join(dir, "model.rec"), text })
        .diagnostics.filter((d) => d.severity === "error")
        .map((d) => `${d.code}: ${d.message}`);
    expect(errors(SPEC.replace('tokens = "unigram"', 'tokens = "fourgram"'))[0]).toMatch(/^REC2020: `tokens = "fourgram"`/);
    expect(errors(SPEC.replace('label: f32 = column("clicked")', 'label: f32 = column("clicked", tokens = "unigram")'))[0]).toMatch(
      /^REC2020: `tokens = "unigram"`/,
    );
  });
});
