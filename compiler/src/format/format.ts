// `rec fmt`'s engine: .rec text → formatted text through prettier and the `.rec` plugin
// (prettier-plugin.ts), with the print width a user may set — and a proof before anything is
// returned (meaning.ts): the output parses, has the input's tree and comments, keeps every
// comment after the token it followed, and formats to itself. A comment the printer would move
// (one inside a type, after a parameter's `:`) makes the declaration around it print as written
// (the plugin's verbatim list), and formatting is tried again; anything still unproven is
// refused with the place, never returned. A file with syntax errors is not formatted (its
// diagnostics say why); a tree too deep for prettier's recursion is refused with a message.

import { format } from "prettier";
import { FormatSyntaxError, recPlugin } from "./prettier-plugin.js";
import { compareMeaning, meaningOf, nodeAround, type Difference, type Meaning } from "./meaning.js";

export interface FormatOptions {
  /** The line width to break at (default 100). */
  readonly printWidth?: number;
}

export type FormatResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string; readonly offset?: number };

/** How many nodes may be printed verbatim before the formatter gives up on a file. */
const MAX_VERBATIM = 64;

export async function formatRec(text: string, path: string, options: FormatOptions = {}): Promise<FormatResult> {
  try {
    const first = await proven(text, path, options, meaningOf(path, text));
    if (!first.ok) return first;
    // Idempotent: the output formats to itself (checked, not assumed); its meaning is known.
    const again = await proven(first.text, path, options, first.meaning);
    if (!again.ok || again.text !== first.text) return refusal(text, { what: "formatting it twice gives two different texts", offset: 0 });
    return { ok: true, text: first.text };
  } catch (error) {
    if (error instanceof FormatSyntaxError) return { ok: false, reason: `it does not parse (${error.message}); \`rec check\` shows where` };
    if (error instanceof RangeError) return { ok: false, reason: "it is nested too deeply to format" };
    throw error;
  }
}

/** One formatting whose output has the input's meaning (`before`), printing more nodes verbatim as needed. */
async function proven(
  text: string,
  path: string,
  options: FormatOptions,
  before: Meaning,
): Promise<(FormatResult & { ok: false }) | { ok: true; text: string; meaning: Meaning }> {
  const verbatim = new Set<string>();
  for (;;) {
    const output = await format(text, {
      parser: "rec",
      plugins: [recPlugin],
      filepath: path,
      printWidth: options.printWidth ?? 100,
      tabWidth: 2,
      useTabs: false,
      recVerbatim: [...verbatim].join(" "),
    } as never);
    const meaning = meaningOf(path, output);
    const difference = compareMeaning(before, meaning);
    if (!difference) return { ok: true, text: output, meaning };
    // A comment that moved: print the innermost node around it as the user wrote it.
    const around = difference.comment !== undefined ? nodeAround(before, difference.offset) : undefined;
    if (!around || verbatim.has(around) || verbatim.size >= MAX_VERBATIM) return refusal(text, difference);
    verbatim.add(around);
  }
}

function refusal(text: string, difference: Difference): FormatResult & { ok: false } {
  const before = text.slice(0, difference.offset);
  const line = before.split("\n").length;
  const column = difference.offset - before.lastIndexOf("\n");
  return {
    ok: false,
    reason: `the formatter could not keep its meaning at ${line}:${column} (${difference.what}); the file is left as it is`,
    offset: difference.offset,
  };
}
