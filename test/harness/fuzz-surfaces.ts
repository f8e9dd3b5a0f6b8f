// Seeded fuzzers for the surfaces that no corpus covered: rollout environments, constants files
// keyed by id, tokenised text columns, task shares, sweep declarations, `rec diff` on unrelated
// files, and the output paths of the commands that write files. Each runs the `rec` command
// in-process on generated input and classifies the outcome: clean (the exit code the input
// deserves — 0 where it is valid, 1 or 2 with an error naming the file or part where it is not)
// or a crash (an internal error, a stack trace, REC9001, an exit code the oracle rules out).
// In: how many inputs and a seed. Out: counts and one line per crash with what reproduces it.
// test/repro/surface-fuzz.test.ts runs them at size.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { xorshift32 } from "../../runtime/src/data/random.js";
import { findTorchPython } from "../../runtime/src/torch/python.js";
import { fuzzSeeds, mutate } from "./fuzz-specs.js";
import { rec } from "./rec-cli.js";
import { ROOT } from "./repo.js";
import { GOOD_GRAPH, KEYED_GRAPH_SPEC } from "./small-graph.js";
import { tasksSpec, TITLES_SPEC } from "./surface-specs.js";

export interface SurfaceResult {
  readonly tried: number;
  /** Inputs that ended as the oracle says: ran (exit 0), or refused with a message (exit 1 or 2). */
  readonly clean: number;
  readonly crashed: string[];
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Why an outcome is a crash, or undefined: `allowed` exit codes, and `mention` in an error's output. */
function verdict(result: { code: number; stdout: string; stderr: string }, allowed: readonly number[], mention?: RegExp): string | undefined {
  const output = result.stdout + result.stderr;
  if (/internal error|REC9001|Maximum call stack/.test(output) || /^\s+at .+:\d+:\d+\)?$/m.test(output)) return `crashed: ${output.slice(0, 300)}`;
  if (!allowed.includes(result.code)) return `exit ${result.code}, expected ${allowed.join(" or ")}: ${output.slice(-300)}`;
  if (result.code !== 0 && mention && !mention.test(output)) return `exit ${result.code} without naming ${mention}: ${output.slice(-300)}`;
  return undefined;
}

