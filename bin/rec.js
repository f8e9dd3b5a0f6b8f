#!/usr/bin/env node
// The `rec` executable: runs the compiled CLI (dist/, built by `npm ci` through `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("rec: the compiler is not built yet; run `npm ci` (or `npm run build`) in the reclang folder\n");
  process.exit(2);
}
const { main, processIo } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), processIo());
