// Checkpoints in the safetensors format (an 8-byte little-endian header length, a JSON header
// naming each tensor's dtype, shape and byte range, then the raw little-endian data), so
// Python's `safetensors` library loads them. checkpoint.ts writes them atomically.

import { readFileSync } from "node:fs";

export interface StoredTensor {
  readonly dtype: "F32" | "I32";
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

/** Serializes tensors (sorted by name) and string metadata to safetensors bytes. */
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
  // The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += " ";
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  const view = new DataView(out.buffer);
  for (const name of names) {
    const t = tensors.get(name)!;
    for (let i = 0; i < t.data.length; i++, at += 4) {
      if (t.dtype === "F32") view.setFloat32(at, t.data[i]!, true);
      else view.setInt32(at, t.data[i]!, true);
    }
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, path = "checkpoint"): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new CheckpointError(`${path} is too short to be a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new CheckpointError(`${path}: its header claims ${headerLength} bytes, more than the file holds`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString("utf8"));
  } catch {
    throw new CheckpointError(`${path}: the header is not JSON`);
  }
  const base = 8 + headerLength;
  const tensors = new Map<string, StoredTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (e.dtype !== "F32" && e.dtype !== "I32") throw new CheckpointError(`${path}: tensor ${name} has dtype ${e.dtype}; reclang reads F32 and I32`);
    const [start, end] = e.data_offsets;
    if (base + end > bytes.length || end - start !== e.shape.reduce((a, b) => a * b, 1) * 4) throw new CheckpointError(`${path}: tensor ${name} has a bad byte range`);
    const data = e.dtype === "F32" ? new Float32Array((end - start) / 4) : new Int32Array((end - start) / 4);
    for (let i = 0; i < data.length; i++) data[i] = e.dtype === "F32" ? view.getFloat32(base + start + i * 4, true) : view.getInt32(base + start + i * 4, true);
    tensors.set(name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata: (header["__metadata__"] ?? {}) as Record<string, string> };
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
