// The one way checks report problems: (code, message, node, hint). The severity comes from the
// code registry and the span from the node, so no check computes a position or picks a severity
// that disagrees with `gtv explain`. Lowering runs once per sweep cell, so identical diagnostics
// from several cells are reported once.
import type { Span } from '../ast.js';
import { codeInfo } from '../codes/index.js';
import type { Diagnostic, Related } from '../diagnostics/types.js';

export interface Spanned {
  span: Span;
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  report(code: string, message: string, node: Spanned | undefined, hint?: string, related?: Related[]): void {
    const span = node?.span;
    const key = `${code}|${span?.file}|${span?.start.offset}|${span?.end.offset}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d: Diagnostic = { severity: codeInfo(code)?.severity ?? 'error', code, message };
    if (span) d.span = span;
    if (hint) d.hint = hint;
    if (related && related.length > 0) d.related = related;
    this.diagnostics.push(d);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }
}
