// One analysis per open document version, produced by the same front end as `gtv check`
// (compiler/driver.ts). Unsaved editor buffers are served to the driver through its CompilerHost,
// so an import of a file that is open and modified sees the buffer, not the disk. The linter then
// runs on the compile output exactly as in `gtv check` (compiler/lint/check-file.ts): the same
// configuration discovery from the document's folder, disable comments read from the buffers.
import * as path from 'node:path';
import type { SourceFile } from '../../compiler/ast.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { compileSource } from '../../compiler/driver.js';
import { nodeHostFor, type CompilerHost } from '../../compiler/host.js';
import { readOptionsFromEnv } from '../../compiler/read-policy.js';
import { lintCompiled } from '../../compiler/lint/lint.js';
import { pathToUri, uriToPath } from './positions.js';

export interface Analysis {
  /** The document's URI as the editor names it (`untitled:` documents have no file path). */
  uri: string;
  /** Absolute path of the document (the driver's `path`). */
  path: string;
  text: string;
  /** This document's AST; absent only if the driver produced none. */
  ast: SourceFile | undefined;
  /** Every parsed file (the document and its imports), keyed as the driver keys them. */
  asts: Map<string, SourceFile>;
  /** Source text of every loaded file, keyed as `asts`, plus the lint configuration file if any. */
  files: Map<string, string>;
  /** Compiler diagnostics as graded by the lint configuration, then the linter's findings. */
  diagnostics: Diagnostic[];
}

/** Text of open documents by absolute path; anything else is read from disk. */
export type OpenBuffers = (absPath: string) => string | undefined;

export function analyze(uri: string, text: string, openBuffers: OpenBuffers): Analysis {
  const absPath = path.resolve(uriToPath(uri));
  // The same read policy as the command line (compiler/read-policy.ts): an open buffer is served
  // only where the disk file would be.
  const disk = nodeHostFor(absPath, readOptionsFromEnv().options);
  const openOrDenied = (abs: string) => {
    const permitted = disk.permit(abs);
    if (typeof permitted !== 'string' && permitted.failure !== 'not-found') return permitted;
    return openBuffers(abs);
  };
  const host: CompilerHost = {
    readFile(file) {
      const abs = path.resolve(file);
      if (abs === absPath) return text;
      return openOrDenied(abs) ?? disk.readFile(abs);
    },
    readData(file) {
      const abs = path.resolve(file);
      return openOrDenied(abs) ?? disk.readData(abs);
    },
    readBinary: (file) => disk.readBinary(path.resolve(file)),
    realpath: (file) => disk.realpath(file),
  };
  const result = compileSource(text, absPath, host);
  const linted = lintCompiled(absPath, result);
  return {
    uri,
    path: absPath,
    text,
    ast: findAst(result.asts, absPath),
    asts: result.asts,
    files: new Map([...result.files, ...linted.files]),
    diagnostics: linted.diagnostics,
  };
}

function findAst(asts: Map<string, SourceFile>, absPath: string): SourceFile | undefined {
  for (const [key, ast] of asts) if (path.resolve(key) === absPath) return ast;
  return undefined;
}

/** Source text of a loaded file, whatever form of its path the caller holds. */
export function fileText(analysis: Analysis, file: string): string | undefined {
  const abs = path.resolve(file);
  if (abs === analysis.path) return analysis.text;
  for (const [key, text] of analysis.files) if (path.resolve(key) === abs) return text;
  return undefined;
}

/** The URI of a file the analysis mentions: the document's own URI for the document itself. */
export function uriOf(analysis: Analysis, file: string): string {
  return path.resolve(file) === analysis.path ? analysis.uri : pathToUri(file);
}
