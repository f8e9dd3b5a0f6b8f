// `npm run spec:gen`: writes the generated parts of spec/ (compiler/src/tools/gen-spec.ts, the
// diagnostics' examples checked against the application's worlds) and spec/worlds.md (from the
// world records), each file replaced atomically. Run it after changing the grammar, the
// diagnostic catalog, an op, the standard library or a world.

import { join } from "node:path";
import { writeFileAtomic } from "../runtime/src/atomic-write.js";
import { generatedSpecFiles } from "../compiler/src/tools/gen-spec.js";
import { worldsMarkdown } from "./world-doc.js";
import { WORLD_RECORDS, WORLDS } from "./worlds.js";

/** Every generated spec file with the content it should have now. */
export function specFiles(root: string): { path: string; content: string }[] {
  return [...generatedSpecFiles(root, WORLDS), { path: join(root, "spec/worlds.md"), content: worldsMarkdown(WORLD_RECORDS) }];
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop()!);
if (isMain) {
  for (const file of specFiles(process.cwd())) {
    writeFileAtomic(file.path, file.content);
    process.stdout.write(`wrote ${file.path}\n`);
  }
}
