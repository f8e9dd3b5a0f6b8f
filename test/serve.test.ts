// `rec serve`: the serving example's two-tower model behind HTTP. /predict's scores equal the
// model's own (the in-process executor's) for the same rows, concurrent requests are batched
// together and each gets its own rows back, /retrieve's neighbours equal exact search over the
// vectors `rec embed` writes, and every bad request is a 400 or 413 naming the field while the
// server keeps answering. The command itself listens on 127.0.0.1 and exits cleanly on SIGTERM.

import { spawn } from "node:child_process";
import { appendFileSync, copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { saveCheckpoint } from "../runtime/src/checkpoint/checkpoint.js";
import { embedCatalogue } from "../runtime/src/embed.js";
import { predictSchemaOf } from "../runtime/src/score-rows.js";
import { inputsOfSteps } from "../runtime/src/serve.js";
import { predictionServer, type PredictionServer } from "../runtime/src/serving/http.js";
import { MicroBatcher } from "../runtime/src/serving/micro-batch.js";
import { ServingSession } from "../runtime/src/serving/session.js";
import { exactIndex, hnswIndex, indexCacheFor, loadHnswlib, openIndex, readCatalogue } from "../runtime/src/serving/vector-index.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { damage } from "./harness/fuzz-data.js";
import { ROOT } from "./harness/repo.js";
import { xorshift32 } from "../runtime/src/data/random.js";

const EXAMPLE = join(ROOT, "examples", "serving");
const scratch = join(ROOT, ".tmp", "serve");
const checkpoint = join(scratch, "weights.safetensors");
const vectors = join(scratch, "items.parquet");
const plan = compileFiles([join(EXAMPLE, "model.rec")]).plans[0]!;
const hasHnswlib = (await loadHnswlib()) !== undefined;
const hnswNote = hasHnswlib ? "" : " (skipped: hnswlib-node, an optional dependency, did not build here)";

let server: PredictionServer;
let url = "";
let reference: Executor;

const post = async (path: string, body: unknown) => {
  const response = await fetch(url + path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  await useBackend("cpu");
  // A model with seed-7 weights (serving needs no training), its checkpoint and its item vectors.
  reference = new Executor(plan, 7);
  await saveCheckpoint(reference, checkpoint, { step: "0" });
  await embedCatalogue(reference, "item", 256, vectors);
  const index = await openIndex(await readCatalogue(vectors), "dot", { cache: indexCacheFor(vectors, "dot") });
  const session = await ServingSession.open({
    plan,
    checkpoint,
    predictSchema: predictSchemaOf(plan, EXAMPLE),
    retrieval: { encoder: "user", schema: predictSchemaOf(plan, EXAMPLE, inputsOfSteps(plan, [plan.entries.encode.outputs["user"]!])), index },
    backend: "cpu",
    maxBatch: 64,
  });
  server = predictionServer(session, { host: "127.0.0.1", port: 0, maxBodyBytes: 4096, maxK: 100 });
  url = await server.listen();
});

afterAll(async () => {
  await server?.close();
  reference?.dispose();
});

/** The model's own scores for (user, item) pairs, run in this process. */
function modelScores(pairs: Array<[number, number]>): number[] {
  const feeds = new Map([
    [
      "user_id",
      tf.tensor1d(
        pairs.map((p) => p[0]),
        "int32",
      ),
    ],
    [
      "item_id",
      tf.tensor1d(
        pairs.map((p) => p[1]),
        "int32",
      ),
    ],
  ]);
  const out = reference.runNamed("predict", ["score"], feeds).get("score")!;
  const values = Array.from(out.dataSync());
  tf.dispose([out, ...feeds.values()]);
  return values;
}

describe("rec serve", () => {
  it("listens on 127.0.0.1 and answers /health and /metadata", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "ok" });
    const metadata = (await (await fetch(`${url}/metadata`)).json()) as { model: string; predict: { rows: { column: string; ids: number }[] } };
    expect(metadata.model).toBe("TwoTower");
    expect(metadata.predict.rows.map((r) => [r.column, r.ids])).toEqual([
      ["user", 2000],
      ["item", 1000],
    ]);
  });

  it("/predict gives the model's scores, and concurrent requests batched together each get their own rows", async () => {
    const pairs = Array.from({ length: 40 }, (_, i): [number, number] => [(i * 37) % 2000, (i * 11) % 1000]);
    const expected = modelScores(pairs);
    const answers = await Promise.all(pairs.map(([user, item]) => post("/predict", { rows: [{ user, item }] })));
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect((a.body["predictions"] as { score: number }[])[0]!.score).toBeCloseTo(expected[i]!, 5);
    });
    const withInputs = await post("/predict", { rows: [{ user: 5, item: 6 }], with_inputs: true });
    expect(withInputs.body["predictions"]).toEqual([{ score: expect.any(Number), inputs: { user_id: 5, item_id: 6 } }]);
  });

  it("the batcher runs requests submitted together as few model calls of at most max-batch items, each answered with its own", async () => {
    const calls: number[] = [];
    const batcher = new MicroBatcher(async (items: readonly number[]) => (calls.push(items.length), items.map((x) => x * 10)), 8, 50);
    const requests = Array.from({ length: 10 }, (_, i) => batcher.submit(i % 3 === 0 ? [i, i] : [i]));
    const answers = await Promise.all(requests);
    answers.forEach((a, i) => expect(a).toEqual(i % 3 === 0 ? [i * 10, i * 10] : [i * 10]));
    // 14 items in whole requests of 1 or 2: two calls, the first full.
    expect(calls).toEqual([8, 6]);
    expect(batcher.stats).toEqual({ batches: 2, items: 14 });
    expect(batcher.idle).toBe(true);
  });

  it("/retrieve gives the same top items as exact search over the vectors rec embed wrote", async () => {
    const exact = exactIndex(await readCatalogue(vectors), "dot");
    const users = [0, 17, 999, 1999];
    const { status, body } = await post("/retrieve", { rows: users.map((user) => ({ user })), k: 10 });
    expect(status).toBe(200);
    const results = body["results"] as { ids: number[]; scores: number[] }[];
    const feeds = new Map([["user_id", tf.tensor1d(users, "int32")]]);
    const queries = reference.runNamed("encode", ["user"], feeds).get("user")!;
    const flat = queries.dataSync() as Float32Array;
    tf.dispose([queries, ...feeds.values()]);
    const dim = flat.length / users.length;
    let agree = 0;
    users.forEach((_, i) => {
      const truth = exact.search(flat.subarray(i * dim, (i + 1) * dim), 10);
      agree += results[i]!.ids.filter((id) => truth.ids.includes(id)).length;
      expect(results[i]!.scores[0]).toBeCloseTo(truth.scores[0]!, 4);
    });
    // 1,000 items at ef 64: the approximate index finds the exact top 10 (exact search where hnswlib-node is absent).
    expect(agree / (users.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it.skipIf(!hasHnswlib)(`keeps the built graph beside the vectors and reads it back while they are the same${hnswNote}`, async () => {
    const catalogue = await readCatalogue(vectors);
    const again = await hnswIndex(catalogue, "dot", undefined, indexCacheFor(vectors, "dot"));
    expect(again!.cached).toBe(true);
    const query = catalogue.vectors.subarray(0, catalogue.dim);
    expect(again!.search(query, 10).ids).toEqual((await openIndex(catalogue, "dot")).search(query, 10).ids);
    // Other vectors (a new `rec embed`) are another key: the graph is built again, not read.
    expect(indexCacheFor(vectors, "cosine").key).not.toBe(indexCacheFor(vectors, "dot").key);
    const changed = join(scratch, "changed.parquet");
    copyFileSync(vectors, changed);
    appendFileSync(changed, " ");
    expect(indexCacheFor(changed, "dot").key).not.toBe(indexCacheFor(vectors, "dot").key);
  });

  it("answers every bad request with a 400 or 413 naming the field, and keeps serving", async () => {
    const cases: Array<[string, unknown, number, string | null, RegExp]> = [
      ["/predict", "{not json", 400, null, /not JSON/],
      ["/predict", [1, 2], 400, null, /JSON object/],
      ["/predict", { rows: [{ user: 1, item: 2 }], extra: 1 }, 400, "extra", /unknown field `extra`/],
      ["/predict", { rows: "x" }, 400, "rows", /must be a list/],
      ["/predict", { rows: [] }, 400, "rows", /empty/],
      ["/predict", { rows: [{ user: 1, item: 2, colour: 3 }] }, 400, "rows[0].colour", /unknown column `colour`/],
      [
        "/predict",
        {
          rows: [
            { user: 1, item: 2 },
            { user: 2000, item: 2 },
          ],
        },
        400,
        "rows[1].user",
        /outside `users`.*REC4003/,
      ],
      ["/predict", { rows: [{ user: 1.5, item: 2 }] }, 400, "rows[0].user", /expected an integer id/],
      ["/predict", { rows: [{ user: 1 }] }, 400, "rows[0].item", /missing.*REC4008/],
      ["/predict", { rows: [7] }, 400, "rows[0]", /must be an object/],
      ["/predict", { rows: [{ user: 1, item: 2 }], with_inputs: "yes" }, 400, "with_inputs", /must be a boolean/],
      ["/predict", { rows: Array.from({ length: 65 }, () => ({ user: 1, item: 2 })) }, 413, "rows", /limit is 64/],
      ["/predict", { rows: [{ user: 1, item: 2 }], pad: "x".repeat(5000) }, 413, null, /limit is 4096|more than 4096/],
      ["/retrieve", { rows: [{ user: 1 }], k: 0 }, 400, "k", /1 to 100/],
      ["/retrieve", { rows: [{ user: 1 }], k: 2.5 }, 400, "k", /whole number/],
      ["/retrieve", { rows: [{ user: 1, item: 3 }] }, 400, "rows[0].item", /unknown column `item`; the model reads user/],
    ];
    for (const [path, body, status, field, message] of cases) {
      const answer = await post(path, body);
      expect([path, JSON.stringify(body).slice(0, 60), answer.status]).toEqual([path, JSON.stringify(body).slice(0, 60), status]);
      expect(answer.body["field"]).toBe(field);
      expect(String(answer.body["error"])).toMatch(message);
    }
    // 300 seeded mutations of a good body (bytes changed, cut, repeated): each is answered 200 or 4xx.
    const random = xorshift32(2026);
    const good = JSON.stringify({
      rows: [
        { user: 12, item: 34 },
        { user: 5, item: 6 },
      ],
      with_inputs: true,
    });
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const { status } = await post(i % 2 ? "/predict" : "/retrieve", Buffer.from(damage(Buffer.from(good), random)).toString("latin1"));
      statuses.add(status);
    }
    expect([...statuses].every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${url}/predict`)).status).toBe(405);
    expect((await post("/predict", { rows: [{ user: 1, item: 2 }] })).status).toBe(200);
  });

  it.each([["SIGTERM"], ["SIGINT"]] as const)("the command listens on 127.0.0.1 and exits cleanly on %s", async (signal) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "rec.js"), "serve", join(EXAMPLE, "model.rec"), "--checkpoint", checkpoint, "--port", "0"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let [stdout, stderr] = ["", ""];
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const listening = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on("exit", () => reject(new Error(`exited before listening: ${stderr}`)));
    });
    expect((await fetch(`${listening}/health`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/stopped/);
  });
});
