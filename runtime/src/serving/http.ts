// The prediction server's HTTP layer (`rec serve`), on node:http. In: requests. Out: JSON
// answers from a ServingSession. Routes: `GET /health`, `GET /metadata`, `POST /predict`
// (`{"rows": [{…}, …], "with_inputs": false}` → `{"predictions": [{head: value, …}, …]}`) and
// `POST /retrieve` (`{"rows": [{…}], "k": 10}` → `{"results": [{"ids": […], "scores": […]}]}`).
// Every request is checked before it reaches the model: the body's size, JSON, its fields and
// their types, each row through the model's schema (the checks training data gets: dtypes, id
// ranges, missing values). A bad request is a 400 (413 when too large) naming the field; no
// request can crash the server. `close()` stops accepting, lets running requests finish and ends.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BadRowError, type EncodedRow } from "../data/encode.js";
import type { RowScorer } from "../score-rows.js";
import type { ServingSession } from "./session.js";

export interface HttpOptions {
  /** 127.0.0.1 unless the user asks for another interface. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly maxBodyBytes: number;
  /** The most neighbours one query may ask for. */
  readonly maxK: number;
}

export const DEFAULT_HTTP: HttpOptions = { host: "127.0.0.1", port: 8080, maxBodyBytes: 1 << 20, maxK: 1000 };

/** A request the server refuses: its status, the field at fault (a JSON path) and why. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

export interface PredictionServer {
  readonly server: Server;
  /** Starts listening; resolves to the URL it listens on. */
  listen(): Promise<string>;
  /** Stops accepting connections, waits for the requests in flight, and closes the rest. */
  close(): Promise<void>;
}

export function predictionServer(session: ServingSession, options: HttpOptions = DEFAULT_HTTP): PredictionServer {
  const server = createServer((request, response) => {
    void answer(session, options, request, response).catch((error: unknown) => {
      // A fault of ours, not the request's: reported, never fatal.
      send(response, 500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  // A malformed request line or header never reaches the handler: answer it and drop the connection.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });
  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => {
          const address = server.address() as AddressInfo;
          const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${host}:${address.port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A client that keeps a connection busy past the request timeout is cut off.
        setTimeout(() => server.closeAllConnections(), server.requestTimeout).unref();
      }),
  };
}

async function answer(session: ServingSession, options: HttpOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? "/").split("?")[0];
  const routes: Record<string, string> = { "/health": "GET", "/metadata": "GET", "/predict": "POST", "/retrieve": "POST" };
  try {
    const method = routes[path ?? ""];
    if (!method) throw new RequestError(404, null, `no endpoint ${path}; the endpoints are ${Object.keys(routes).join(", ")}`);
    if (request.method !== method) throw new RequestError(405, null, `${path} answers ${method}, not ${request.method}`);
    if (path === "/health") return send(response, 200, { status: "ok" });
    if (path === "/metadata") return send(response, 200, session.metadata());
    const body = await readJson(request, options.maxBodyBytes);
    if (path === "/predict") {
      const { rows, with_inputs: withInputs } = fields(body, { rows: "array", with_inputs: "boolean" });
      const encoded = encodeRows(session.predictScorer, rows, session.options.maxBatch);
      const scored = await session.predictBatcher.submit(encoded);
      return send(response, 200, {
        predictions: scored.map((s, i) => (withInputs ? { ...s.heads, inputs: encodedInputs(encoded[i]!) } : s.heads)),
      });
    }
    if (!session.queryScorer)
      throw new RequestError(404, null, "this server has no retrieval index: start `rec serve` with --index VECTORS.parquet and --query ENCODER");
    const { rows, k = 10 } = fields(body, { rows: "array", k: "number" });
    if (!Number.isInteger(k) || k < 1 || k > options.maxK) throw new RequestError(400, "k", `k must be a whole number from 1 to ${options.maxK}`);
    const results = await session.retrieve(encodeRows(session.queryScorer, rows, session.options.maxBatch), k);
    return send(response, 200, { results });
  } catch (error) {
    if (error instanceof RequestError) return send(response, error.status, { error: error.message, field: error.field });
    throw error;
  }
}

/** The body, parsed, refusing more than `limit` bytes as they arrive. */
function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(new RequestError(413, null, `the body is ${declared} bytes; the limit is ${limit}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the 413 reaches the client.
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new RequestError(413, null, `the body is more than ${limit} bytes`));
      else chunks.push(chunk);
    });
    request.on("error", reject);
    request.on("end", () => {
      if (size > limit) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch (error) {
        reject(new RequestError(400, null, `the body is not JSON (${(error as Error).message})`));
      }
    });
  });
}

type FieldKind = "array" | "boolean" | "number";
type FieldValue<K> = K extends "array" ? unknown[] : K extends "boolean" ? boolean : number;

/** The body's fields, each of its kind; an unknown field or one of another type is a 400 naming it. `rows` is required. */
function fields<S extends Record<string, FieldKind>>(body: unknown, shape: S): { rows: unknown[] } & { [K in keyof S]?: FieldValue<S[K]> } {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new RequestError(400, null, 'the body must be a JSON object such as {"rows": [{…}]}');
  for (const [name, value] of Object.entries(body)) {
    const kind = shape[name];
    if (!kind) throw new RequestError(400, name, `unknown field \`${name}\`; this endpoint reads ${Object.keys(shape).join(", ")}`);
    const ok = kind === "array" ? Array.isArray(value) : typeof value === kind;
    if (!ok) throw new RequestError(400, name, `\`${name}\` must be ${kind === "array" ? "a list" : `a ${kind}`}`);
  }
  if (!("rows" in body)) throw new RequestError(400, "rows", "`rows` is missing: send the rows to score as a list of objects");
  return body as never;
}

/** Each row through the scorer's schema; the first bad one is a 400 naming `rows[i].column`. */
function encodeRows(scorer: RowScorer, rows: unknown[], maxBatch: number): EncodedRow[] {
  if (rows.length === 0) throw new RequestError(400, "rows", "`rows` is empty");
  if (rows.length > maxBatch) throw new RequestError(413, "rows", `${rows.length} rows in one request; the limit is ${maxBatch} (--max-batch)`);
  const known = new Set(scorer.columns);
  return rows.map((row, i) => {
    if (typeof row !== "object" || row === null || Array.isArray(row))
      throw new RequestError(400, `rows[${i}]`, `rows[${i}] must be an object of column values`);
    for (const name of Object.keys(row))
      if (!known.has(name)) throw new RequestError(400, `rows[${i}].${name}`, `unknown column \`${name}\`; the model reads ${[...known].join(", ")}`);
    try {
      return scorer.encode({ index: i, values: row as Record<string, unknown> });
    } catch (error) {
      if (error instanceof BadRowError) throw new RequestError(400, `rows[${i}].${error.column}`, `${error.reason} (${error.code})`);
      throw error;
    }
  });
}

/** The inputs as the model saw them: a number, or a list for a field with a shape. */
const encodedInputs = (row: EncodedRow) => Object.fromEntries([...row.fields].map(([name, v]) => [name, v.length === 1 ? v[0] : Array.from(v)]));

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}
