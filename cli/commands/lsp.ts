// `rec lsp`: starts the language server (cli/lsp/server.ts). It speaks over standard input and
// output unless told otherwise (`--stdio` is accepted, as editors pass it); `--node-ipc` and
// `--socket=PORT` (the server connects to the editor's port) are the protocol's other
// transports, read from the process's arguments by vscode-languageserver itself.
// editors/vscode/ is a minimal VS Code extension that runs it.

import type { Command } from "./shared.js";

export const lspCommand: Command = async (args) => {
  const { startServer } = await import("../lsp/server.js");
  const { createConnection, ProposedFeatures } = await import("vscode-languageserver/node.js");
  const other = args.options.get("node-ipc") === true || args.options.get("socket") !== undefined;
  startServer(other ? createConnection(ProposedFeatures.all) : createConnection(ProposedFeatures.all, process.stdin, process.stdout));
  // The server runs until the editor closes the connection.
  return new Promise<number>(() => {});
};
