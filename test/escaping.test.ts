// No user string becomes code (runtime/src/literals.ts). In: a spec in a folder whose name holds
// newlines, quotes, triple quotes, backslashes, U+2028/U+2029, non-ASCII and a Python payload.
// Out, asserted: every file the generators write from it — the torch package and train.py of
// `rec export` (the torch engine's package comes from the same writer), the ONNX export (its
// Python runs), the TypeScript of `rec codegen ts`, the report's HTML, the DOT of `rec graph` — parses, and has
// the same syntax tree (string values aside) as the same file generated from a plain folder name;
// running them writes no file the payload names. The literal functions are checked against
// Python's and JavaScript's own readers on random strings.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { commentText, htmlText, pythonString, tsString } from "../runtime/src/literals.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { rec } from "./harness/rec-cli.js";
import { ROOT } from "./harness/repo.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const python = typeof torch === "string" ? "python3" : torch.python;
const scratch = join(ROOT, ".tmp", "escaping");
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });

/** A folder name no generator may paste raw: each line of it would be code if it were. */
const NASTY = [
  'a"""b\'c\\',
  'open("PWNED-py", "w")',
  "*/ require('fs').writeFileSync('PWNED-ts', '') /*",
  "<script>PWNED_html()</script>\u2028x\u2029y é€ \u{1f600}\r\\x",
].join("\n");

