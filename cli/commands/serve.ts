// `rec serve FILE --checkpoint PATH [--index VECTORS.parquet --query ENCODER]`: the model behind
// an HTTP endpoint (runtime/src/serving/). In: the spec, its weights, optionally the item vectors
// `rec embed` wrote. Out: a server on 127.0.0.1 (unless --host says otherwise) until SIGTERM or
// SIGINT, then a clean exit once the requests in flight are answered. Its first stdout line is
// `listening on http://HOST:PORT` (with --port 0, the port chosen).

import { dirname, resolve } from "node:path";
import { predictSchemaOf } from "../../runtime/src/score-rows.js";
import { inputsOf, inputsOfSteps } from "../../runtime/src/serve.js";
import { predictionServer, DEFAULT_HTTP } from "../../runtime/src/serving/http.js";
import { ServingSession } from "../../runtime/src/serving/session.js";
import { indexCacheFor, openIndex, readCatalogue, type Similarity } from "../../runtime/src/serving/vector-index.js";
import type { BackendName } from "../../runtime/src/tfjs/backends.js";
import { EXIT } from "../io.js";
import { chosenModel, compileArgs, dimSizesFrom, type Command } from "./shared.js";
import { reportingUserErrors } from "./user-errors.js";

export const serveCommand: Command = async (args, io) => {
  const option = (name: string) => args.options.get(name) as string | undefined;
  const whole = (name: string, min: number, fallback: number) => {
    const value = Number(option(name) ?? fallback);
    return Number.isInteger(value) && value >= min ? value : undefined;
  };
  const [port, maxBatch, maxBody] = [whole("port", 0, 8080), whole("max-batch", 1, 256), whole("max-body", 64, DEFAULT_HTTP.maxBodyBytes)];
  const usage = (message: string) => {
    io.stderr(`error: ${message}\n`);
    return EXIT.usage;
  };
  if (args.positionals.length !== 1 || !option("checkpoint")) return usage("`rec serve` takes one file and --checkpoint PATH");
  if (port === undefined || port > 65535) return usage(`--port ${option("port")}: a port number, 0 to 65535`);
  if (maxBatch === undefined) return usage(`--max-batch ${option("max-batch")}: a whole number of rows, at least 1`);
  if (maxBody === undefined) return usage(`--max-body ${option("max-body")}: a whole number of bytes, at least 64`);
  if ((option("index") === undefined) !== (option("query") === undefined)) return usage("--index VECTORS.parquet and --query ENCODER go together");
  const sizes = dimSizesFrom(args, io);
  if (!sizes) return EXIT.usage;
  const result = compileArgs(args, io);
  if (typeof result === "number") return result;
  const index = chosenModel(result, args, io);
  if (index === undefined) return EXIT.usage;
  const plan = result.plans[index]!;
  const specDir = dirname(resolve(io.cwd, args.positionals[0]!));
  return reportingUserErrors(io, async () => {
    const query = option("query");
    let retrieval;
    if (query !== undefined) {
      const step = plan.entries.encode.outputs[query];
      if (step === undefined)
        return usage(`model ${plan.model} has no encoder \`${query}\` (its encoders: ${Object.keys(plan.entries.encode.outputs).join(", ")})`);
      const started = performance.now();
      const vectorsPath = resolve(io.cwd, option("index")!);
      const catalogue = await readCatalogue(vectorsPath);
      const similarity = (option("similarity") ?? "dot") as Similarity;
      // The graph is kept beside the vectors (items.parquet.hnsw) for the next start, unless --no-index-cache.
      const cache = args.options.get("no-index-cache") === true ? undefined : indexCacheFor(vectorsPath, similarity);
      const vectors = await openIndex(catalogue, similarity, { exact: args.options.get("exact") === true, ...(cache ? { cache } : {}) });
      const how =
        vectors.kind === "exact" ? "exact" : `approximate (hnswlib-node HNSW${"cached" in vectors && vectors.cached ? `, read from ${cache!.path}` : ""})`;
      io.stderr(
        `index: ${how} over ${vectors.size.toLocaleString("en-US")} vectors of ${vectors.dim}, ` +
          `ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
      retrieval = { encoder: query, schema: predictSchemaOf(plan, specDir, inputsOfSteps(plan, [step]), sizes), index: vectors };
    }
    const session = await ServingSession.open({
      plan,
      checkpoint: resolve(io.cwd, option("checkpoint")!),
      predictSchema: predictSchemaOf(plan, specDir, inputsOf(plan), sizes),
      ...(retrieval ? { retrieval } : {}),
      backend: option("backend") as BackendName,
      maxBatch,
    });
    for (const note of session.notes) io.stderr(`note: ${note}\n`);
    const server = predictionServer(session, { host: option("host") ?? "127.0.0.1", port, maxBodyBytes: maxBody, maxK: DEFAULT_HTTP.maxK });
    const url = await server.listen();
    io.stdout(`listening on ${url}\n`);
    const host = option("host") ?? "127.0.0.1";
    if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1")
      io.stderr(`note: listening on ${host}, not only this machine: the server has no authentication; put it behind one\n`);
    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        io.stderr(`${signal}: finishing the requests in flight\n`);
        void server.close().then(done);
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
    session.dispose();
    io.stderr("stopped\n");
    return EXIT.ok;
  });
};
