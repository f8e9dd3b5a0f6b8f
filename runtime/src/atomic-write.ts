// Atomic file writes for everything the tools write (checkpoints, plans, run files, data):
// content → a temporary file beside the target, flushed to disk, renamed over the target, and
// the directory flushed, so a crash at any point leaves either the old file or the new one.

import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Refuses a target that exists and is not a regular file: renaming over `/dev/null` (as root) or
 * over a folder would replace it. A Node error with `code`, `path` and `syscall`, which the
 * command line reports in one line.
 */
function requireRegularTarget(path: string): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return;
  }
  if (stats.isFile()) return;
  throw Object.assign(new Error(`${path} exists and is not a regular file`), { code: stats.isDirectory() ? "EISDIR" : "ENOTREGULAR", path, syscall: "write" });
}

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  requireRegularTarget(path);
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temporary, "w");
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  syncDirectory(dirname(path));
}

/**
 * A file written in pieces (a stream too large to hold), atomically: the writer fills
 * `temporary`, then `commit` flushes it to disk and renames it over `path` (or `abort` removes it).
 */
export function openAtomic(path: string): { readonly temporary: string; commit(): void; abort(): void } {
  requireRegularTarget(path);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  return {
    temporary,
    commit() {
      const fd = openSync(temporary, "r+");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
      syncDirectory(dirname(path));
    },
    abort() {
      if (existsSync(temporary)) unlinkSync(temporary);
    },
  };
}

/** The name of a temporary file of writeFileAtomic: `.<target>.<pid>.<ms>.tmp`. */
const TEMPORARY = /^\..+\.(\d+)\.\d+\.tmp$/;

/**
 * Removes the temporary files a killed writer left in `dir` (their process is gone), so a
 * killed save leaves nothing behind once the next run starts there. Returns their names.
 */
export function removeStaleTemporaries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const pid = TEMPORARY.exec(name)?.[1];
    if (pid === undefined || processAlive(Number(pid))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Makes the rename itself durable; a no-op where directories cannot be opened (Windows). */
function syncDirectory(dir: string) {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Best effort: the file's content is already on disk.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A name for a file or folder made from a user's name (a model's, an experiment's): as it is
 * when short, else its first 60 characters and a hash of the whole, so a 300-character model name
 * still makes a valid path (file systems allow 255 bytes a name; temporaries add ~30).
 */
export function fileNameFor(name: string): string {
  if (Buffer.byteLength(name) <= 100) return name;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `${[...name].slice(0, 60).join("")}-${hash.toString(16).padStart(8, "0")}`;
}
