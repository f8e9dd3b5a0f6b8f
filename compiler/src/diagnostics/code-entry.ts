// A catalog entry: one diagnostic code with its severity, summary, example and prose, and the
// one function that turns an entry plus facts into a Diagnostic. Each stage keeps its own list
// of entries (syntax-diagnostics.ts, semantic-diagnostics.ts); catalog.ts gathers them.

import type { Span } from "../source/source-file.js";
import type { Diagnostic, Label, Severity } from "./diagnostic.js";

export type Args = Record<string, string>;

export interface CodeEntry {
  readonly code: string;
  readonly severity: Severity;
  /** One line for the catalog: when this is reported. */
  readonly summary: string;
  /** A minimal .rec file that triggers this code (first diagnostic of its file). */
  readonly example: string;
  /** `--set` overrides the example is checked with (REC3014, REC3015). */
  readonly exampleOverrides?: Readonly<Record<string, string>>;
  /** Codes the sweep planner reports (compiler/src/sweep/plan-sweep.ts): the example is planned, not only checked. */
  readonly sweepExample?: boolean;
  /** Data codes (REC4xxx): the JSON lines the example's data file holds. */
  readonly exampleData?: string;
  readonly build: (a: Args) => { message: string; label: string; notes?: string[]; help?: string };
}

/** A diagnostic-making function for one stage's entries. */
export function diagnosticMaker(entries: readonly CodeEntry[]) {
  const byCode = new Map(entries.map((entry) => [entry.code, entry]));
  return (file: string, code: string, span: Span, args: Args = {}, secondary: Label[] = []): Diagnostic => {
    const entry = byCode.get(code);
    if (!entry) throw new Error(`unknown diagnostic code ${code}`);
    const prose = entry.build(args);
    return {
      code,
      severity: entry.severity,
      message: prose.message,
      file,
      primary: { span, message: prose.label },
      secondary,
      notes: (prose.notes ?? []).filter((n) => n),
      ...(prose.help ? { help: prose.help } : {}),
    };
  };
}

/** One case's prose, from the case's facts. */
export type Prose = (a: Args) => ReturnType<CodeEntry["build"]>;

/**
 * The prose of a code with several cases: the report's `case` argument picks one, and each case
 * reads only facts (names, types, numbers, lists) from the other arguments; no sentence is passed in.
 */
export function byCase(cases: Readonly<Record<string, Prose>>): CodeEntry["build"] {
  return (a) => {
    const prose = cases[a["case"] ?? ""];
    if (!prose) throw new Error(`no prose for the case \`${a["case"]}\``);
    return prose(a);
  };
}
