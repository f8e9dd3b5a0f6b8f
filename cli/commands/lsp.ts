// `rec lsp`: starts the language server on stdin and stdout (cli/lsp/server.ts). Editors run it;
// editors/vscode/ is a minimal VS Code extension that does.

import type { Command } from "./shared.js";

export const lspCommand: Command = async () => {
  const { startServer } = await import("../lsp/server.js");
  startServer();
  // The server runs until the editor closes the connection.
  return new Promise<number>(() => {});
};
