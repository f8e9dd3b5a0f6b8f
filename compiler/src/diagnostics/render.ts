// Diagnostics → text: the terminal report (path:line:col, the source lines, underlines with
// labels, notes and help; color only when asked), a one-line form for tools and test
// expectations, and JSON. Rendering never changes what a diagnostic says, only how it looks.

import type { SourceFile, Span } from "../source/source-file.js";
import type { Diagnostic, Label } from "./diagnostic.js";

export type DiagnosticFormat = "text" | "short" | "json";

export interface RenderOptions {
  readonly color: boolean;
  /** Text and short formats show at most this many, then a line counting the rest (JSON shows all). */
  readonly limit?: number;
}

/** How many diagnostics the command line shows before it counts the rest. */
export const SHOWN_DIAGNOSTICS = 200;

/** Finds the SourceFile a diagnostic's `file` names. */
export type SourceLookup = (path: string) => SourceFile | undefined;

const STYLE = {
  error: "\x1b[1;31m",
  warning: "\x1b[1;33m",
  primary: "\x1b[1;31m",
  secondary: "\x1b[1;34m",
  gutter: "\x1b[1;34m",
  bold: "\x1b[1m",
  reset: "\x1b[0m",
};

export function renderText(diagnostic: Diagnostic, lookup: SourceLookup, options: RenderOptions): string {
  const paint = (style: keyof typeof STYLE, text: string) => (options.color ? `${STYLE[style]}${text}${STYLE.reset}` : text);
  const source = lookup(diagnostic.file);
  const head = `${paint(diagnostic.severity, `${diagnostic.severity}[${diagnostic.code}]`)}${paint("bold", `: ${diagnostic.message}`)}`;
  if (!source) return `${head}\n  --> ${diagnostic.file}\n`;

  const labels: { label: Label; primary: boolean }[] = [
    { label: diagnostic.primary, primary: true },
    ...diagnostic.secondary.map((label) => ({ label, primary: false })),
  ];
  const lines = new Map<number, { label: Label; primary: boolean }[]>();
  for (const entry of labels) {
    const line = source.position(entry.label.span.start).line;
    lines.set(line, [...(lines.get(line) ?? []), entry]);
  }
  const lineNumbers = [...lines.keys()].sort((a, b) => a - b);
  const width = String(lineNumbers[lineNumbers.length - 1] ?? 1).length;
  const gutter = (text = "") => paint("gutter", `${text.padStart(width)} │`);
  const start = source.position(diagnostic.primary.span.start);

  const out: string[] = [head, `${" ".repeat(width)} ${paint("gutter", "┌─")} ${diagnostic.file}:${start.line}:${start.column}`, gutter()];
  let previous: number | undefined;
  for (const line of lineNumbers) {
    if (previous !== undefined && line > previous + 1) out.push(paint("gutter", `${" ".repeat(width)} ·`));
    const text = source.lineText(line);
    out.push(`${gutter(String(line))} ${expandTabs(text)}`);
    const entries = lines.get(line)!.sort((a, b) => a.label.span.start - b.label.span.start);
    for (const { label, primary } of entries) {
      const { column, length } = underline(source, label.span, line);
      const mark = (primary ? "^" : "-").repeat(length);
      const styled = paint(primary ? "primary" : "secondary", `${mark} ${label.message}`.trimEnd());
      out.push(`${gutter()} ${" ".repeat(column)}${styled}`);
    }
    previous = line;
  }
  out.push(gutter());
  for (const note of diagnostic.notes) out.push(`${" ".repeat(width)} = note: ${note}`);
  if (diagnostic.help) out.push(`${" ".repeat(width)} = ${paint("bold", "help")}: ${diagnostic.help}`);
  return `${out.join("\n")}\n`;
}

/** `path:line:col: error[REC1010]: message` */
export function renderShort(diagnostic: Diagnostic, lookup: SourceLookup): string {
  const source = lookup(diagnostic.file);
  const at = source ? source.position(diagnostic.primary.span.start) : { line: 1, column: 1 };
  return `${diagnostic.file}:${at.line}:${at.column}: ${diagnostic.severity}[${diagnostic.code}]: ${diagnostic.message}`;
}

export function toJson(diagnostic: Diagnostic, lookup: SourceLookup): object {
  const source = lookup(diagnostic.file);
  const range = (span: Span) => {
    const start = source?.position(span.start) ?? { line: 1, column: 1 };
    const end = source?.position(span.end) ?? start;
    return { start: span.start, end: span.end, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  };
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: diagnostic.file,
    primary: { ...range(diagnostic.primary.span), label: diagnostic.primary.message },
    secondary: diagnostic.secondary.map((l) => ({ ...range(l.span), label: l.message })),
    notes: diagnostic.notes,
    ...(diagnostic.help ? { help: diagnostic.help } : {}),
  };
}

export function renderAll(diagnostics: readonly Diagnostic[], lookup: SourceLookup, format: DiagnosticFormat, options: RenderOptions): string {
  if (format === "json")
    return `${JSON.stringify(
      diagnostics.map((d) => toJson(d, lookup)),
      null,
      2,
    )}\n`;
  const shown = options.limit !== undefined ? diagnostics.slice(0, options.limit) : diagnostics;
  const rest = diagnostics.length - shown.length;
  const more = rest > 0 ? `… and ${rest} more diagnostic${rest === 1 ? "" : "s"} not shown (\`--diagnostics=json\` lists them all)\n` : "";
  if (format === "short") return shown.map((d) => `${renderShort(d, lookup)}\n`).join("") + more;
  return shown.map((d) => renderText(d, lookup, options)).join("\n") + (more ? `\n${more}` : "");
}

/** Column (0-based, tabs expanded) and width of a span's underline on one line; at least 1. */
function underline(source: SourceFile, span: Span, line: number): { column: number; length: number } {
  const text = source.lineText(line);
  const lineStart = span.start - (source.position(span.start).column - 1);
  const from = span.start - lineStart;
  const to = Math.min(span.end - lineStart, text.length);
  const column = expandTabs(text.slice(0, from)).length;
  const length = Math.max(1, expandTabs(text.slice(from, Math.max(from, to))).length);
  return { column, length };
}

function expandTabs(text: string): string {
  return text.replace(/\t/g, "    ");
}
