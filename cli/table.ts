// Plain-text tables for the commands' reports. In: a header and rows of cells. Out: lines with
// every column as wide as its widest cell, two spaces apart, optionally a rule under the header.

export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { align?: "left" | "right"; rule?: boolean } = {},
): string[] {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (options.align === "right" ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...(options.rule ? [line(widths.map((w) => "─".repeat(w)))] : []), ...rows.map(line)];
}
