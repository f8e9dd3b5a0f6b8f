// The hostile corpus: each file in test/hostile/ is an input that once crashed a tool, hung it,
// or gave a wrong answer. Its header says how to run it (`// run: check {file} --set …`, run in
// test/hostile/, `{out}` a fresh run folder; `check {file}` when absent) and a text the output
// must contain (`// expect: REC2022`). Every case must end with exit 1 or 2 (or the one an
// `// exit: N` line names, where the right answer is to succeed), print that text,
// and show no stack trace and no "internal error".

import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { ROOT } from "./harness/repo.js";

const HOSTILE = join(ROOT, "test", "hostile");
const scratch = mkdtempSync(join(tmpdir(), "rec-hostile-"));

/** Splits a `// run:` line into arguments; double quotes group words. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

function header(text: string, key: string): string | undefined {
  return text.match(new RegExp(`^// ${key}: (.*)$`, "m"))?.[1]?.trim();
}

describe("hostile inputs end in a diagnostic, never a crash", () => {
  const cases = readdirSync(HOSTILE)
    .filter((f) => f.endsWith(".rec"))
    .sort();
  it("the corpus holds its cases", () => expect(cases.length).toBeGreaterThanOrEqual(25));
  for (const name of cases) {
    const text = readFileSync(join(HOSTILE, name), "latin1");
    const expected = header(text, "expect");
    it(`${name}: ${header(text, "hostile") ?? "(no description)"}`, async () => {
      expect(expected, `${name} needs an \`// expect:\` line`).toBeDefined();
      const out = join(scratch, name.replace(/\.rec$/, ""));
      const argv = words(header(text, "run") ?? "check {file}").map((w) => w.replace("{file}", name).replace("{out}", out));
      let output = "";
      const code = await main(argv, { stdout: (t) => (output += t), stderr: (t) => (output += t), isTTY: false, cwd: HOSTILE, env: {} });
      const exits = header(text, "exit") ? [Number(header(text, "exit"))] : [1, 2];
      expect(exits, `exit ${code}:\n${output.slice(0, 2000)}`).toContain(code);
      expect(output).toContain(expected!);
      expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(output).not.toContain("internal error");
    });
  }
});
