// `rec fmt`'s engine: .rec text → formatted text through prettier and the `.rec` plugin
// (prettier-plugin.ts), with the print width and other options a user may set. A file with
// syntax errors is not formatted (its diagnostics say why); a tree too deep for prettier's
// recursion is refused with a message, never a stack trace.

import { format } from "prettier";
import { FormatSyntaxError, recPlugin } from "./prettier-plugin.js";

export interface FormatOptions {
  /** The line width to break at (default 100). */
  readonly printWidth?: number;
}

export type FormatResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

export async function formatRec(text: string, path: string, options: FormatOptions = {}): Promise<FormatResult> {
  try {
    const formatted = await format(text, { parser: "rec", plugins: [recPlugin], filepath: path, printWidth: options.printWidth ?? 100, tabWidth: 2, useTabs: false });
    return { ok: true, text: formatted };
  } catch (error) {
    if (error instanceof FormatSyntaxError) return { ok: false, reason: `it does not parse (${error.message}); \`rec check\` shows where` };
    if (error instanceof RangeError) return { ok: false, reason: "it is nested too deeply to format" };
    throw error;
  }
}
