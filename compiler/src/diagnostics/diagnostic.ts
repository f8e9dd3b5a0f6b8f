// Diagnostics as data: what every stage reports instead of throwing. Built here, turned into
// prose by the stage that finds the problem, rendered to text or JSON by render.ts.

import type { Span } from "../source/source-file.js";

export type Severity = "error" | "warning";

export interface Label {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  /** Stable code: REC1xxx syntax, REC2xxx types and shapes, REC3xxx names and modules, REC4xxx data files, REC9xxx internal. */
  readonly code: string;
  readonly severity: Severity;
  /** Short title: what was found. */
  readonly message: string;
  /** The file the spans point into. */
  readonly file: string;
  /** The offending source, with a label saying what is wrong there. */
  readonly primary: Label;
  /** Other places that explain the error (where a delimiter was opened, where a name was defined). */
  readonly secondary: readonly Label[];
  /** Further facts, one sentence each. */
  readonly notes: readonly string[];
  /** What to do about it. */
  readonly help?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Orders diagnostics by file, then position, then code, so output is stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.primary.span.start - b.primary.span.start || a.code.localeCompare(b.code));
}

/** Thrown only for compiler bugs; user errors are always diagnostics. */
export class InternalError extends Error {
  override readonly name = "InternalError";
}

export function assertNever(value: never): never {
  throw new InternalError(`unexpected value ${JSON.stringify(value)}`);
}
