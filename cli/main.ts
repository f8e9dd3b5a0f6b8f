// The `rec` command: argv → the chosen command's exit code. Knows the command table and
// nothing about how a command works; user errors never surface as stack traces.

import { formatHelp, parseArgs, type CommandSpec } from "./args.js";
import { suggest } from "../compiler/src/diagnostics/suggest.js";
import { check, checkSpec } from "./commands/check.js";
import type { Command } from "./commands/shared.js";
import { build, buildSpec } from "./commands/build.js";
import { data, dataSpec } from "./commands/data.js";
import { diff, diffSpec } from "./commands/diff.js";
import { doc, docSpec } from "./commands/doc.js";
import {
  codegenSpec,
  compareSpec,
  embedSpec,
  evalSpec,
  exportSpec,
  fmtSpec,
  graphSpec,
  lspSpec,
  predictSpec,
  reportSpec,
  serveSpec,
  sweepSpec,
  trainSpec,
} from "./commands/runtime-specs.js";
import { ir, irSpec } from "./commands/ir.js";
import { ast, astSpec, print, printSpec } from "./commands/syntax-views.js";
import { tables, tablesSpec } from "./commands/tables.js";
import { EXIT, type CliIo } from "./io.js";

const COMMANDS: readonly { spec: CommandSpec; run: Command }[] = [
  { spec: checkSpec, run: check },
  // The commands that run models load TensorFlow.js; they are imported only when used.
  { spec: trainSpec, run: async (args, io) => (await import("./commands/train.js")).trainCommand(args, io) },
  { spec: evalSpec, run: async (args, io) => (await import("./commands/evaluate.js")).evalCommand(args, io) },
  { spec: predictSpec, run: async (args, io) => (await import("./commands/evaluate.js")).predictCommand(args, io) },
  { spec: embedSpec, run: async (args, io) => (await import("./commands/embed.js")).embedCommand(args, io) },
  { spec: serveSpec, run: async (args, io) => (await import("./commands/serve.js")).serveCommand(args, io) },
  { spec: compareSpec, run: async (args, io) => (await import("./commands/compare.js")).compareCommand(args, io) },
  { spec: sweepSpec, run: async (args, io) => (await import("./commands/sweep.js")).sweepCommand(args, io) },
  { spec: exportSpec, run: async (args, io) => (await import("./commands/export.js")).exportCommand(args, io) },
  { spec: buildSpec, run: build },
  // ts-morph is loaded only when a module is generated.
  { spec: codegenSpec, run: async (args, io) => (await import("./commands/codegen.js")).codegen(args, io) },
  { spec: dataSpec, run: data },
  { spec: diffSpec, run: diff },
  { spec: docSpec, run: doc },
  { spec: irSpec, run: ir },
  { spec: astSpec, run: ast },
  { spec: printSpec, run: print },
  { spec: graphSpec, run: async (args, io) => (await import("./commands/graph.js")).graphCommand(args, io) },
  { spec: reportSpec, run: async (args, io) => (await import("./commands/report.js")).reportCommand(args, io) },
  { spec: lspSpec, run: async (args, io) => (await import("./commands/lsp.js")).lspCommand(args, io) },
  { spec: fmtSpec, run: async (args, io) => (await import("./commands/fmt.js")).fmtCommand(args, io) },
  { spec: tablesSpec, run: tables },
];

export const VERSION = "0.1.0";

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  const rows = COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`);
  return [
    "rec: the reclang compiler for recommendation models",
    "",
    "Usage: rec <command> [options] [arguments]",
    "",
    "Commands:",
    ...rows,
    "",
    "Options:",
    "  --help, -h     Show help (also after a command: `rec check --help`)",
    "  --version      Print the version",
    "",
  ].join("\n");
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(topHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version") {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    const near = suggest(
      name,
      COMMANDS.map((c) => c.spec.name),
      1,
    )[0];
    io.stderr(near ? `error: unknown command \`${name}\`; did you mean \`rec ${near}\`?\n` : `error: unknown command \`${name}\`\n\n${topHelp()}`);
    return EXIT.usage;
  }
  const parsed = parseArgs(rest, command.spec);
  if (!parsed.ok) {
    // A near miss is answered in one line; anything else shows the command's help.
    io.stderr(parsed.suggested ? `error: ${parsed.error}\n` : `error: ${parsed.error}\n\n${formatHelp(command.spec)}`);
    return EXIT.usage;
  }
  if (parsed.help) {
    io.stdout(formatHelp(command.spec));
    return EXIT.ok;
  }
  try {
    return await command.run(parsed, io);
  } catch (error) {
    // A file the command could not read or write (a missing folder, a name too long, no space)
    // is the machine's or the user's to fix: name the path and the reason.
    const fileError = fileSystemError(error);
    if (fileError) {
      io.stderr(`error: ${fileError}\n`);
      return EXIT.errors;
    }
    // Only a compiler bug gets here: say so plainly, with what a report needs.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`internal error in reclang (a bug, not a problem with your spec): please report it with this output\n${detail}\n`);
    return 70;
  }
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENAMETOOLONG: "the name is too long for the file system (choose a shorter name or --out)",
  ENOTDIR: "a part of the path is not a folder",
  EEXIST: "something of that name exists where a folder is needed",
  EISDIR: "it is a folder",
  ENOSPC: "no space left on the device",
  EROFS: "the file system is read-only",
  EMFILE: "too many open files",
  ENOTREGULAR: "it exists and is not a regular file (a device or a socket), so it is not replaced",
};

/** A file system error as one line (`cannot write \`x\`: no such file or folder`), else undefined. */
function fileSystemError(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException & { dest?: string };
  const reason = typeof e?.code === "string" ? FILE_ERRORS[e.code] : undefined;
  if (!reason || typeof e.path !== "string") return undefined;
  const verb = /^(open|write|rename|mkdir|unlink|copyfile)/.test(e.syscall ?? "") ? "write" : "read";
  return `cannot ${e.syscall === "open" ? "open" : verb} \`${e.dest ?? e.path}\`: ${reason}`;
}

export function processIo(): CliIo {
  // A reader that stops early (`rec check … | head`) closes the pipe: stop quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
  }
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    env: process.env,
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}
