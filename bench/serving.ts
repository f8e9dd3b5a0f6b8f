// bench/serving: what `rec serve` does, measured as a user runs it.
//
// 1. Retrieval index: Recall@10 of the HNSW index (hnswlib-node, M 16, efConstruction 100)
//    against exact search over the same vectors, at 100,000 and 1,000,000 items of dim 32, and
//    query time of each, the exact search as the baseline (the speed-up is the ratio). Vectors:
//    a mixture of 1,000 Gaussian clusters (unit spread around centres drawn N(0, 1), noise 0.5),
//    as trained item embeddings cluster; 200 queries drawn the same way; scored by inner product.
// 2. The server: `rec serve examples/serving/model.rec` started as a command, with the item
//    vectors `rec embed` wrote, loaded by autocannon against 127.0.0.1 (16 connections, 10 s a
//    route): /predict (one row per request) and /retrieve (k = 10) with the HNSW index, and the
//    same /retrieve on a server started with --exact as the baseline; p50 and p99 latency,
//    requests a second, and the serving process's peak resident memory (VmHWM).
//
// `node dist/bench/serving.js` runs it all; `node dist/bench/serving.js index <items>` is one
// index measurement (what the driver spawns, so each size's memory is its own), one JSON line;
// `node dist/bench/serving.js server` the server's part alone.

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exactIndex, hnswIndex, type Catalogue } from "../runtime/src/serving/vector-index.js";

const DIM = 32;
const CLUSTERS = 1_000;
const QUERIES = 200;
const SETTINGS = { m: 16, efConstruction: 100, seed: 100 };
const EF = [32, 64, 128, 256];
const ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