function scratch(surface: string, seed: number): string {
  const dir = join(ROOT, ".tmp", "surface-fuzz", `${surface}-${seed}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function fuzz(count: number, seed: number, one: (random: Random, i: number) => Promise<string | undefined>): Promise<SurfaceResult> {
  const random = xorshift32(seed);
  const crashed: string[] = [];
  for (let i = 0; i < count; i++) {
    const problem = await one(random, i);
    if (problem) crashed.push(`input ${i} (seed ${seed}): ${problem}`);
  }
  return { tried: count, clean: count - crashed.length, crashed };
}

/** Environments broken one part at a time (test/fixtures/rollouts/fuzz.rec): a bad part stops the rollout naming it. */
export function fuzzRollouts(count: number, seed: number): Promise<SurfaceResult> {
  const dir = scratch("rollouts", seed);
  const LEVELS = [-1, -1e-6, 0, 0.25, 1, 1.0001, 2, 1e30];
  return fuzz(count, seed, async (random, i) => {
    const fault = Math.floor(random() * 10);
    const level = pick(random, LEVELS);
    const maxSteps = pick(random, [1, 2, 30, 100_000_000]);
    const argv = [
      "train",
      "--backend",
      "cpu",
      "--model",
      "Q",
      "--set",
      `fault=${fault}`,
      "--set",
      `level=${level}`,
      "--set",
      `max_steps=${maxSteps}`,
      "--out",
      join(dir, String(i)),
      join(ROOT, "test/fixtures/rollouts/fuzz.rec"),
    ];
    const result = await rec(argv);
    // 0 works; 5 never ends by itself (the world's max_steps ends it); 3 and 7 are fine inside [0, 1].
    const fine = fault === 0 || fault === 5 || (fault === 3 && level >= 0 && level <= 1);
    const allowed = fine ? [0] : fault === 7 ? [0, 1] : [1];
    const problem = verdict(result, allowed, /the environment Env's `\w+`/);
    return problem && `fault ${fault}, level ${level}, max_steps ${maxSteps}: ${problem}`;
  });
}

/** A frozen table keyed by id (KEYED_GRAPH_SPEC's frozen.jsonl): repeated, missing, out-of-range and odd keys and vectors, and one large valid file. */
export function fuzzKeyedConstants(count: number, seed: number): Promise<SurfaceResult> {
  const dir = scratch("keyed", seed);
  writeFileSync(join(dir, "graph.csv"), GOOD_GRAPH);
  writeFileSync(join(dir, "pairs.csv"), `user,item\n${Array.from({ length: 16 }, (_, k) => `${k % 6},${k % 4}`).join("\n")}\n`);
  writeFileSync(join(dir, "model.rec"), KEYED_GRAPH_SPEC);
  const ODD_IDS: unknown[] = [-1, 6, 1.5, "3", null, 1e12, 2 ** 31];
  const ODD_VECTORS: unknown[] = [[1], [1, 2, 3], ["a", 1], null, 7, [null, 1], [1e300, 1]];
  return fuzz(count, seed, async (random, i) => {
    const large = i === 0;
    const users = large ? 200_000 : 6;
    let rows: { id: unknown; vector: unknown }[] = Array.from({ length: users }, (_, id) => ({ id, vector: [id % 7, -(id % 5)] }));
    let valid = true;
    if (!large) {
      // Shuffle, then break the file in one or two ways (or not at all).
      rows.sort(() => random() - 0.5);
      for (let k = Math.floor(random() * 3); k > 0; k--) {
        valid = false;
        const at = Math.floor(random() * rows.length);
        const way = Math.floor(random() * 4);
        if (way === 0) rows.push({ ...rows[at]! });
        else if (way === 1) rows.splice(at, 1);
        else if (way === 2) rows[at] = { ...rows[at]!, id: pick(random, ODD_IDS) };
        else rows[at] = { ...rows[at]!, vector: pick(random, ODD_VECTORS) };
      }
      if (random() < 0.1) {
        rows = [];
        valid = false;
      }
    }
    writeFileSync(join(dir, "frozen.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""));
    const result = await rec(["train", "--backend", "cpu", "--set", `users=${users}`, "--out", join(dir, `run-${i}`), join(dir, "model.rec")]);
    const problem = verdict(result, valid ? [0] : [1], /frozen\.jsonl/);
    return problem && `${rows.length} rows${valid ? " (valid)" : ""}: ${problem}`;
  });
}

/** Titles that are empty, binary, control characters, lone surrogates, 1 MB long, or not text at all. */
export function fuzzTitles(count: number, seed: number): Promise<SurfaceResult> {
  const dir = scratch("titles", seed);
  writeFileSync(join(dir, "model.rec"), TITLES_SPEC.replace('csv("titles.csv"', 'jsonl("titles.jsonl"'));
  const texts = (random: Random): string => {
    const kind = Math.floor(random() * 5);
    if (kind === 0) return "";
    if (kind === 1) return " \t\n ";
    if (kind === 2) return String.fromCharCode(...Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 0x10000)));
    if (kind === 3) return `${"\u0000\u0007\u001b[31m"}red shoes ${"\ud800"} café 北京`;
    return pick(random, ["red shoes", "blue shoes for running", "a", "running running running"]);
  };
  return fuzz(count, seed, async (random, i) => {
    let allText = true;
    const rows = Array.from({ length: 12 }, (_, k) => {
      const odd = random() < 0.05;
      if (odd) allText = false;
      return { title: odd ? pick(random, [42, null, ["a"], { t: 1 }] as unknown[]) : texts(random), clicked: k % 2 };
    });
    // A third of the files hold one title of 1 MB (one word, or 200,000 words).
    if (random() < 0.33) rows[Math.floor(random() * rows.length)]!.title = random() < 0.5 ? "x".repeat(1 << 20) : "ab ".repeat(200_000);
    writeFileSync(join(dir, "titles.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const checked = await rec(["check", "--data", join(dir, "titles.jsonl"), join(dir, "model.rec")]);
    const trained = await rec(["train", "--backend", "cpu", "--out", join(dir, `run-${i}`), join(dir, "model.rec")]);
    const problem = verdict(checked, allText ? [0] : [0, 1], /titles\.jsonl/) ?? verdict(trained, allText ? [0] : [0, 1], /titles\.jsonl/);
    return problem && `${allText ? "all text" : "some titles not text"}: ${problem}`;
  });
}

/** Task shares and task columns: zero, negative, fractional, huge and missing shares; tasks outside the shares. */
export function fuzzTaskShares(count: number, seed: number): Promise<SurfaceResult> {
  const dir = scratch("tasks", seed);
  const SHARES = ["2", "1", "0", "-1", "0.5", "1e9", "1e-9"];
  const TASKS: unknown[] = [0, 1, 2, -1, 1.5, "a", null];
  return fuzz(count, seed, async (random, i) => {
    const shares = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, SHARES));
    const goodShares = shares.length === 2 && shares.every((s) => Number(s) > 0);
    let goodTasks = true;
    const rows = Array.from({ length: 40 }, (_, k) => {
      const task = random() < 0.05 ? pick(random, TASKS) : k % 3 === 2 ? 1 : 0;
      if (task !== 0 && task !== 1) goodTasks = false;
      return { row: k, task };
    });
    const text = tasksSpec(Math.floor(random() * 3) * 50).replace("shares = [2, 1]", `shares = [${shares.join(", ")}]`);
    writeFileSync(join(dir, "model.rec"), text);
    writeFileSync(join(dir, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const checked = await rec(["check", join(dir, "model.rec")]);
    let problem = verdict(checked, goodShares || shares.length !== 2 ? [0, 1] : [1]);
    if (!problem && checked.code === 0) {
      const trained = await rec(["train", "--backend", "cpu", "--out", join(dir, `run-${i}`), join(dir, "model.rec")]);
      // Shares are relative: one tiny beside the other rounds to no row of a batch of 9 (refused, with a message).
      problem = verdict(trained, goodShares && goodTasks ? [0, 1] : [1], /rows\.jsonl|share|task/);
    }
    return problem && `shares [${shares.join(", ")}]${goodTasks ? "" : ", odd task values"}: ${problem}`;
  });
}

/** Mutants of the sweep example, planned with `rec sweep --dry-run`. */
export function fuzzSweeps(count: number, seed: number): Promise<SurfaceResult> {
  const dir = scratch("sweeps", seed);
  const text = readFileSync(join(ROOT, "examples/sweep/model.rec"), "utf8");
  return fuzz(count, seed, async (random, i) => {
    const file = join(dir, `sweep-${i}.rec`);
    writeFileSync(file, mutate(text, random));
    const result = await rec(["sweep", "--dry-run", "--out", join(dir, `out-${i}`), file]);
    const problem = verdict(result, [0, 1, 2]);
    return problem && `${file}: ${problem}`;
  });
}

/** `rec diff` on pairs of unrelated files: examples, paper modules, and their mutants. */
export function fuzzDiff(count: number, seed: number): Promise<SurfaceResult> {
  const dir = scratch("diff", seed);
  const seeds = fuzzSeeds();
  return fuzz(count, seed, async (random, i) => {
    const [a, b] = [pick(random, seeds), pick(random, seeds)];
    const [fa, fb] = [join(dir, `a-${i}.rec`), join(dir, `b-${i}.rec`)];
    writeFileSync(fa, random() < 0.3 ? mutate(a.text, random) : a.text);
    writeFileSync(fb, random() < 0.3 ? mutate(b.text, random) : b.text);
    const result = await rec(["diff", ...(random() < 0.3 ? ["--json"] : []), fa, fb]);
    const problem = verdict(result, [0, 1, 2]);
    return problem && `${a.path} ~ ${b.path}: ${problem}`;
  });
}

/** Output paths no one should write to or through, given to every command that writes a file. */
export async function fuzzOutputPaths(seed: number): Promise<SurfaceResult> {
  const dir = scratch("paths", seed);
  const spec = join(dir, "model.rec");
  cpSync(join(ROOT, "examples/two_tower/model.rec"), spec);
  writeFileSync(join(dir, "a-file"), "x");
  const trained = await rec(["train", "--backend", "cpu", "--steps", "2", "--batch", "16", "--out", join(dir, "run"), spec]);
  if (trained.code !== 0) return { tried: 1, clean: 0, crashed: [`the setup run failed: ${trained.stderr.slice(-300)}`] };
  const checkpoint = join(dir, "run", "checkpoint.safetensors");
  const paths: [string, "ok" | "refused" | "either"][] = [
    [join(dir, "missing-folder", "x"), "either"],
    [join(dir, "a-file", "x"), "refused"],
    // A folder: `build` and `export` write into it; the others refuse it.
    [join(dir, "run"), "either"],
    ["/dev/null", "refused"],
    [join(dir, `${"n".repeat(300)}.out`), "refused"],
    [join(dir, "line\nbreak\"quote'.out"), "ok"],
    [join(dir, "\u2028sep é.out"), "ok"],
    ["", "either"],
  ];
  const torch = typeof findTorchPython() !== "string";
  const commands = (out: string): string[][] => [
    ["embed", "--backend", "cpu", "--checkpoint", checkpoint, "--encoder", "item", "--out", `${out}.parquet`, spec],
    ["build", "--out", out, spec],
    ["graph", "--format", "dot", "--out", out, spec],
    ["codegen", "ts", spec, "--out", `${out}.ts`],
    ["report", "--out", `${out}.html`, join(dir, "run")],
    ["export", "--format", "pytorch", "--steps", "1", "--batch", "8", "--out", out, spec],
    ...(torch ? [["export", "--format", "onnx", "--head", "score", "--checkpoint", checkpoint, "--out", `${out}.onnx`, spec]] : []),
  ];
  const crashed: string[] = [];
  let tried = 0;
  for (const [path, expected] of paths) {
    for (const argv of commands(path)) {
      tried++;
      // The suffix a command adds makes /dev/null and the folder ordinary names: only the bare path is refused.
      const bare = argv.includes(path);
      const allowed = expected === "ok" || (!bare && path !== "") ? [0, 1, 2] : expected === "refused" ? [1, 2] : [0, 1, 2];
      const result = await rec(argv, dir);
      const problem = verdict(result, allowed);
      if (problem) crashed.push(`rec ${argv[0]} --out ${JSON.stringify(path)}: ${problem}`);
    }
  }
  // /dev/null is still a device: nothing was renamed over it.
  if (!statSync("/dev/null").isCharacterDevice()) crashed.push("/dev/null is no longer a character device");
  if (existsSync(join(ROOT, "PWNED"))) crashed.push("a path ran as code");
  return { tried, clean: tried - crashed.length, crashed };
}
