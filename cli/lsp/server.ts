// `rec lsp`: the Language Server Protocol over stdio (vscode-languageserver). Each open `.rec`
// document is analysed on open and on every edit (analysis.ts: the compiler's check, the
// resolver's record of names, the models' bindings), and the server answers from the latest
// analysis: diagnostics as `rec check` words them, hover, definition (across imports and into
// the standard library), completion, signature help, inlay hints of inferred shapes, formatting
// through the formatter, rename of a local binding, references in the document, the outline
// (document symbols), folding ranges, and quick fixes (the missing import of a standard-library
// name). Unsaved changes to other files are not seen: imports are read from disk.

import { pathToFileURL, fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  CodeActionKind,
  CompletionItemKind,
  SymbolKind,
  createConnection,
  DiagnosticSeverity,
  InlayHintKind,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
} from "vscode-languageserver/node.js";
import type { Diagnostic } from "../../compiler/src/diagnostics/diagnostic.js";
import { formatRec } from "../../compiler/src/format/format.js";
import { Analysis } from "./analysis.js";
import { foldingRanges, outline, type OutlineSymbol } from "./outline.js";

/** Serves the protocol on a connection (stdio by default). */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  const analysisOf = (uri: string): { analysis: Analysis; doc: TextDocument } | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    let analysis = analyses.get(uri);
    if (!analysis || analysis.text !== doc.getText()) {
      analysis = new Analysis(fileURLToPath(uri), doc.getText());
      analyses.set(uri, analysis);
    }
    return { analysis, doc };
  };
  const range = (doc: TextDocument, span: { start: number; end: number }) => ({ start: doc.positionAt(span.start), end: doc.positionAt(span.end) });

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      completionProvider: { triggerCharacters: ["."] },
      signatureHelpProvider: { triggerCharacters: ["(", ","] },
      inlayHintProvider: true,
      documentFormattingProvider: true,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      referencesProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
    },
    serverInfo: { name: "rec lsp" },
  }));

  documents.onDidChangeContent(({ document }) => {
    const found = analysisOf(document.uri);
    if (!found) return;
    const diagnostics = found.analysis.result.diagnostics.filter((d) => d.file === found.analysis.path).map((d) => toLsp(found.doc, d));
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  });
  documents.onDidClose(({ document }) => {
    analyses.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onHover(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    const text = found?.analysis.hover(found.doc.offsetAt(position));
    return text ? { contents: { kind: MarkupKind.Markdown, value: text } } : null;
  });

  connection.onDefinition(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    const location = found?.analysis.definition(found.doc.offsetAt(position));
    if (!location) return null;
    const doc =
      location.file === found!.analysis.path
        ? found!.doc
        : TextDocument.create(pathToFileURL(location.file).href, "rec", 0, readFileSync(location.file, "utf8"));
    return { uri: pathToFileURL(location.file).href, range: range(doc, location.span) };
  });

  connection.onCompletion(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    const kinds = {
      variable: CompletionItemKind.Variable,
      function: CompletionItemKind.Function,
      module: CompletionItemKind.Class,
      op: CompletionItemKind.Operator,
    };
    return found.analysis.completions(found.doc.offsetAt(position)).map((c) => ({ label: c.label, detail: c.detail, kind: kinds[c.kind] }));
  });

  connection.onSignatureHelp(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    const help = found?.analysis.signatureHelp(found.doc.offsetAt(position));
    if (!help) return null;
    return {
      signatures: [
        {
          label: help.signature.label,
          parameters: help.signature.parameters.map((p) => ({ label: p })),
          ...(help.signature.doc ? { documentation: help.signature.doc } : {}),
        },
      ],
      activeSignature: 0,
      activeParameter: help.active,
    };
  });

  connection.languages.inlayHint.on(({ textDocument }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    return found.analysis.inlayHints().map((h) => ({ position: found.doc.positionAt(h.offset), label: h.label, kind: InlayHintKind.Type }));
  });

  connection.onDocumentFormatting(async ({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const formatted = await formatRec(doc.getText(), fileURLToPath(textDocument.uri));
    if (!formatted.ok || formatted.text === doc.getText()) return [];
    return [{ range: { start: doc.positionAt(0), end: doc.positionAt(doc.getText().length) }, newText: formatted.text }];
  });

  connection.onPrepareRename(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return null;
    const offset = found.doc.offsetAt(position);
    const rename = found.analysis.rename(offset);
    if ("refused" in rename) return null;
    const here = found.analysis.identAt(offset)!;
    return range(found.doc, here.ident.span);
  });

  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return null;
    const rename = found.analysis.rename(found.doc.offsetAt(position));
    if ("refused" in rename) throw new Error(rename.refused);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) throw new Error(`\`${newName}\` is not a name`);
    return { changes: { [textDocument.uri]: rename.spans.map((span) => ({ range: range(found.doc, span), newText: newName })) } };
  });

  connection.onCodeAction(({ textDocument, range: wanted }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    return found.analysis.quickFixes(found.doc.offsetAt(wanted.start), found.doc.offsetAt(wanted.end)).map((fix) => ({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toLsp(found.doc, fix.diagnostic)],
      isPreferred: true,
      edit: { changes: { [textDocument.uri]: [{ range: range(found.doc, fix.edit.span), newText: fix.edit.text }] } },
    }));
  });

  connection.onReferences(({ textDocument, position, context }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    return found.analysis
      .references(found.doc.offsetAt(position), context.includeDeclaration)
      .map((span) => ({ uri: textDocument.uri, range: range(found.doc, span) }));
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    const toLsp = (symbol: OutlineSymbol): DocumentSymbol => ({
      name: symbol.name,
      kind: SYMBOL_KINDS[symbol.kind],
      ...(symbol.detail ? { detail: symbol.detail } : {}),
      range: range(found.doc, symbol.span),
      selectionRange: range(found.doc, symbol.nameSpan),
      children: symbol.children.map(toLsp),
    });
    return outline(found.analysis.file).map(toLsp);
  });

  connection.onFoldingRanges(({ textDocument }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    return foldingRanges(found.analysis.file).map(([startLine, endLine]) => ({ startLine, endLine }));
  });

  documents.listen(connection);
  connection.listen();
}

/** The protocol's kind for each outline entry. */
const SYMBOL_KINDS: Record<OutlineSymbol["kind"], SymbolKind> = {
  model: SymbolKind.Class,
  module: SymbolKind.Class,
  function: SymbolKind.Function,
  experiment: SymbolKind.Event,
  sweep: SymbolKind.Event,
  schema: SymbolKind.Struct,
  param: SymbolKind.Constant,
  input: SymbolKind.Field,
  weight: SymbolKind.Variable,
  let: SymbolKind.Variable,
  output: SymbolKind.Property,
  train: SymbolKind.Namespace,
};

function toLsp(doc: TextDocument, d: Diagnostic): LspDiagnostic {
  const severity = d.severity === "error" ? DiagnosticSeverity.Error : d.severity === "warning" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  const notes = [...d.notes, ...(d.help ? [`help: ${d.help}`] : [])];
  return {
    range: { start: doc.positionAt(d.primary.span.start), end: doc.positionAt(d.primary.span.end) },
    severity,
    code: d.code,
    source: "rec",
    message: `${d.message}${d.primary.message ? ` (${d.primary.message})` : ""}${notes.length ? `\n${notes.join("\n")}` : ""}`,
  };
}
