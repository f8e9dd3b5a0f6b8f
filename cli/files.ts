// Turns command-line paths into the list of .rec files to read: files as given, directories
// walked for *.rec (skipping node_modules, dist and hidden folders), in a stable order.

import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export interface Expanded {
  readonly files: string[];
  readonly missing: string[];
}

const SKIPPED_DIRS = new Set(["node_modules", "dist"]);

export function expandPaths(paths: readonly string[], cwd: string): Expanded {
  const files: string[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let isDir: boolean;
    try {
      isDir = statSync(absolute).isDirectory();
    } catch {
      missing.push(path);
      continue;
    }
    if (!isDir) files.push(path);
    else for (const found of walk(absolute)) files.push(relative(cwd, found) || found);
  }
  return { files, missing };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.name.endsWith(".rec")) out.push(path);
  }
  return out;
}