/** Runs Python on a script with arguments; returns stdout (throws with stderr on failure). */
function runPython(script: string, args: string[]): string {
  const run = spawnSync(python, ["-c", script, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

/** Every file under a folder with one of the extensions, relative to it. */
function filesUnder(folder: string, extensions: readonly string[]): string[] {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : [join(dir, e)]));
  return walk(folder).filter((f) => extensions.some((x) => f.endsWith(x)));
}

/** The shape of Python files: `ast.dump` with every string constant emptied (one line a file, or the SyntaxError). */
const PY_SHAPE = `
import ast, sys
for path in sys.argv[1:]:
    try:
        tree = ast.parse(open(path, encoding="utf-8").read())
    except SyntaxError as error:
        print("SyntaxError", error.msg); continue
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str): node.value = ""
    print(ast.dump(tree))
`;

/** The shape of a TypeScript file: its syntax kinds in order, literals' text left out; syntax errors listed. */
function tsShape(text: string): string {
  const file = ts.createSourceFile("m.ts", text, ts.ScriptTarget.ES2022, true);
  const errors = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  const kinds: string[] = [];
  const visit = (node: ts.Node) => {
    kinds.push(ts.SyntaxKind[node.kind]);
    node.forEachChild(visit);
  };
  visit(file);
  return [...errors, kinds.join(" ")].join("\n");
}

describe("the literal functions", () => {
  const strings = fc.string({ unit: "binary", maxLength: 40 });

  it("pythonString is read back by Python as the same string, and holds only printable ASCII", () => {
    const samples = fc.sample(strings, 400).concat([NASTY, '"""', "\\", "\u2028\u2029", "\ud800", ""]);
    const literals = samples.map(pythonString);
    for (const l of literals) expect(l).toMatch(/^[\x20-\x7e]*$/);
    // Python reads each literal; JSON carries back its code points (lone surrogates included).
    const back = JSON.parse(
      runPython("import ast, json, sys; print(json.dumps([[ord(c) for c in ast.literal_eval(l)] for l in json.load(open(sys.argv[1]))]))", [
        writeTemp("literals.json", JSON.stringify(literals)),
      ]),
    ) as number[][];
    expect(back).toEqual(samples.map((s) => [...s].map((c) => c.codePointAt(0)!)));
  });

  it("tsString is read back by JavaScript as the same string, holds only printable ASCII and never `*/`", () => {
    fc.assert(
      fc.property(strings, (s) => {
        const literal = tsString(s);
        expect(literal).toMatch(/^[\x20-\x7e]*$/);
        expect(literal).not.toContain("*/");
        expect(new Function(`return ${literal};`)()).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it("commentText leaves plain text alone and quotes anything else", () => {
    expect(commentText("examples/two_tower/model.rec", "python")).toBe("examples/two_tower/model.rec");
    expect(commentText("a\nb", "python")).toBe('"a\\x0ab"');
    expect(commentText("a */ b", "ts")).toBe('"a *\\/ b"');
    expect(htmlText(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

function writeTemp(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

/** Generates every file from the spec in folder `name` (under the scratch folder); returns where they are. */
async function generate(name: string, withTorch: boolean): Promise<string> {
  const base = join(scratch, name === NASTY ? "nasty" : "plain");
  const folder = join(base, name);
  mkdirSync(folder, { recursive: true });
  cpSync(join(ROOT, "examples/two_tower/model.rec"), join(folder, "model.rec"));
  const spec = join(name, "model.rec");
  mkdirSync(join(base, "out"), { recursive: true });
  const ok = async (...argv: string[]) => {
    const result = await rec(argv, base);
    expect(result.stderr, argv.join(" ")).not.toMatch(/at .*\.js:\d+/);
    expect(result.code, `${argv.join(" ")}\n${result.stderr}`).toBe(0);
  };
  await ok("codegen", "ts", spec, "--out", join(base, "out", "Model.ts"));
  await ok("graph", "--format", "dot", "--out", join(base, "out", "model.dot"), spec);
  await ok("export", "--format", "pytorch", "--steps", "2", "--batch", "8", "--out", join(base, "out", "export"), spec);
  // The report's page; the torch engine runs the package `rec export` writes (the same writer).
  await ok("train", "--backend", "cpu", "--steps", "2", "--batch", "8", "--out", join(base, "out", "run"), spec);
  // The ONNX export's Python is generated into a temporary folder and run: from the hostile path only.
  if (withTorch && name === NASTY) await ok("export", "--format", "onnx", "--head", "score", "--out", join(base, "out", "score.onnx"), spec);
  return join(base, "out");
}

describe("generated files from a hostile path", () => {
  it(`have the same syntax as from a plain path, and run nothing injected${skip ? " (torch parts skipped: no PyTorch)" : ""}`, async () => {
    const withTorch = typeof torch !== "string";
    const [plain, nasty] = [await generate("spec", withTorch), await generate(NASTY, withTorch)];
    // Python: the exported package and train.py, each file's tree as from the plain path.
    const pyFiles = filesUnder(plain, [".py"])
      .map((f) => relative(plain, f))
      .filter((f) => !f.includes("reclang_torch"));
    expect(pyFiles).toEqual(
      expect.arrayContaining([join("export", "train.py"), join("export", "rec_two_tower", "model.py"), join("export", "rec_two_tower", "__init__.py")]),
    );
    const shapes = (root: string) =>
      runPython(
        PY_SHAPE,
        pyFiles.map((f) => join(root, f)),
      )
        .trim()
        .split("\n");
    const nastyShapes = shapes(nasty);
    expect(nastyShapes.filter((s) => s.startsWith("SyntaxError"))).toEqual([]);
    expect(nastyShapes).toEqual(shapes(plain));
    // The path really is in them (quoted), so the comparison above tested something.
    expect(readFileSync(join(nasty, "export", "rec_two_tower", "model.py"), "utf8")).toContain(pythonString(NASTY).slice(1, 12));
    // TypeScript.
    expect(tsShape(readFileSync(join(nasty, "Model.ts"), "utf8"))).toBe(tsShape(readFileSync(join(plain, "Model.ts"), "utf8")));
    // HTML: the path shows escaped; no element the path names.
    const html = readFileSync(join(nasty, "run", "report.html"), "utf8");
    expect(html).not.toContain("<script>PWNED");
    expect(html).toContain("&lt;script&gt;PWNED_html()");
    // DOT: one statement a line, as from the plain path.
    const dotLines = (root: string) => readFileSync(join(root, "model.dot"), "utf8").split("\n").length;
    expect(dotLines(nasty)).toBe(dotLines(plain));
    if (withTorch) {
      expect(existsSync(join(nasty, "score.onnx"))).toBe(true);
      // Run the export's train.py: it trains, and the payload writes nothing.
      const run = spawnSync(python, [join(nasty, "export", "train.py"), "--help"], { cwd: nasty, encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
    }
    const written = filesUnder(scratch, ["PWNED-py", "PWNED-ts"]).concat(["PWNED-py", "PWNED-ts"].filter((f) => existsSync(join(ROOT, f))));
    expect(written).toEqual([]);
  });
});
