// Reading a .rec file from disk: path → SourceFile, or a diagnostic when the bytes are not
// usable text (not UTF-8, too large). A missing or unreadable file is a usage problem, not a
// diagnostic about source, and is returned as `unreadable` for the caller to report.

import { readFileSync, statSync } from "node:fs";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { syntaxDiagnostic } from "../syntax/syntax-diagnostics.js";
import { SourceFile } from "./source-file.js";

/** Specs are small; a file this size is generated or a mistake. */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

export type ReadResult =
  | { readonly kind: "ok"; readonly source: SourceFile }
  | { readonly kind: "bad-text"; readonly source: SourceFile; readonly diagnostic: Diagnostic }
  | { readonly kind: "unreadable"; readonly reason: string };

export function readSource(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): ReadResult {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { kind: "unreadable", reason: "is a directory" };
    // A device, pipe or socket has no size to check and may never end (/dev/zero): refused unread.
    if (!stat.isFile()) return { kind: "unreadable", reason: "is not a regular file (a device, a pipe or a socket)" };
    size = stat.size;
  } catch (error) {
    return { kind: "unreadable", reason: describeFsError(error) };
  }
  if (size > maxBytes) {
    const source = new SourceFile(path, "");
    return {
      kind: "bad-text",
      source,
      diagnostic: syntaxDiagnostic(source, "REC1023", { start: 0, end: 0 }, { size: formatBytes(size), limit: formatBytes(maxBytes) }),
    };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { kind: "unreadable", reason: describeFsError(error) };
  }
  return decodeSource(path, bytes);
}

/** Decodes bytes as UTF-8 text (a leading byte-order mark is dropped). */
export function decodeSource(path: string, bytes: Uint8Array): ReadResult {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    if (text.includes("\0")) throw new Error("NUL byte");
    return { kind: "ok", source: new SourceFile(path, text) };
  } catch {
    const bad = firstInvalidByte(body);
    const prefix = new TextDecoder("utf-8").decode(body.subarray(0, bad));
    const source = new SourceFile(path, new TextDecoder("utf-8").decode(body));
    const byte = body[bad] ?? 0;
    return {
      kind: "bad-text",
      source,
      diagnostic: syntaxDiagnostic(
        source,
        "REC1022",
        { start: prefix.length, end: prefix.length + 1 },
        {
          byte: `0x${byte.toString(16).padStart(2, "0")}`,
          offset: String(bad),
        },
      ),
    };
  }
}

/** Offset of the first byte that breaks UTF-8 (or is NUL, which text never holds). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0) return i;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const chunk = bytes.subarray(i, i + length);
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(chunk);
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
