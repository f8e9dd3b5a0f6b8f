// Turns command-line paths into the list of .rec files to read: files as given, directories
// walked for *.rec (skipping node_modules, dist and hidden folders), in a stable order; and the
// package's own root, for files the commands ship beside their code.

import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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

/** reclang's own folder (the one holding its package.json), found from this file's source or compiled copy. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
