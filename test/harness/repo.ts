// Paths into the repository for tests: its root and every .rec file a test should read.

import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export function recFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...recFilesUnder(path));
    else if (entry.name.endsWith(".rec")) out.push(path);
  }
  return out.sort();
}

/** The example folders holding a model (`examples/<name>/model.rec`; examples/api holds a script). */
/** The example folders holding a model.rec, as paths under examples/ (the zoo's one level deeper: `zoo/deepfm`). */
export function exampleModels(): string[] {
  const folders = (dir: string): string[] =>
    readdirSync(join(ROOT, "examples", dir), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => {
        const path = dir ? `${dir}/${entry.name}` : entry.name;
        return existsSync(join(ROOT, "examples", path, "model.rec")) ? [path] : folders(path);
      });
  return folders("").sort();
}

/** Every .rec file that must parse cleanly: examples, the stdlib, and the ok corpus. */
export function validRecFiles(): string[] {
  return [...recFilesUnder("examples"), ...recFilesUnder("stdlib"), ...recFilesUnder("test/corpus/parse/ok")];
}

export function rel(path: string): string {
  return relative(ROOT, path);
}
