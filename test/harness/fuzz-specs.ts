// The spec fuzzer shared by test/property.test.ts and test/repro/spec-fuzz.test.ts: seeded
// mutations of the repository's valid specs (deletions, insertions of grammar pieces, duplicated
// and swapped lines, numbers replaced by hostile values, names swapped), each compiled through
// the whole pipeline. A mutant is accepted (no errors) or rejected (errors with stable codes);
// it crashed when compiling threw, reported REC9001, or gave a diagnostic without a real span.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "../../app/compile.js";
import { xorshift32 } from "../../runtime/src/data/random.js";
import { ROOT, recFilesUnder } from "./repo.js";

export interface SpecFuzzResult {
  readonly tried: number;
  readonly accepted: number;
  readonly rejected: number;
  /** One line per crash: the seed and mutant number that reproduce it, and what went wrong. */
  readonly crashed: string[];
}

const PIECES = [
  "B",
  "L",
  "64",
  "0",
  "-1",
  "1.5",
  "x",
  "[",
  "]",
  "(",
  ")",
  ",",
  "+",
  "*",
  "@",
  "f32",
  "<",
  ">",
  "axis = 0",
  "sum(",
  "Dense(",
  "\n",
  "None",
  ":",
  "...",
  "if",
  "then",
  "else",
  "fn(a) => a",
  "[1, 2]",
  "items",
  "dim",
  "let",
  "model",
  "import",
  "|>",
  "=",
  "range(",
  "for",
  "in",
  "not",
  "id<",
  "{",
  "}",
  "'",
  '"',
  "/*",
  "///",
  "std/",
  "../",
];
const HOSTILE_NUMBERS = ["0", "-1", "1_000_000", "100_000_000", "1e30", "1e-45", "2 ** 62", "99999999999999999999", "0.0", "-0.5", "10_001"];

/** The valid specs mutants start from: every example and every paper module. */
export function fuzzSeeds(): Array<{ path: string; text: string }> {
  return [...recFilesUnder("examples"), ...recFilesUnder("stdlib/papers")].map((path) => ({
    path: join(ROOT, path),
    text: readFileSync(join(ROOT, path), "utf8"),
  }));
}

export function mutate(text: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const mutations = 1 + Math.floor(rand() * 3);
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(rand() * (text.length + 1));
    const kind = rand();
    if (kind < 0.3) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 8));
    else if (kind < 0.55) text = text.slice(0, at) + pick(PIECES) + text.slice(at);
    else if (kind < 0.75) {
      const numbers = [...text.matchAll(/\b\d[\d_]*(\.\d+)?(e-?\d+)?\b/g)];
      if (numbers.length) {
        const n = pick(numbers);
        text = text.slice(0, n.index) + pick(HOSTILE_NUMBERS) + text.slice(n.index + n[0].length);
      }
    } else if (kind < 0.88) {
      const lines = text.split("\n");
      const [i, j] = [Math.floor(rand() * lines.length), Math.floor(rand() * lines.length)];
      if (rand() < 0.5) lines.splice(j, 0, lines[i]!);
      else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      text = lines.join("\n");
    } else {
      const names = [...new Set(text.match(/\b[a-z_][a-z0-9_]*\b/g) ?? [])];
      if (names.length > 1) {
        const [from, to] = [pick(names), pick(names)];
        text = text.replace(new RegExp(`\\b${from}\\b`), to);
      }
    }
  }
  return text;
}

export function fuzzSpecs(count: number, seed: number): SpecFuzzResult {
  const seeds = fuzzSeeds();
  const rand = xorshift32(seed);
  const crashed: string[] = [];
  let [accepted, rejected] = [0, 0];
  for (let i = 0; i < count; i++) {
    const original = seeds[Math.floor(rand() * seeds.length)]!;
    const text = mutate(original.text, rand);
    const where = `seed ${seed}, mutant ${i} of ${original.path.slice(ROOT.length)}`;
    try {
      const result = compile({ path: original.path, text });
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      const broken = result.diagnostics.find(
        (d) => d.code === "REC9001" || !/^REC\d{4}$/.test(d.code) || d.primary.span.start < 0 || d.primary.span.end < d.primary.span.start,
      );
      if (broken) crashed.push(`${where}: ${broken.code} ${broken.message}`);
      else if (errors.length) rejected++;
      else accepted++;
    } catch (error) {
      crashed.push(`${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
  return { tried: count, accepted, rejected, crashed };
}
