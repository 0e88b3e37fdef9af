// Conversions between gtv spans (1-based line/column, UTF-16 columns, 0-based offsets) and LSP
// positions (0-based line/character in UTF-16 code units). Every feature goes through here so no
// handler does its own off-by-one arithmetic.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Position as LspPosition, Range } from 'vscode-languageserver';
import type { Span } from '../../compiler/ast.js';

export function spanToRange(span: Span): Range {
  return {
    start: { line: span.start.line - 1, character: span.start.column - 1 },
    end: { line: span.end.line - 1, character: span.end.column - 1 },
  };
}

/** 0-based offset of an LSP position; positions past a line's end clamp to that end. */
export function offsetAt(text: string, pos: LspPosition): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  if (lineEnd > offset && text[lineEnd - 1] === '\r') lineEnd--;
  return Math.min(offset + pos.character, lineEnd);
}

export function positionAt(text: string, offset: number): LspPosition {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < clamped; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: clamped - lineStart };
}

/** True when `offset` lies inside the span; the end is inclusive so a cursor just after a name still hits it. */
export function spanContains(span: Span, offset: number): boolean {
  return span.start.offset <= offset && offset <= span.end.offset;
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/** Span files are relative to the working directory when the driver could make them so. */
export function pathToUri(file: string): string {
  return pathToFileURL(path.resolve(file)).href;
}

export function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}
