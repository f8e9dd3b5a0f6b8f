// A torch process on a pipe: the Node side of reclang_torch/serve.py and wire.py. In: requests
// (a JSON header and tensors as typed arrays). Out: the process's replies, one per request, in
// order. A message is an 8-byte little-endian length, the JSON header, then each tensor's raw
// little-endian bytes in the order the header lists them ({name, dtype, shape}).

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { pythonString } from "../literals.js";

export type WireDType = "f32" | "i32" | "i64" | "bool";

export interface WireTensor {
  readonly dtype: WireDType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

export interface Reply {
  readonly header: Record<string, unknown>;
  readonly tensors: Map<string, WireTensor>;
}

export class TorchProcessError extends Error {
  override readonly name = "TorchProcessError";
}

const BYTES: Record<WireDType, number> = { f32: 4, i32: 4, i64: 8, bool: 1 };

export function encodeMessage(header: Record<string, unknown>, tensors: ReadonlyMap<string, WireTensor> = new Map()): Buffer {
  const specs = [...tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
  const json = Buffer.from(JSON.stringify({ ...header, tensors: specs }), "utf8");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...[...tensors.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))]);
}

/** Parses one message at the start of `buffer`: the message and its length, or undefined when incomplete. */
export function decodeMessage(buffer: Buffer): { reply: Reply; length: number } | undefined {
  if (buffer.length < 8) return undefined;
  const headerLength = Number(buffer.readBigUInt64LE(0));
  if (buffer.length < 8 + headerLength) return undefined;
  const header = JSON.parse(buffer.subarray(8, 8 + headerLength).toString("utf8")) as Record<string, unknown> & {
    tensors?: { name: string; dtype: WireDType; shape: number[] }[];
  };
  let at = 8 + headerLength;
  const tensors = new Map<string, WireTensor>();
  for (const spec of header.tensors ?? []) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * BYTES[spec.dtype];
    if (buffer.length < at + bytes) return undefined;
    const copy = new Uint8Array(buffer.subarray(at, at + bytes)).buffer;
    const data = spec.dtype === "f32" ? new Float32Array(copy) : spec.dtype === "bool" ? new Uint8Array(copy) : new Int32Array(copy);
    tensors.set(spec.name, { dtype: spec.dtype, shape: spec.shape, data });
    at += bytes;
  }
  return { reply: { header, tensors }, length: at };
}

/** One Python process running `serve.main` for a generated package. */
export class TorchProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private stderr = "";
  private exited: string | undefined;

  constructor(python: string, folder: string, packageName: string, threads = 0, env: NodeJS.ProcessEnv = process.env) {
    const code =
      `import sys; sys.path.insert(0, ${pythonString(folder)}); from ` +
      `${packageName}.reclang_torch.serve import main; main(${pythonString(packageName)}, ` +
      `${threads})`;
    this.child = spawn(python, ["-u", "-c", code], { cwd: folder, env: { ...env, ...(threads ? { OMP_NUM_THREADS: String(threads) } : {}) } });
    this.child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString("utf8")).slice(-8000)));
    this.child.on("exit", (code, signal) => {
      this.exited = `the torch process exited (${signal ?? `code ${code}`})${this.stderr ? `:\n${this.stderr.trim()}` : ""}`;
      for (const w of this.waiting.splice(0)) w.reject(new TorchProcessError(this.exited));
    });
    this.child.on("error", (error) => {
      this.exited = `cannot start ${python}: ${error.message}`;
      for (const w of this.waiting.splice(0)) w.reject(new TorchProcessError(this.exited));
    });
  }

  /** Sends one request; resolves to its reply, rejects with the process's error. */
  call(header: Record<string, unknown>, tensors?: ReadonlyMap<string, WireTensor>): Promise<Reply> {
    if (this.exited) return Promise.reject(new TorchProcessError(this.exited));
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.push({
        resolve: (reply) => (reply.header["ok"] ? resolve(reply) : reject(new TorchProcessError(String(reply.header["error"] ?? "the torch process failed")))),
        reject,
      });
      this.child.stdin.write(encodeMessage(header, tensors));
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    await this.call({ cmd: "close" }).catch(() => undefined);
    this.child.stdin.end();
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      let decoded: ReturnType<typeof decodeMessage>;
      try {
        decoded = decodeMessage(this.pending);
      } catch (error) {
        // Not our format (a library printing to stdout): fail every request rather than guess.
        this.exited = `the torch process wrote something that is not a reply: ${error instanceof Error ? error.message : String(error)}`;
        for (const w of this.waiting.splice(0)) w.reject(new TorchProcessError(this.exited));
        this.child.kill();
        return;
      }
      if (!decoded) return;
      this.pending = this.pending.subarray(decoded.length);
      this.waiting.shift()?.resolve(decoded.reply);
    }
  }
}
