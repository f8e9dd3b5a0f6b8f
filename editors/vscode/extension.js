// The VS Code client of reclang's language server: starts `rec lsp --stdio` (the command is the
// `reclang.command` setting, run in the workspace folder) for every .rec file. Install with
// `npm install` in this folder, then "Developer: Install Extension from Location…".
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("reclang").get("command");
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const server = { command, args, options: { cwd, shell: process.platform === "win32" }, transport: TransportKind.stdio };
  client = new LanguageClient("reclang", "reclang", { run: server, debug: server }, { documentSelector: [{ language: "rec" }] });
  context.subscriptions.push({ dispose: () => client?.stop() });
  return client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
