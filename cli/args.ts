// Command-line parsing: argv + a command's option table → options and positional arguments,
// or a usage error (an unknown option with the nearest one suggested). The same tables print
// `rec <command> --help`, so help never drifts.

import { suggest } from "../compiler/src/diagnostics/suggest.js";

export interface OptionSpec {
  readonly name: string;
  readonly description: string;
  /** A flag takes no value; otherwise the allowed values (empty list: any string). */
  readonly values?: readonly string[];
  readonly default?: string;
  readonly valueName?: string;
  /** May be given several times; the values are collected in order. */
  readonly repeatable?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
}

export type ParsedArgs =
  | { readonly ok: true; readonly options: Map<string, string | true | string[]>; readonly positionals: string[]; readonly help: boolean }
  | { readonly ok: false; readonly error: string; /** The error names the option meant: no need for the whole help. */ readonly suggested?: true };

export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const options = new Map<string, string | true | string[]>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const [rawName, inline] = splitOnce(arg.slice(2), "=");
    const option = spec.options.find((o) => o.name === rawName);
    if (!option) {
      const near = suggest(
        rawName,
        spec.options.map((o) => o.name),
        1,
      )[0];
      if (near) return { ok: false, error: `unknown option \`--${rawName}\` for \`rec ${spec.name}\`; did you mean \`--${near}\`?`, suggested: true };
      return { ok: false, error: `unknown option \`--${rawName}\` for \`rec ${spec.name}\` (\`rec ${spec.name} --help\` lists them)` };
    }
    if (!option.values) {
      if (inline !== undefined) return { ok: false, error: `option \`--${rawName}\` takes no value` };
      options.set(option.name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) return { ok: false, error: `option \`--${rawName}\` needs a value` };
    if (option.values.length && !option.values.includes(value)) {
      return { ok: false, error: `option \`--${rawName}\` must be one of ${option.values.join(", ")}; got \`${value}\`` };
    }
    if (option.repeatable) options.set(option.name, [...((options.get(option.name) as string[] | undefined) ?? []), value]);
    else options.set(option.name, value);
  }
  for (const option of spec.options) {
    if (option.default !== undefined && !options.has(option.name)) options.set(option.name, option.default);
  }
  return { ok: true, options, positionals, help };
}

export function formatHelp(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, "", `Usage: ${spec.usage}`, "", "Options:"];
  const rows = [
    ...spec.options.map((o) => {
      const value = o.values ? `=${o.valueName ?? (o.values.length ? o.values.join("|") : "VALUE")}` : "";
      const dflt = o.default !== undefined ? ` (default: ${o.default})` : "";
      return [`--${o.name}${value}`, `${o.description}${dflt}`] as const;
    }),
    ["--help, -h", "Show this help"] as const,
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  return `${lines.join("\n")}\n`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
