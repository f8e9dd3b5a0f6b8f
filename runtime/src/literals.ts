// Every user-supplied string (a path, a model or column name, a string from a spec) that goes
// into generated text passes through one of these, and no generator pastes one in any other way.
// In: the string. Out: a literal or a comment-safe form of it for Python, TypeScript or HTML.
// Why so strict: a newline in a file name ends a `#` comment and the next line runs as Python;
// so every character outside printable ASCII is written as an escape, which leaves no line
// terminator (\n, \r, \v, \f, \x1c–\x1e, \x85, \u2028, \u2029), no NUL and no bidi control raw.

/** Code points written as themselves: printable ASCII except the quote and the backslash. */
const PLAIN = /^[\x20-\x7e]$/;

function escapeCodePoints(text: string, quote: string, hex: (code: number) => string): string {
  let out = "";
  for (const char of text) {
    if (char === "\\" || char === quote) out += `\\${char}`;
    else if (PLAIN.test(char)) out += char;
    else out += hex(char.codePointAt(0)!);
  }
  return out;
}

const pad = (code: number, width: number) => code.toString(16).padStart(width, "0");

/** A Python `str` literal of `text`, double-quoted, with nothing but printable ASCII in it. */
export function pythonString(text: string): string {
  // \x.. for the first 256, \u.... for the BMP (lone surrogates too), \U........ above it.
  return `"${escapeCodePoints(text, '"', (c) => (c < 0x100 ? `\\x${pad(c, 2)}` : c < 0x10000 ? `\\u${pad(c, 4)}` : `\\U${pad(c, 8)}`))}"`;
}

/** A TypeScript (JavaScript) string literal of `text`, double-quoted, printable ASCII only; `*\/` cannot end a comment it stands in. */
export function tsString(text: string): string {
  const literal = escapeCodePoints(text, '"', (c) => (c < 0x10000 ? `\\u${pad(c, 4)}` : `\\u{${c.toString(16)}}`));
  return `"${literal.replaceAll("*/", "*\\/")}"`;
}

/**
 * `text` as it may stand inside a comment or docstring of generated code: unchanged when it is
 * printable ASCII with no quote, backslash or comment end, else as a quoted, escaped literal
 * (`"a\nb.rec"`), so a reader still sees what the string was.
 */
export function commentText(text: string, language: "python" | "ts"): string {
  const safe = /^[\x20-\x7e]*$/.test(text) && !/["'\\`]|\*\/|"""/.test(text);
  if (safe) return text;
  return language === "python" ? pythonString(text) : tsString(text);
}

/** Text for an HTML element's content or a quoted attribute. */
export function htmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A value as JSON inside an HTML `<script>` element: no `</script>`, no `<!--`, no raw line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A Graphviz DOT quoted string: quotes and backslashes escaped, line breaks as DOT's `\n`. */
export function dotString(text: string): string {
  return `"${text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r\n|[\n\r\u2028\u2029]/g, "\\n")}"`;
}
