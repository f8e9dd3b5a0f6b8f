// `rec lsp` driven over the Language Server Protocol, as an editor drives it: open a document,
// get its diagnostics, edit it into an error and back, hover, go to a definition (in the file,
// across an import, into the standard library), complete, get signature help, inlay hints,
// format, rename a local binding, find references, outline the document, fold its blocks, and
// apply a quick fix (a missing standard-library import).

import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./harness/repo.js";

interface Position {
  line: number;
  character: number;
}
interface Diagnostics {
  uri: string;
  diagnostics: { code: string; message: string; range: { start: Position } }[];
}

const dir = join(ROOT, ".tmp", "lsp-test");
const path = join(dir, "model.rec");
const uri = pathToFileURL(path).href;
const text = readFileSync(join(ROOT, "examples/two_tower/model.rec"), "utf8");

/** The position of the `nth` occurrence of `needle` in `source`, plus `shift` characters. */
function at(source: string, needle: string, shift = 0, nth = 0): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = source.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`no ${needle}`);
  const before = source.slice(0, offset + shift);
  return { line: before.split("\n").length - 1, character: before.length - before.lastIndexOf("\n") - 1 };
}

describe("rec lsp", () => {
  let connection: MessageConnection;
  let version = 1;
  const published: Diagnostics[] = [];
  let waiting: ((d: Diagnostics) => void) | undefined;
  const nextDiagnostics = () => new Promise<Diagnostics>((resolve) => (waiting = resolve));

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, text);
    // As the README writes it: no transport flag, standard input and output.
    const child = spawn(process.execPath, [join(ROOT, "bin/rec.js"), "lsp"], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
    connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onNotification("textDocument/publishDiagnostics", (d: Diagnostics) => {
      published.push(d);
      waiting?.(d);
    });
    connection.listen();
    const init = (await connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(ROOT).href, capabilities: {} })) as {
      capabilities: Record<string, unknown>;
    };
    expect(init.capabilities["hoverProvider"]).toBe(true);
    await connection.sendNotification("initialized", {});
  });

  afterAll(async () => {
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    connection.dispose();
  });

  it("publishes no errors for a clean file, an error after an edit, and none again after the fix", async () => {
    const opened = nextDiagnostics();
    await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "rec", version, text } });
    expect((await opened).diagnostics).toEqual([]);
    const broken = text.replace("masked_mean(item_table(history), history_mask)", "masked_mean(item_table(history), history_mask, 3)");
    const changed = nextDiagnostics();
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: [{ text: broken }] });
    const diagnostics = (await changed).diagnostics;
    expect(diagnostics.map((d) => d.code)).toContain("REC3011");
    expect(diagnostics[0]!.range.start.line).toBe(at(broken, "masked_mean(").line);
    const fixed = nextDiagnostics();
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
    expect((await fixed).diagnostics).toEqual([]);
  });

  it("hovers with a binding's type, symbolic shape and id space, and an instance's parameter count", async () => {
    const hover = async (p: Position) =>
      ((await connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: p })) as { contents: { value: string } } | null)?.contents.value;
    expect(await hover(at(text, "history_mask)", 2))).toBe("`history_mask`: bool[B, L]");
    expect(await hover(at(text, "item_table(item_id)", 2))).toBe("`item_table`: an instance of Embedding, 160,000 parameters");
    expect(await hover(at(text, "user @ transpose", 1))).toBe("`user`: f32[B, 32]");
    expect(await hover(at(text, "user_table(user_id)", 12))).toBe("`user_id`: id<users>[B]");
  });

  it("goes to a definition in the file and into the standard library", async () => {
    const definition = async (p: Position) =>
      (await connection.sendRequest("textDocument/definition", { textDocument: { uri }, position: p })) as { uri: string; range: { start: Position } };
    const local = await definition(at(text, "item_table(item_id)", 2));
    expect(local.uri).toBe(uri);
    expect(local.range.start).toEqual(at(text, "item_table = Embedding"));
    const std = await definition(at(text, "MLP([64, dim]) |> l2", 1));
    expect(std.uri).toMatch(/stdlib\/nn\.rec$/);
    const nn = readFileSync(join(ROOT, "stdlib/nn.rec"), "utf8");
    expect(std.range.start).toEqual(at(nn, "MLP(sizes", 0));
  });

  it("completes names in scope, standard blocks with their parameters, and ops", async () => {
    const items = (await connection.sendRequest("textDocument/completion", { textDocument: { uri }, position: at(text, "head score") })) as {
      label: string;
      detail: string;
    }[];
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["item_table", "user", "history_mask", "Embedding", "MLP", "matmul", "LayerNorm"]));
    expect(items.find((i) => i.label === "MLP")!.detail).toContain("module MLP(sizes: [int]");
  });

  it("gives signature help for a module and an op, with the active argument", async () => {
    const help = async (p: Position) =>
      (await connection.sendRequest("textDocument/signatureHelp", { textDocument: { uri }, position: p })) as {
        signatures: { label: string }[];
        activeParameter: number;
      };
    const embedding = await help(at(text, "Embedding(items, dim)", 17));
    expect(embedding.signatures[0]!.label).toBe("module Embedding(vocab: int, dim: int)");
    expect(embedding.activeParameter).toBe(1);
    const concat = await help(at(text, "axis = -1", 0));
    expect(concat.signatures[0]!.label).toMatch(/^concat\(/);
  });

  it("shows inferred shapes as inlay hints", async () => {
    const hints = (await connection.sendRequest("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } },
    })) as { label: string; position: Position }[];
    expect(hints).toContainEqual({ label: ": f32[B, B]", position: at(text, "score = user", 5), kind: 1 });
  });

  it("formats through the formatter, and renames a local binding everywhere it is used", async () => {
    const messy = text.replace("param dim = 32, users", "param dim = 32,   users");
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: [{ text: messy }] });
    const edits = (await connection.sendRequest("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as {
      newText: string;
    }[];
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe(text);
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
    const rename = (await connection.sendRequest("textDocument/rename", {
      textDocument: { uri },
      position: at(text, "item_table = Embedding"),
      newName: "items_table",
    })) as { changes: Record<string, unknown[]> };
    expect(rename.changes[uri]).toHaveLength(text.split("item_table").length - 1);
    const refused = await connection.sendRequest("textDocument/prepareRename", { textDocument: { uri }, position: at(text, "model TwoTower", 6) });
    expect(refused).toBeNull();
  });

  it("finds a binding's references, outlines the document and folds its blocks", async () => {
    const references = (await connection.sendRequest("textDocument/references", {
      textDocument: { uri },
      position: at(text, "item_table = Embedding"),
      context: { includeDeclaration: true },
    })) as { uri: string; range: { start: Position } }[];
    // The declaration and its three uses (the history bag, the item tower), all in this document.
    expect(references.map((r) => r.range.start)).toEqual([at(text, "item_table"), at(text, "item_table", 0, 1), at(text, "item_table", 0, 2)]);
    const withoutDeclaration = (await connection.sendRequest("textDocument/references", {
      textDocument: { uri },
      position: at(text, "item_table(item_id)"),
      context: { includeDeclaration: false },
    })) as unknown[];
    expect(withoutDeclaration).toHaveLength(2);
    const symbols = (await connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri } })) as {
      name: string;
      detail?: string;
      children: { name: string; detail?: string }[];
    }[];
    expect(symbols.map((s) => s.name)).toEqual(["TwoTower"]);
    const members = symbols[0]!.children.map((c) => `${c.detail} ${c.name}`);
    expect(members).toEqual(
      expect.arrayContaining([
        "param dim",
        "input history",
        "let item_table",
        "encoder user",
        "head score",
        "loss retrieval",
        "metric recall_at_10",
        "train train",
      ]),
    );
    const folds = (await connection.sendRequest("textDocument/foldingRange", { textDocument: { uri } })) as { startLine: number; endLine: number }[];
    // The model, the multi-line encoder call and the train block fold.
    expect(folds).toEqual(
      expect.arrayContaining([
        { startLine: at(text, "model TwoTower").line, endLine: text.trimEnd().split("\n").length - 1 },
        { startLine: at(text, "train {").line, endLine: at(text, "eval {").line + 1 },
      ]),
    );
  });

  it("offers the nearest name for a misspelled one, and the declaration of a missing input, as quick fixes", async () => {
    const misspelled = text.replace("sampled_softmax(score, item_id, item_logq)", "sampled_softmax(score, item_id, item_logg)");
    const changed = nextDiagnostics();
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: [{ text: misspelled }] });
    expect((await changed).diagnostics.map((d) => d.code)).toContain("REC2008");
    const actions = (await connection.sendRequest("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: at(misspelled, "item_logg"), end: at(misspelled, "item_logg") },
      context: { diagnostics: [] },
    })) as { title: string; edit: { changes: Record<string, { range: { start: Position; end: Position }; newText: string }[]> } }[];
    expect(actions.map((a) => a.title)).toEqual(["Change to `item_logq`", "Declare `input item_logg: f32[B]`"]);
    // The rename replaces the misspelled name; the declaration goes on a line after the last input.
    expect(actions[0]!.edit.changes[uri]![0]!.newText).toBe("item_logq");
    const declare = actions[1]!.edit.changes[uri]![0]!;
    expect([declare.range.start.line, declare.newText]).toEqual([at(misspelled, "input item_logq").line, "\n  input item_logg: f32[B]"]);
    const restored = nextDiagnostics();
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
    expect((await restored).diagnostics).toEqual([]);
  });

  it("offers the missing import of a standard-library name as a quick fix, added to the import from its module", async () => {
    // `LayerNorm` used without its import: REC3005 says which module declares it, the fix adds it.
    const missing = text.replace("let item_table = Embedding(items, dim)", "let item_table = Embedding(items, dim)\n  let _norm = LayerNorm()");
    const changed = nextDiagnostics();
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: [{ text: missing }] });
    const diagnostic = (await changed).diagnostics.find((d) => d.code === "REC3005")!;
    expect(diagnostic.message).toContain('import { LayerNorm } from "std/nn"');
    const actions = (await connection.sendRequest("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: at(missing, "LayerNorm()"), end: at(missing, "LayerNorm()") },
      context: { diagnostics: [] },
    })) as { title: string; kind: string; edit: { changes: Record<string, { range: { start: Position; end: Position }; newText: string }[]> } }[];
    expect(actions.map((a) => [a.title, a.kind])).toEqual([['Import `LayerNorm` from "std/nn"', "quickfix"]]);
    const [edit] = actions[0]!.edit.changes[uri]!;
    const lines = missing.split("\n");
    const line = lines[edit!.range.start.line]!;
    lines[edit!.range.start.line] = line.slice(0, edit!.range.start.character) + edit!.newText + line.slice(edit!.range.start.character);
    const fixed = nextDiagnostics();
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: [{ text: lines.join("\n") }] });
    expect((await fixed).diagnostics.filter((d) => d.code.startsWith("REC3"))).toEqual([]);
    expect(lines.join("\n")).toContain('import { Embedding, EmbeddingBag, MLP, LayerNorm } from "std/nn"');
  });
});
