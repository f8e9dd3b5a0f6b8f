// Which standard-library module declares a name, for the hint on a name that is not defined
// (REC3005: "import `bce_with_logits` from "std/losses""). In: the standard library's files under
// STDLIB_ROOT. Out: name → import path (`std/nn`, `std/papers/pinrec`). Read once, on the first
// unknown name; a top-level declaration starts its line (`module X`, `fn x`), as the formatter
// writes every file, so a line scan finds them without parsing.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { STDLIB_ROOT } from "./program.js";

let exports: ReadonlyMap<string, string> | undefined;

/** The import path of the standard-library module declaring `name`, if one does (the first in path order). */
export function stdModuleOf(name: string): string | undefined {
  exports ??= scan();
  return exports.get(name);
}

function scan(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (dir: string, prefix: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) visit(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.name.endsWith(".rec")) {
        const path = `std/${prefix}${entry.name.slice(0, -4)}`;
        for (const match of readFileSync(join(dir, entry.name), "utf8").matchAll(/^(?:module|fn)\s+([A-Za-z_][A-Za-z0-9_]*)/gm))
          if (!found.has(match[1]!)) found.set(match[1]!, path);
      }
    }
  };
  visit(STDLIB_ROOT, "");
  return found;
}

/**
 * The diagnostic for a name that is not defined: REC3005 with the import to add when the
 * standard library declares it; REC2008 ("declare the input") for a lowercase name in a loss or
 * metric, which reads like a column the model forgot; else REC3005 with the nearest name.
 */
export function unknownName(name: string, inLossOrMetric: boolean, suggestion: string | undefined): { code: string; args: Record<string, string> } {
  const module = stdModuleOf(name);
  if (module) return { code: "REC3005", args: { name, module } };
  const code = inLossOrMetric && /^[a-z_][a-z0-9_]*$/.test(name) ? "REC2008" : "REC3005";
  return { code, args: { name, ...(suggestion ? { suggestion } : {}) } };
}
