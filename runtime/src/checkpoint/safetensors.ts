// Checkpoints in the safetensors format (an 8-byte little-endian header length, a JSON header
// naming each tensor's dtype, shape and byte range, then the raw little-endian data), so
// Python's `safetensors` library loads them. checkpoint.ts writes them atomically.
//
// Integrity: the metadata's `data_sha256` is the SHA-256 of the tensor table — the header's
// tensor entries as a JSON list of `[name, {dtype, shape, data_offsets}]` pairs sorted by name,
// written without spaces — followed by the data bytes. Any writer (a Python exporter) can compute
// it. It is checked when present. A file reclang wrote (its metadata names a `plan_hash`) must
// carry it; a file from elsewhere (Python's `safetensors`, a `state_dict` written by hand) need
// not, and still has every byte range validated.
//
// Dtypes: F32 and I32 load as they are; F16, BF16 and F64 convert to F32, and I64, I16, I8, U8
// and BOOL to I32 (an I64 value past ±2^31 is refused), each conversion noted in `notes`.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export interface StoredTensor {
  readonly dtype: "F32" | "I32";
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** Each stored dtype reclang reads: its bytes per element, the dtype it loads as, and how one element is read. */
const DTYPES: Readonly<Record<string, { bytes: number; as: "F32" | "I32"; read: (view: DataView, at: number) => number }>> = {
  F32: { bytes: 4, as: "F32", read: (v, at) => v.getFloat32(at, true) },
  F64: { bytes: 8, as: "F32", read: (v, at) => v.getFloat64(at, true) },
  F16: { bytes: 2, as: "F32", read: (v, at) => halfToNumber(v.getUint16(at, true)) },
  // bfloat16 is the top half of a float32.
  BF16: { bytes: 2, as: "F32", read: (v, at) => bfloatToNumber(v.getUint16(at, true)) },
  I32: { bytes: 4, as: "I32", read: (v, at) => v.getInt32(at, true) },
  I64: { bytes: 8, as: "I32", read: (v, at) => Number(v.getBigInt64(at, true)) },
  I16: { bytes: 2, as: "I32", read: (v, at) => v.getInt16(at, true) },
  I8: { bytes: 1, as: "I32", read: (v, at) => v.getInt8(at) },
  U8: { bytes: 1, as: "I32", read: (v, at) => v.getUint8(at) },
  BOOL: { bytes: 1, as: "I32", read: (v, at) => (v.getUint8(at) ? 1 : 0) },
};

const scratch = new DataView(new ArrayBuffer(4));

function bfloatToNumber(bits: number): number {
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}

/** IEEE 754 half precision: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
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

/** The metadata key naming the plan a reclang checkpoint was trained as (checkpoint.ts writes it). */
export const PLAN_HASH = "plan_hash";

type HeaderEntry = { dtype: string; shape: number[]; data_offsets: [number, number] };

/** A decoded file: its tensors (as F32 or I32), its string metadata, and a note per converted tensor. */
export interface DecodedSafetensors {
  readonly tensors: Map<string, StoredTensor>;
  readonly metadata: Record<string, string>;
  readonly notes: string[];
}

/**
 * Reads safetensors bytes after validating everything before using any of it: the header is a
 * JSON object, each tensor's dtype one of DTYPES, its shape whole non-negative numbers, its byte
 * range inside the data, of the shape's size, and the ranges tile the data exactly (no overlap,
 * no gap, nothing after). When the metadata holds a data hash (reclang's files always do), the
 * data must match it. Anything else is a CheckpointError naming the file.
 */
export function decodeSafetensors(bytes: Uint8Array, path = "checkpoint"): DecodedSafetensors {
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
    const kind = typeof dtype === "string" ? DTYPES[dtype] : undefined;
    if (!kind) return fail(`tensor ${name} has dtype ${JSON.stringify(dtype)}; reclang reads ${Object.keys(DTYPES).join(", ")}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${name} has a shape that is not a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0))
      return fail(`tensor ${name} has a bad byte range`);
    const [start, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (start > end || end > dataLength || end - start !== elements * kind.bytes) fail(`tensor ${name} has a bad byte range`);
    entries.push([name, { dtype: dtype as string, shape: shape as number[], data_offsets: [start, end] }]);
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
  // Every checkpoint reclang writes carries the hash; one that names a plan but lacks it has
  // damaged metadata. A file from another writer (no plan hash) is checked by its ranges alone.
  if (expected === undefined && PLAN_HASH in rest) fail(`its metadata lacks \`${DATA_HASH}\`, the hash every reclang checkpoint holds`);
  if (expected !== undefined && expected !== contentHash(table, bytes.subarray(base))) fail("its tensors do not match the hash saved with them");
  const tensors = new Map<string, StoredTensor>();
  const notes: string[] = [];
  for (const [name, e] of entries) {
    const [start, end] = e.data_offsets;
    const kind = DTYPES[e.dtype]!;
    const count = (end - start) / kind.bytes;
    const data = kind.as === "F32" ? new Float32Array(count) : new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const value = kind.read(view, base + start + i * kind.bytes);
      if (kind.as === "I32" && (value < -(2 ** 31) || value >= 2 ** 31)) fail(`tensor ${name} holds ${value}, beyond a 32-bit integer`);
      data[i] = value;
    }
    if (e.dtype !== kind.as) notes.push(`\`${name}\` is ${e.dtype} in the file: converted to ${kind.as}`);
    tensors.set(name, { dtype: kind.as, shape: e.shape, data });
  }
  return { tensors, metadata: rest, notes };
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

/** The pickle-based formats PyTorch also saves weights in, which reclang never opens (unpickling runs code). */
const PICKLED = /\.(pt|pth|bin|ckpt|pkl|pickle)$/i;

export function readSafetensors(path: string): DecodedSafetensors {
  if (PICKLED.test(path))
    throw new CheckpointError(
      `${path} is a pickled PyTorch file, which reclang does not open (unpickling can run any code); ` +
        `save the weights as safetensors instead: \`safetensors.torch.save_file(model.state_dict(), "weights.safetensors")\`, ` +
        `or without that package, write the header and the raw tensors yourself (spec/checkpoints.md)`,
    );
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new CheckpointError(`cannot read the checkpoint ${path}`);
  }
  return decodeSafetensors(bytes, path);
}
