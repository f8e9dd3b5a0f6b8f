// The formatter's property test, shared by test/format.test.ts (a sample) and
// test/repro/format-fuzz.test.ts (10,000): seeded mutants of the repository's specs with line
// and block comments inserted after random tokens, formatted at several widths. Each result is
// checked here, independently of the formatter's own proof (compiler/src/format/meaning.ts):
// the output parses to the same tree, has the same comments in order, each comment after the
// same stretch of code (counted in characters of code, commas, parentheses and white space
// aside), and formats to itself. A refusal must name a place; refusals are counted.

import { SourceFile } from "../../compiler/src/source/source-file.js";
import { stripSpans } from "../../compiler/src/syntax/ast-dump.js";
import { lex } from "../../compiler/src/syntax/lexer.js";
import { parseSource } from "../../compiler/src/syntax/parse-source.js";
import { formatRec } from "../../compiler/src/format/format.js";
import { xorshift32 } from "../../runtime/src/data/random.js";
import { fuzzSeeds, mutate } from "./fuzz-specs.js";

export interface FormatFuzzResult {
  /** Mutants that parsed and were given to the formatter. */
  readonly formatted: number;
  /** Refused with a place (left untouched): allowed, counted. */
  readonly refused: number;
  /** One line a broken promise: unparseable output, changed meaning, a lost or moved comment, not idempotent, a refusal with no place. */
  readonly failures: string[];
}

const WIDTHS = [40, 60, 80, 100];

interface Shape {
  readonly errors: number;
  readonly tree: string;
  readonly comments: readonly string[];
  /** For each comment, how many characters of code stand before it. */
  readonly places: readonly number[];
}

function shapeOf(text: string): Shape {
  const source = new SourceFile("fuzz.rec", text);
  const parsed = parseSource(source);
  const code = lex(source).tokens.filter((t) => ![",", "(", ")"].includes(t.image));
  const places = parsed.comments.map((c) =>
    code
      .filter((t) => t.startOffset < c.startOffset)
      .reduce((n, t) => n + (t.image.startsWith("'") || t.image.startsWith('"') ? t.image.length - 2 : t.image.length), 0),
  );
  return {
    errors: parsed.diagnostics.filter((d) => d.severity === "error").length,
    tree: JSON.stringify(stripSpans(parsed.ast)),
    comments: parsed.comments.map((c) => c.image.trimEnd().replace(/^\/\/\/(?=[^ /])/, "/// ")),
    places,
  };
}

/** A mutant with `count` comments after random tokens. */
function withComments(text: string, count: number, random: () => number, tag: string): string {
  const tokens = lex(new SourceFile("fuzz.rec", text)).tokens;
  const ends = [...new Set(Array.from({ length: count }, () => tokens[Math.floor(random() * tokens.length)]?.endOffset))]
    .filter((e): e is number => e !== undefined)
    .sort((a, b) => b - a);
  let out = text;
  for (const [k, end] of ends.entries()) {
    const comment = random() < 0.6 ? ` // ${tag}.${k}\n` : ` /* ${tag}.${k} */ `;
    out = out.slice(0, end + 1) + comment + out.slice(end + 1);
  }
  return out;
}

export async function fuzzFormat(count: number, seed: number): Promise<FormatFuzzResult> {
  const seeds = fuzzSeeds();
  const random = xorshift32(seed);
  const failures: string[] = [];
  let [formatted, refused] = [0, 0];
  for (let i = 0; i < count; i++) {
    const spec = seeds[i % seeds.length]!;
    const base = random() < 0.5 ? mutate(spec.text, random) : spec.text;
    const text = withComments(base, 1 + Math.floor(random() * 4), random, `c${i}`);
    const before = shapeOf(text);
    if (before.errors) continue;
    formatted++;
    const width = WIDTHS[i % WIDTHS.length]!;
    const where = `${spec.path} mutant ${i} (seed ${seed}, width ${width})`;
    const result = await formatRec(text, spec.path, { printWidth: width });
    if (!result.ok) {
      refused++;
      if (result.offset === undefined && !/does not parse|nested too deeply/.test(result.reason))
        failures.push(`${where}: refused without a place: ${result.reason}`);
      continue;
    }
    const after = shapeOf(result.text);
    if (after.errors) failures.push(`${where}: the output does not parse`);
    else if (after.tree !== before.tree) failures.push(`${where}: the tree changed`);
    else if (after.comments.join("\n") !== before.comments.join("\n")) failures.push(`${where}: a comment was lost or changed`);
    else if (after.places.join() !== before.places.join()) failures.push(`${where}: a comment moved`);
    else {
      const again = await formatRec(result.text, spec.path, { printWidth: width });
      if (!again.ok || again.text !== result.text) failures.push(`${where}: not idempotent`);
    }
  }
  return { formatted, refused, failures };
}
