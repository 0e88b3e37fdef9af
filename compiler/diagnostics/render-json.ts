// A stable JSON array: every object has the same keys in the same order (absent values are
// null, never missing), so tools can rely on the shape and outputs can be diffed.
import type { Span } from '../ast.js';
import type { Diagnostic } from './types.js';

export interface JsonPosition {
  line: number;
  column: number;
  offset: number;
}

export interface JsonSpan {
  file: string;
  start: JsonPosition;
  end: JsonPosition;
}

export interface JsonDiagnostic {
  severity: Diagnostic['severity'];
  code: string;
  message: string;
  span: JsonSpan | null;
  hint: string | null;
  related: { message: string; span: JsonSpan }[];
}

function spanJson(s: Span): JsonSpan {
  const pos = (p: Span['start']): JsonPosition => ({ line: p.line, column: p.column, offset: p.offset });
  return { file: s.file, start: pos(s.start), end: pos(s.end) };
}

export function toJsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    span: d.span ? spanJson(d.span) : null,
    hint: d.hint ?? null,
    related: (d.related ?? []).map((r) => ({ message: r.message, span: spanJson(r.span) })),
  };
}

export function renderJson(diags: readonly Diagnostic[]): string {
  return JSON.stringify(diags.map(toJsonDiagnostic), null, 2) + '\n';
}
