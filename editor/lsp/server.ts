// The gtv language server: wires LSP requests to the feature modules. Every feature reads the
// same Analysis, produced by the compiler's own driver (analysis.ts), cached per document version.
import {
  ErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from './analysis.js';
import { complete } from './completion.js';
import { definition } from './definition.js';
import { toLspDiagnostics } from './diagnostics.js';
import { formatDocument } from './formatting.js';
import { hover } from './hover.js';
import { offsetAt, samePath, uriToPath } from './positions.js';
import { prepareRename, rename } from './rename.js';
import { signatureHelp } from './signature.js';
import { documentSymbols } from './symbols.js';

const CHECK_DELAY_MS = 150;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, { version: number; analysis: Analysis }>();

  const openBuffer = (absPath: string) =>
    documents
      .all()
      .find((d) => samePath(uriToPath(d.uri), absPath))
      ?.getText();

  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const hit = cache.get(uri);
    if (hit && hit.version === doc.version) return hit.analysis;
    const analysis = analyze(uri, doc.getText(), openBuffer);
    cache.set(uri, { version: doc.version, analysis });
    return analysis;
  };

  const publish = (uri: string) => {
    const analysis = analysisOf(uri);
    const version = documents.get(uri)?.version;
    if (analysis) void connection.sendDiagnostics({ uri, version, diagnostics: toLspDiagnostics(analysis) });
  };

  /** An edit to one file can change the diagnostics of every open file that imports it. */
  const dependents = (changed: string) =>
    documents.all().filter((d) => {
      if (d.uri === changed) return false;
      const analysis = cache.get(d.uri)?.analysis;
      return analysis !== undefined && [...analysis.asts.keys()].some((k) => samePath(k, uriToPath(changed)));
    });

  // A check compiles every sweep cell (~0.1 s for the examples), so a burst of keystrokes is
  // checked once, when typing pauses; requests in between still analyse the current text.
  const pending = new Map<string, NodeJS.Timeout>();
  const schedule = (uri: string) => {
    clearTimeout(pending.get(uri));
    pending.set(
      uri,
      setTimeout(() => {
        pending.delete(uri);
        publish(uri);
        for (const dep of dependents(uri)) {
          cache.delete(dep.uri);
          publish(dep.uri);
        }
      }, CHECK_DELAY_MS),
    );
  };

  documents.onDidChangeContent(({ document }) => schedule(document.uri));
  documents.onDidClose(({ document }) => {
    clearTimeout(pending.get(document.uri));
    pending.delete(document.uri);
    cache.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['(', ','] },
      signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: ['='] },
      definitionProvider: true,
      documentSymbolProvider: true,
      renameProvider: { prepareProvider: true },
      documentFormattingProvider: true,
    },
    serverInfo: { name: 'gtv' },
  }));

  /** Runs a feature on the analysis of the request's document at the request's position. */
  const at = <T>(
    params: { textDocument: { uri: string }; position: { line: number; character: number } },
    feature: (analysis: Analysis, offset: number) => T,
  ): T | null => {
    const analysis = analysisOf(params.textDocument.uri);
    return analysis ? feature(analysis, offsetAt(analysis.text, params.position)) : null;
  };

  connection.onHover((params) => at(params, hover));
  connection.onCompletion((params) => at(params, complete) ?? []);
  connection.onSignatureHelp((params) => at(params, signatureHelp));
  connection.onDefinition((params) => at(params, definition));
  connection.onDocumentSymbol((params) => {
    const ast = analysisOf(params.textDocument.uri)?.ast;
    return ast ? documentSymbols(ast) : [];
  });
  connection.onPrepareRename((params) => at(params, prepareRename));
  connection.onRenameRequest((params) => {
    const result = at(params, (analysis, offset) => rename(analysis, offset, params.newName));
    if (!result) return null;
    if ('error' in result) return new ResponseError(ErrorCodes.InvalidParams, result.error);
    return { changes: { [params.textDocument.uri]: result.edits } };
  });
  connection.onDocumentFormatting(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const outcome = await formatDocument(doc.getText(), uriToPath(doc.uri));
    if ('error' in outcome) {
      connection.window.showErrorMessage(`gtv: cannot format: ${outcome.error}`);
      return null;
    }
    return outcome.edits;
  });

  documents.listen(connection);
  connection.listen();
}
