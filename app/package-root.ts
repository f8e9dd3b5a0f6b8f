// reclang's own folder (the one holding its package.json), found from this file's source or its
// compiled copy: where the files the application ships beside its code are (the sweep worker,
// the Python runtime, the standard library).

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
