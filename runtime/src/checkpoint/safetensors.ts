// Checkpoints in the safetensors format (an 8-byte little-endian header length, a JSON header
// naming each tensor's dtype, shape and byte range, then the raw little-endian data), so
// Python's `safetensors` library loads them. checkpoint.ts writes them atomically.
//
// Integrity: the metadata's `data_sha256` is the SHA-256 of the tensor table — the header's
// tensor entries as a JSON list of `[name, {dtype, shape, data_offsets}]` pairs sorted by name,
// written without spaces — followed by the data bytes. Any writer (a Python exporter) can compute
// it; a file without it is refused, since its weights could be anything.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export interface StoredTensor {
  readonly dtype: "F32" | "I32";
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

/** Serializes tensors (sorted by name) and string metadata, plus the data's hash, to safetensors bytes. */
export function encodeSafetensors(tensors: ReadonlyMap<string, StoredTensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const bytes = t.data.length * 4;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const data = new Uint8Array(offset);
  const view = new DataView(data.buffer);
  let at = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    for (let i = 0; i < t.data.length; i++, at += 4) {
      if (t.dtype === "F32") view.setFloat32(at, t.data[i]!, true);
      else view.setInt32(at, t.data[i]!, true);
    }
  }
  header["__metadata__"] = {
    ...metadata,
    [DATA_HASH]: contentHash(
      names.map((name) => [name, header[name]]),
      data,
    ),
  };
  // The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += " ";
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

/** The metadata key holding the SHA-256 of the tensor table and data, so a flipped byte is caught. */
export const DATA_HASH = "data_sha256";

type HeaderEntry = { dtype: "F32" | "I32"; shape: number[]; data_offsets: [number, number] };

/**
 * Reads safetensors bytes after validating everything before using any of it: the header is a
 * JSON object, each tensor's dtype is F32 or I32, its shape whole non-negative numbers, its byte
 * range inside the data, of the shape's size, and the ranges tile the data exactly (no overlap,
 * no gap, nothing after). When the metadata holds a data hash (ours always do), the data must
 * match it. Anything else is a CheckpointError naming the file.
 */
export function decodeSafetensors(bytes: Uint8Array, path = "checkpoint"): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  const fail = (why: string): never => {
    throw new CheckpointError(`${path}: ${why}; the checkpoint is damaged`);
  };
  if (bytes.length < 8) throw new CheckpointError(`${path} is too short to be a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed > BigInt(bytes.length - 8)) fail(`its header claims ${claimed} bytes, more than the file holds`);
  const headerLength = Number(claimed);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString("utf8"));
  } catch {
    fail("the header is not JSON");
  }
  if (!isRecord(header)) return fail("the header is not a JSON object");
  const metadata = header["__metadata__"] ?? {};
  if (!isRecord(metadata) || Object.values(metadata).some((v) => typeof v !== "string")) fail("the metadata is not a map of strings");
  const base = 8 + headerLength;
  const dataLength = bytes.length - base;
  const entries: Array<[string, HeaderEntry]> = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (!isRecord(entry)) return fail(`tensor ${name} is not described by an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (dtype !== "F32" && dtype !== "I32") fail(`tensor ${name} has dtype ${JSON.stringify(dtype)}; reclang reads F32 and I32`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${name} has a shape that is not a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0))
      return fail(`tensor ${name} has a bad byte range`);
    const [start, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (start > end || end > dataLength || end - start !== elements * 4) fail(`tensor ${name} has a bad byte range`);
    entries.push([name, { dtype: dtype as "F32" | "I32", shape: shape as number[], data_offsets: [start, end] }]);
  }
  // The ranges must tile the data: sorted by start, each begins where the previous ended.
  let covered = 0;
  for (const [name, e] of [...entries].sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0])) {
    if (e.data_offsets[0] !== covered)
      fail(`tensor ${name}'s bytes ${e.data_offsets[0] < covered ? "overlap another tensor's" : "leave a gap after the previous tensor's"}`);
    covered = e.data_offsets[1];
  }
  if (covered !== dataLength) fail(`${dataLength - covered} bytes after the last tensor belong to none`);
  const { [DATA_HASH]: expected, ...rest } = metadata as Record<string, string>;
  const table = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  // Every checkpoint reclang (or an exporter following this header) writes carries the hash; one
  // without it has damaged metadata, or was written by a tool that gives no such guarantee.
  if (expected === undefined) fail(`its metadata lacks \`${DATA_HASH}\`, the hash every reclang checkpoint holds`);
  if (expected !== contentHash(table, bytes.subarray(base))) fail("its tensors do not match the hash saved with them");
  const tensors = new Map<string, StoredTensor>();
  for (const [name, e] of entries) {
    const [start, end] = e.data_offsets;
    const data = e.dtype === "F32" ? new Float32Array((end - start) / 4) : new Int32Array((end - start) / 4);
    for (let i = 0; i < data.length; i++) data[i] = e.dtype === "F32" ? view.getFloat32(base + start + i * 4, true) : view.getInt32(base + start + i * 4, true);
    tensors.set(name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata: rest };
}

/**
 * The hex SHA-256 of a checkpoint's tensor table (names, dtypes, shapes, byte ranges, by name)
 * and its data: a flipped byte in a name, a range or a value changes it.
 */
function contentHash(table: ReadonlyArray<readonly [string, unknown]>, data: Uint8Array): string {
  return createHash("sha256").update(JSON.stringify(table)).update(data).digest("hex");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readSafetensors(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new CheckpointError(`cannot read the checkpoint ${path}`);
  }
  return decodeSafetensors(bytes, path);
}
