// reclang as users install it: `npm pack` of this repository, installed with `npm install` into
// an empty folder (with typescript and @types/node, as a TypeScript user has them), and used from
// there only — the public API imported from a plain .mjs and type-checked from a strict .ts file
// (`reclang` and `reclang/serve`; skipLibCheck as `tsc --init` sets it: tfjs-core's own
// declarations need @types/long), and `rec check`, `rec fmt --check`, `rec lsp` (initialize over
// standard input and output, no flag), `rec sweep --dry-run` and a short `rec train` on wasm,
// each through `npx rec` as the README writes them. Needs the npm registry (for the
// dependencies); in the reproduction tier for its minute or two of installing.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../harness/repo.js";

const work = mkdtempSync(join(tmpdir(), "rec-install-"));
const app = join(work, "app");

function sh(command: string, args: string[], cwd = app): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `rec lsp` with no flag: the first answer to `initialize` over standard input and output. */
function initializeOverStdio(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["rec", "lsp"], { cwd: app, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (/"id":1,"result"/.test(out)) {
        child.kill();
        resolve(out);
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => (/"result"/.test(out) ? undefined : reject(new Error(`rec lsp exited ${code}: ${err}`))));
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

describe("the packed package, installed into an empty folder", () => {
  it("packs only what users need, installs, imports, type-checks, and runs the README's commands", async () => {
    // Pack and install. `--ignore-scripts`: `prepare` would rebuild dist/ in place, rewriting the
    // files that other test files' child processes (a sweep's workers, `rec serve`) are loading
    // at that moment — a worker that read a half-written module exited 1 in a CI run. The tier's
    // script built dist/ just before vitest started, so the packed files are current.
    expect(existsSync(join(ROOT, "dist", "cli", "main.js")), "dist/ is not built: run `npm run build`").toBe(true);
    const packArgs = ["pack", "--ignore-scripts", "--json", "--pack-destination", work];
    const packed = JSON.parse(execFileSync("npm", packArgs, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 })) as {
      filename: string;
      files: { path: string }[];
    }[];
    const paths = packed[0]!.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "README.md",
        "bin/rec.js",
        "dist/api/index.js",
        "dist/cli/main.js",
        "stdlib/nn.rec",
        "runtime/python/reclang_torch/ops.py",
      ]),
    );
    expect(paths.filter((p) => /^(test|bench|\.ci|examples)\/|^dist\/bench\/|^tsconfig/.test(p))).toEqual([]);
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const installed = sh("npm", ["install", join(work, packed[0]!.filename), "typescript@5.9.3", "@types/node@20"]);
    expect(installed.status, installed.stderr).toBe(0);
    // The heavy optional engines are not installed with it.
    expect(readdirSync(join(app, "node_modules"))).not.toContain("webgpu");
    expect(readdirSync(join(app, "node_modules"))).not.toContain("onnxruntime-node");

    // The public API from a plain .mjs …
    copyFileSync(join(ROOT, "examples/two_tower/model.rec"), join(app, "model.rec"));
    writeFileSync(
      join(app, "api.mjs"),
      `import { compile } from "reclang";\nconst r = compile(["model.rec"], { set: { dim: 48 } ` +
        `});\nconsole.log(JSON.stringify({ errors: r.diagnostics.length, models: r.models.length ` +
        `}));\n`,
    );
    const api = sh("node", ["api.mjs"]);
    expect(api.stderr).toBe("");
    expect(JSON.parse(api.stdout)).toEqual({ errors: 0, models: 1 });
    // … and a strict .ts file.
    writeFileSync(
      join(app, "typed.ts"),
      `import { compile } from "reclang";\nimport { ServingModel, type Plan } from ` +
        `"reclang/serve";\nconst plan: Plan = compile(["model.rec"]).plans[0]!;\nexport const open ` +
        `= (path: string): Promise<ServingModel> => ServingModel.open(plan, path, {});\n` +
        `import { DEFAULT_HTTP, predictionServer, predictSchemaOf, ServingSession } from "reclang/server";\n` +
        `export const serve = async (path: string): Promise<string> => predictionServer(await ServingSession.open(` +
        `{ plan, checkpoint: path, predictSchema: predictSchemaOf(plan, "."), maxBatch: 64 }), { ...DEFAULT_HTTP, port: 0 }).listen();\n`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
        },
        files: ["typed.ts"],
      }),
    );
    const typed = sh("npx", ["tsc", "-p", "tsconfig.json"]);
    expect(typed.status, typed.stdout + typed.stderr).toBe(0);

    // The commands, through npx as a user runs them.
    const check = sh("npx", ["rec", "check", "model.rec"]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toContain("0 errors");
    const fmt = sh("npx", ["rec", "fmt", "--check", "model.rec"]);
    expect(fmt.status, fmt.stderr).toBe(0);
    expect(await initializeOverStdio()).toContain('"hoverProvider":true');
    copyFileSync(join(ROOT, "examples/sweep/model.rec"), join(app, "sweep.rec"));
    const sweep = sh("npx", ["rec", "sweep", "--dry-run", "sweep.rec"]);
    expect(sweep.status, sweep.stderr).toBe(0);
    const train = sh("npx", ["rec", "train", "--backend", "wasm", "--steps", "5", "--batch", "32", "model.rec"]);
    expect(train.status, train.stderr).toBe(0);
    expect(train.stderr).toContain("training TwoTower on wasm: 5 steps");
    // A command that needs an optional package names it.
    const webgpu = sh("npx", ["rec", "train", "--backend", "webgpu", "--steps", "1", "model.rec"]);
    expect(webgpu.status).toBe(1);
    expect(webgpu.stderr).toContain("npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0");

    // Serving from the installed package: train the serving example briefly, embed its items,
    // score a file's rows, and answer /predict and /retrieve over HTTP until SIGTERM.
    mkdirSync(join(app, "serving", "data"), { recursive: true });
    copyFileSync(join(ROOT, "examples/serving/model.rec"), join(app, "serving", "model.rec"));
    copyFileSync(join(ROOT, "examples/serving/data/pairs.parquet"), join(app, "serving", "data", "pairs.parquet"));
    const trained = sh("npx", ["rec", "train", "--steps", "5", "--out", "serving-run", "serving/model.rec"]);
    expect(trained.status, trained.stderr).toBe(0);
    const checkpoint = join("serving-run", "checkpoint.safetensors");
    const embedded = sh("npx", ["rec", "embed", "--checkpoint", checkpoint, "--encoder", "item", "--out", "items.parquet", "serving/model.rec"]);
    expect(embedded.status, embedded.stderr).toBe(0);
    writeFileSync(join(app, "rows.csv"), "user,item\n3,5\n4,7\n");
    const scored = sh("npx", ["rec", "predict", "--checkpoint", checkpoint, "--data", "rows.csv", "serving/model.rec"]);
    expect(scored.status, scored.stderr).toBe(0);
    expect(
      scored.stdout
        .trim()
        .split("\n")
        .map((l) => Object.keys(JSON.parse(l) as object)),
    ).toEqual([
      ["row", "score"],
      ["row", "score"],
    ]);
    // The installed command itself (npx would stand between the signal and the server).
    const server = spawn(
      join(app, "node_modules", ".bin", "rec"),
      ["serve", "--checkpoint", checkpoint, "--index", "items.parquet", "--query", "user", "--port", "0", "serving/model.rec"],
      {
        cwd: app,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const match = /listening on (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      server.on("exit", (code) => reject(new Error(`rec serve exited ${code}`)));
    });
    const post = async (path: string, body: unknown) => (await fetch(url + path, { method: "POST", body: JSON.stringify(body) })).json();
    expect(await post("/predict", { rows: [{ user: 3, item: 5 }] })).toEqual({ predictions: [{ score: expect.any(Number) }] });
    const found = (await post("/retrieve", { rows: [{ user: 3 }], k: 5 })) as { results: { ids: number[] }[] };
    expect(found.results[0]!.ids).toHaveLength(5);
    // hnswlib-node is an optional dependency with a native addon: approximate search where it built, exact otherwise.
    const built = existsSync(join(app, "node_modules", "hnswlib-node", "build", "Release", "addon.node"));
    const metadata = (await (await fetch(`${url}/metadata`)).json()) as { retrieve: { index: { kind: string } } };
    expect(metadata.retrieve.index.kind).toBe(built ? "hnsw" : "exact");
    const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
