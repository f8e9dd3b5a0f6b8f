// The `rec` command line: exit codes (0 clean, 1 errors, 2 usage), output formats, help, and
// files that are not usable text. Runs the CLI in-process, plus once through bin/rec.js.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { ROOT } from "./harness/repo.js";

async function run(argv: string[], cwd = ROOT) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

const scratch = mkdtempSync(join(tmpdir(), "rec-cli-"));

/** The newest modification time of the TypeScript sources the build compiles. */
function newestSource(): number {
  let newest = 0;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules") visit(path);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ["api", "bench", "cli", "compiler", "runtime", "stdlib"]) if (existsSync(join(ROOT, dir))) visit(join(ROOT, dir));
  return newest;
}

/** Whether dist/ is missing or older than `time` (its entry point's modification time). */
const builtBefore = (time: number) => !existsSync(join(ROOT, "dist/cli/main.js")) || statSync(join(ROOT, "dist/cli/main.js")).mtimeMs < time;
function file(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

describe("rec check", () => {
  it("exits 0 on every example and stdlib file", async () => {
    const result = await run(["check", "examples", "stdlib"]);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/checked \d+ files: 0 errors/);
    expect(result.code).toBe(0);
  });

  it("exits 1 and prints the golden report for a syntax error", async () => {
    const result = await run(["check", "test/corpus/parse/err/0020_misspelled_member.rec"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("error[REC1013]: unknown model member `inptu`");
    expect(result.stdout).toContain("test/corpus/parse/err/0020_misspelled_member.rec:3:3");
    expect(result.stdout).toContain("did you mean `input`?");
  });

  it("exits 2 on a missing file, an unknown flag, a bad flag value and no arguments", async () => {
    expect((await run(["check", "no/such/file.rec"])).code).toBe(2);
    expect((await run(["check", "--frobnicate", "examples"])).code).toBe(2);
    expect((await run(["check", "--diagnostics=xml", "examples"])).code).toBe(2);
    expect((await run(["check"])).code).toBe(2);
    expect((await run(["frobnicate"])).code).toBe(2);
  });

  it.skipIf(!existsSync("/dev/zero"))("refuses a device (/dev/zero never ends) without reading it", async () => {
    const result = await run(["check", "/dev/zero"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a regular file");
  });

  it("prints one line per diagnostic with --diagnostics=short, and JSON with --diagnostics=json", async () => {
    const path = file("two.rec", "model M {\n  param a = 1;\n  param b = $\n}\n");
    const short = await run(["check", "--diagnostics=short", path]);
    expect(short.stdout.trim().split("\n")).toEqual([
      `${path}:2:14: error[REC1007]: unexpected \`;\``,
      `${path}:3:13: error[REC1001]: unexpected character \`$\``,
    ]);
    const json = await run(["check", "--diagnostics=json", path]);
    const parsed = JSON.parse(json.stdout) as { code: string; primary: { line: number; column: number } }[];
    expect(parsed.map((d) => [d.code, d.primary.line, d.primary.column])).toEqual([
      ["REC1007", 2, 14],
      ["REC1001", 3, 13],
    ]);
  });

  it("colors only when asked or on a terminal", async () => {
    const path = file("color.rec", "model M { param a = $ }\n");
    expect((await run(["check", path])).stdout).not.toContain("\x1b[");
    expect((await run(["check", "--color=always", path])).stdout).toContain("\x1b[");
  });

  it("reports a file that is not UTF-8 with the offending byte", async () => {
    const path = file("latin1.rec", Buffer.from('model M {\n  param name = "caf\xe9"\n}\n', "latin1"));
    const result = await run(["check", "--diagnostics=short", path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${path}:2:20: error[REC1022]: this file is not UTF-8 text`);
  });

  it("warns about an empty file but exits 0", async () => {
    const result = await run(["check", "--diagnostics=short", file("empty.rec", "")]);
    expect(result.stdout).toContain("warning[REC1021]");
    expect(result.code).toBe(0);
  });

  it("rejects a file over 16 MiB without reading it", async () => {
    const path = file("huge.rec", Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    const result = await run(["check", "--diagnostics=short", path]);
    expect(result.stdout).toContain("error[REC1023]: this file is too large (16.0 MiB)");
    expect(result.code).toBe(1);
  });

  it("shows the first 200 of 10,000 errors and counts the rest; suggests nothing for a 100,000-character name", async () => {
    const heads = Array.from({ length: 10_000 }, (_, i) => `  head h${i} = x + unknown_name_${i}`);
    const many = file("many.rec", `model M {\n  dims B\n  input x: f32[B]\n${heads.join("\n")}\n}\n`);
    const result = await run(["check", "--diagnostics=short", many]);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n").filter((l) => l.includes("error[REC")).length).toBe(200);
    expect(result.stdout).toContain("… and 9800 more diagnostics not shown");
    expect(result.stderr).toContain("10000 errors");
    const long = file("long.rec", `model M {\n  dims B\n  input x: f32[B]\n  head h = x + ${"a".repeat(100_000)}\n}\n`);
    const one = await run(["check", "--diagnostics=short", long]);
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(/error\[REC3005\]: cannot find `a+`/);
    expect(one.stdout).not.toContain("did you mean");
  });

  it("checks, prints and compiles a 50,000-term expression (loops, not recursion, over operator chains)", async () => {
    const long = file("sum.rec", `model M {\n  dims B\n  input x: f32[B]\n  head h = ${Array.from({ length: 50_000 }, () => "x").join(" + ")}\n}\n`);
    const checked = await run(["check", long]);
    expect(checked.stderr).toContain("0 errors");
    expect(checked.code).toBe(0);
    const printed = await run(["print", long]);
    expect(printed.code).toBe(0);
    expect(printed.stdout.split(" + ").length).toBe(50_000);
    const compiled = await run(["ir", "--optimized", long]);
    expect(compiled.code).toBe(0);
  });

  it("checks, prints and compiles long programs: 10,000 chained lets, 2,000 chained indexes and calls, a 2,000-branch `else if`", async () => {
    const lets = Array.from({ length: 10_000 }, (_, i) => `  let v${i} = ${i === 0 ? "x" : `v${i - 1}`} * 1.5`).join("\n");
    const chain = file("lets.rec", `model M {\n  dims B\n  input x: f32[B]\n${lets}\n  head h = v9999\n}\n`);
    for (const command of ["check", "print", "ir"]) expect((await run([command, chain])).code).toBe(0);
    const suffixes = file(
      "suffixes.rec",
      `model M {\n  dims B\n  input x: f32[B, 4]\n  head h = x${"[..., 0:4]".repeat(2_000)}\n  head g = x${"[0:2]".repeat(2_000)}\n}\n`,
    );
    for (const command of ["check", "print", "ir"]) expect((await run([command, suffixes])).code).toBe(0);
    const calls = file("calls.rec", `model M {\n  dims B\n  input x: f32[B, 4]\n  let ident = fn(a) => a\n  head h = ident${"(ident)".repeat(2_000)}(x)\n}\n`);
    for (const command of ["check", "print", "ir"]) expect((await run([command, calls])).code).toBe(0);
    const branches = Array.from({ length: 2_000 }, (_, i) => `if k == ${i} then x * ${i}.5 else `).join("");
    const conditional = file("else-if.rec", `model M {\n  dims B\n  param k = 1234\n  input x: f32[B]\n  head h = ${branches}x\n}\n`);
    expect((await run(["check", conditional])).code).toBe(0);
    expect((await run(["print", conditional])).stdout.split("else if").length).toBe(2_000);
    const ir = await run(["ir", conditional]);
    expect(ir.stdout).toContain("value = 1234.5");
    expect(ir.stdout).not.toContain("value = 1233.5");
  });

  it("checks every .rec file under a directory", async () => {
    const result = await run(["check", "--syntax-only", "test/corpus/parse/ok"]);
    expect(result.stderr).toMatch(/checked 15 files: 0 errors/);
  });
});

describe("rec help and views", () => {
  it("lists every command and every option", async () => {
    const top = await run(["--help"]);
    for (const command of ["check", "ast", "print"]) expect(top.stdout).toContain(`  ${command}`);
    const check = await run(["check", "--help"]);
    for (const option of ["--diagnostics", "--color", "--quiet", "--help"]) expect(check.stdout).toContain(option);
    expect(check.code).toBe(0);
  });

  it("prints the IR through the compile API, with --set overrides type-checked", async () => {
    const plain = await run(["ir", "--optimized", "examples/two_tower/model.rec"]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/f32\[2000, 32\]/);
    const narrow = await run(["ir", "--optimized", "--set", "dim=8", "examples/two_tower/model.rec"]);
    expect(narrow.code).toBe(0);
    expect(narrow.stdout).toMatch(/f32\[2000, 8\]/);
    expect(narrow.stdout).not.toMatch(/f32\[2000, 32\]/);
    const wrong = await run(["ir", "--set", 'dim="wide"', "examples/two_tower/model.rec"]);
    expect(wrong.code).toBe(1);
  });

  it("prints the syntax tree and the canonical text", async () => {
    const ast = await run(["ast", "test/corpus/parse/ok/0001_imports.rec"]);
    expect(ast.stdout).toContain("ImportSpec");
    const printed = await run(["print", "test/corpus/parse/ok/0001_imports.rec"]);
    expect(printed.stdout).toBe('import { Embedding, MLP as Tower } from "std/nn"\nimport * as losses from "std/losses"\n');
  });
});

describe("bin/rec.js", () => {
  it("runs the built CLI after npm ci", () => {
    // `npm test` has just built dist/; run alone, the test builds it when a source is newer.
    if (builtBefore(newestSource())) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT });
    const ok = spawnSync(process.execPath, ["bin/rec.js", "check", "examples"], { cwd: ROOT, encoding: "utf8" });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, ["bin/rec.js", "check", "test/corpus/parse/err/0015_let_missing_equals.rec"], { cwd: ROOT, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("error[REC1010]: expected `=`, found the number `3`");
    expect(bad.stderr).not.toContain("    at ");
    // The default backend (auto) never loads Dawn in-process for a software adapter or none, so
    // its warnings (no Vulkan loader; limits reduced on lavapipe) never reach a user who did not
    // ask for webgpu.
    const out = join(scratch, "auto-run");
    const trained = spawnSync(process.execPath, ["bin/rec.js", "train", "--steps", "2", "--batch", "16", "--out", out, "examples/ctr/model.rec"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(trained.status, trained.stderr).toBe(0);
    expect(trained.stderr).not.toMatch(/Vulkan|Warning:|artificially reduced/);
    // The package's API, as a program that generates variants would import it.
    const script = `import { compile } from "reclang";
const r = compile(["examples/two_tower/model.rec"], { set: { dim: 48 } });
const table = r.plans[0].params.find((p) => p.name.endsWith("user_table") || p.name.includes("user"));
console.log(JSON.stringify({ errors: r.diagnostics.length, models: r.models.length, optimized: r.optimized.length, width: table.type.shape[1] }));`;
    const api = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(api.stderr).toBe("");
    expect(JSON.parse(api.stdout)).toEqual({ errors: 0, models: 1, optimized: 1, width: 48 });
  });
});

describe("slips and scripts", () => {
  it("suggests the command or option meant, in one line", async () => {
    const command = await run(["trian", "examples/two_tower/model.rec"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("error: unknown command `trian`; did you mean `rec train`?\n");
    const option = await run(["train", "--step", "3", "examples/two_tower/model.rec"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe("error: unknown option `--step` for `rec train`; did you mean `--steps`?\n");
    const far = await run(["train", "--zzzzzz", "examples/two_tower/model.rec"]);
    expect(far.stderr).toContain("`rec train --help` lists them");
  });

  it("profiles whichever engine auto would pick: auto stays on a tfjs engine for --profile and says so", async () => {
    const profiled = await run(["train", "--profile", "--steps", "8", "--batch", "16", "--out", join(scratch, "profiled"), "examples/ctr/model.rec"]);
    expect(profiled.code, profiled.stderr).toBe(0);
    expect(profiled.stderr).toMatch(/auto: training on (wasm|cpu|webgpu) \(--profile measures the tfjs engines\)/);
    expect(existsSync(join(scratch, "profiled", "profile.json"))).toBe(true);
  });

  it("prints JSON for scripts: the worlds' contracts, an export", async () => {
    const worlds = await run(["data", "worlds", "--json"]);
    expect(worlds.code).toBe(0);
    const parsed = JSON.parse(worlds.stdout) as { synthetic: { name: string; args: unknown[] }[]; rows: { name: string }[] };
    expect(parsed.synthetic.map((w) => w.name)).toContain("latent_factor");
    expect(parsed.rows.length).toBeGreaterThan(0);
    const out = join(scratch, "export-json");
    const exported = await run(["export", "--format", "pytorch", "--steps", "1", "--batch", "8", "--out", out, "--json", "examples/two_tower/model.rec"]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ format: "pytorch", path: out, model: "TwoTower", package: "rec_two_tower", rows: 8 });
  });
});
