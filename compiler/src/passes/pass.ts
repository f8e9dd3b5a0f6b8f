// Passes and the pass manager. A pass is a named value with a description and a function from
// IR to IR. The manager runs an ordered list, verifying after each pass (always in tests),
// printing the IR after chosen passes ("unchanged" when a pass changed nothing) and timing them.

import { InternalError } from "../diagnostics/diagnostic.js";
import type { IrModel } from "../ir/ir.js";
import { printModel } from "../ir/printer.js";
import { verify } from "../ir/verify.js";

export interface Pass {
  /** Kebab-case; `rec ir --after=<name>` uses it. */
  readonly name: string;
  /** One sentence, with a tiny before/after example. */
  readonly description: string;
  run(model: IrModel): IrModel;
}

export interface PassOptions {
  /** Verify the IR before the first pass and after each one (a failure is a compiler bug). */
  readonly verify?: boolean;
  /** Print the IR after these passes, or after every pass. */
  readonly printAfter?: ReadonlySet<string> | "all";
  readonly timing?: boolean;
}

export interface PassReport {
  readonly model: IrModel;
  /** IR text after each requested pass, headed `// after <pass>`. */
  readonly printed: string[];
  readonly timings: { pass: string; ms: number }[];
}

export function runPasses(model: IrModel, passes: readonly Pass[], options: PassOptions = {}): PassReport {
  const printed: string[] = [];
  const timings: { pass: string; ms: number }[] = [];
  const check = (m: IrModel, after: string) => {
    const problems = verify(m);
    if (problems.length) throw new InternalError(`IR invalid ${after}:\n${problems.slice(0, 10).join("\n")}`);
  };
  if (options.verify) check(model, "before the first pass");
  let current = model;
  for (const pass of passes) {
    const start = performance.now();
    const next = pass.run(current);
    timings.push({ pass: pass.name, ms: performance.now() - start });
    if (options.verify) check(next, `after ${pass.name}`);
    if (options.printAfter === "all" || options.printAfter?.has(pass.name)) {
      const text = printModel(next);
      printed.push(`// after ${pass.name}\n${text === printModel(current) ? `// (unchanged)\n` : text}`);
    }
    current = next;
  }
  return { model: current, printed, timings };
}

export function formatTimings(timings: readonly { pass: string; ms: number }[]): string {
  const total = timings.reduce((s, t) => s + t.ms, 0);
  const rows = [...timings].sort((a, b) => b.ms - a.ms).map((t) => `  ${t.ms.toFixed(3).padStart(9)} ms  ${t.pass}`);
  return `pass timings:\n${rows.join("\n")}\n  ${total.toFixed(3).padStart(9)} ms  total\n`;
}
