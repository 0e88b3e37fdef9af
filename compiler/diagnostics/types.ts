// One diagnostic type for every stage (lexer, parser, checker, IR validation, linter, runtime
// input checks). Renderers (human, compact, json, LSP) all start from this shape.
import type { Span } from '../ast.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Related {
  message: string;
  span: Span;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable code such as `GTV0204`; every code is listed in compiler/codes.ts. */
  code: string;
  message: string;
  /** Absent only for diagnostics about a whole invocation (e.g. a missing file argument). */
  span?: Span;
  /** Short advice shown under the caret, e.g. "did you mean `vp_cosine`?". */
  hint?: string;
  related?: Related[];
}