function gaussian(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const uniform = () => ((s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function clustered(count: number, normal: () => number, centres: Float32Array): Float32Array {
  const out = new Float32Array(count * DIM);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(Math.abs(normal() * 1e6)) % CLUSTERS;
    for (let j = 0; j < DIM; j++) out[i * DIM + j] = centres[c * DIM + j]! + 0.5 * normal();
  }
  return out;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;

async function measureIndex(items: number) {
  const normal = gaussian(items);
  const centres = Float32Array.from({ length: CLUSTERS * DIM }, normal);
  const catalogue: Catalogue = { ids: Int32Array.from({ length: items }, (_, i) => i), vectors: clustered(items, normal, centres), dim: DIM };
  const queries = clustered(QUERIES, normal, centres);
  const exact = exactIndex(catalogue, "dot");
  const truth: number[][] = [];
  const exactMs: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const started = performance.now();
    truth.push(exact.search(queries.subarray(q * DIM, (q + 1) * DIM), 10).ids);
    exactMs.push(performance.now() - started);
  }
  const built = performance.now();
  const index = await hnswIndex(catalogue, "dot", { ...SETTINGS, efSearch: EF[0]! });
  if (!index) throw new Error("hnswlib-node is not installed: `npm ci` builds it (it needs make and g++)");
  const buildSeconds = (performance.now() - built) / 1000;
  const rows: { ef: number; recall: number; p50Ms: number; speedup: number }[] = [];
  for (const ef of EF) {
    let found = 0;
    const ms: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const started = performance.now();
      const ids = index.search(queries.subarray(q * DIM, (q + 1) * DIM), 10, ef).ids;
      ms.push(performance.now() - started);
      found += ids.filter((id) => truth[q]!.includes(id)).length;
    }
    rows.push({ ef, recall: found / (QUERIES * 10), p50Ms: percentile(ms, 0.5), speedup: percentile(exactMs, 0.5) / percentile(ms, 0.5) });
  }
  const rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024;
  return { items, buildSeconds, exactP50Ms: percentile(exactMs, 0.5), rows, peakBytes: rss };
}

export function benchIndex(): string {
  const lines = ["serving: the retrieval index, HNSW (M 16, efConstruction 100) against exact search (inner product, dim 32, 200 queries)"];
  for (const items of [100_000, 1_000_000]) {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "index", String(items)], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (run.status !== 0) {
      lines.push(`  ${items} items: failed: ${run.stderr.trim().split("\n").slice(-3).join(" ")}`);
      continue;
    }
    const m = JSON.parse(run.stdout.trim().split("\n").pop()!) as Awaited<ReturnType<typeof measureIndex>>;
    lines.push(
      `  ${items.toLocaleString("en-US")} items: built in ${m.buildSeconds.toFixed(1)} s; exact search ${m.exactP50Ms.toFixed(2)} ms a query (p50); ` +
        `peak memory ${(m.peakBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    for (const r of m.rows)
      lines.push(
        `    ef ${String(r.ef).padStart(3)}: Recall@10 ${r.recall.toFixed(3)}, ${r.p50Ms.toFixed(3)} ms a query (p50), ${r.speedup.toFixed(0)}× exact search`,
      );
  }
  return lines.join("\n");
}

const SERVING_ITEMS = 100_000;
const rec = (args: string[]) => {
  const run = spawnSync(process.execPath, [join(ROOT, "bin", "rec.js"), ...args], { cwd: ROOT, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`rec ${args.join(" ")} failed: ${run.stderr}`);
};

/** `rec serve` started as a user starts it; resolves once it prints where it listens. */
function startServer(args: string[]): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, "bin", "rec.js"), "serve", ...args, "--port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let errors = "";
  child.stderr.on("data", (d: Buffer) => (errors += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      const url = /listening on (\S+)/.exec(d.toString())?.[1];
      const exited = new Promise<void>((done) => child.on("exit", () => done()));
      if (url) resolve({ url, pid: child.pid!, stop: () => (child.kill("SIGTERM"), exited) });
    });
    child.on("exit", (code) => reject(new Error(`rec serve exited (${code}): ${errors}`)));
  });
}

const peakOf = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;

interface Load {
  readonly p50: number;
  readonly p99: number;
  readonly rps: number;
  readonly errors: number;
}

async function load(url: string, path: string, body: (n: number) => unknown): Promise<Load> {
  const { default: autocannon } = (await import("autocannon" as string)) as {
    default: (
      options: Record<string, unknown>,
    ) => Promise<{ latency: { p50: number; p99: number }; requests: { average: number }; non2xx: number; errors: number }>;
  };
  let n = 0;
  const result = await autocannon({
    url: url + path,
    connections: 16,
    duration: 10,
    requests: [{ method: "POST", headers: { "content-type": "application/json" }, setupRequest: (r: object) => ({ ...r, body: JSON.stringify(body(n++)) }) }],
  });
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors: result.non2xx + result.errors };
}

export async function benchServer(): Promise<string> {
  const dir = join(ROOT, ".tmp", "bench-serving");
  mkdirSync(dir, { recursive: true });
  const spec = join("examples", "serving", "model.rec");
  const size = [`--set`, `items=${SERVING_ITEMS}`];
  rec(["train", spec, ...size, "--steps", "50", "--out", join(dir, "run"), "--overwrite"]);
  const checkpoint = join(dir, "run", "checkpoint.safetensors");
  const vectors = join(dir, "items.parquet");
  rec(["embed", spec, ...size, "--checkpoint", checkpoint, "--encoder", "item", "--out", vectors]);
  const lines = [`serving: \`rec serve ${spec} --set items=${SERVING_ITEMS}\` under autocannon (16 connections, 10 s a route, 127.0.0.1; latency in ms)`];
  const row = (what: string, l: Load, peak: number) =>
    `  ${what.padEnd(38)} p50 ${String(l.p50).padStart(4)}  p99 ${String(l.p99).padStart(4)}  ${l.rps.toFixed(0).padStart(6)} req/s` +
    `${l.errors ? `  ${l.errors} failed` : ""}  server peak ${(peak / 2 ** 20).toFixed(0)} MiB`;
  const user = (n: number) => (n * 7919) % 2000;
  for (const exact of [false, true]) {
    const server = await startServer([spec, ...size, "--checkpoint", checkpoint, "--index", vectors, "--query", "user", ...(exact ? ["--exact"] : [])]);
    if (!exact) {
      const predict = await load(server.url, "/predict", (n) => ({ rows: [{ user: user(n), item: (n * 104_729) % SERVING_ITEMS }] }));
      lines.push(row("/predict, 1 row a request", predict, peakOf(server.pid)));
    }
    const retrieve = await load(server.url, "/retrieve", (n) => ({ rows: [{ user: user(n) }], k: 10 }));
    lines.push(row(`/retrieve k 10, ${exact ? "exact search (baseline)" : "HNSW index"}`, retrieve, peakOf(server.pid)));
    await server.stop();
  }
  return lines.join("\n");
}

if (process.argv[2] === "index") {
  process.stdout.write(`${JSON.stringify(await measureIndex(Number(process.argv[3])))}\n`);
} else if (process.argv[2] === "server") {
  process.stdout.write(`${await benchServer()}\n`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${benchIndex()}\n${await benchServer()}\n`);
}
