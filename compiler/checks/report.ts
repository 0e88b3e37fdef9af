// The one way checks report problems: (code, message, node, hint). The severity comes from the
// code registry and the span from the node, so no check computes a position or picks a severity
// that disagrees with `gtv explain`.
//
// Lowering runs once per sweep cell, so the same problem can come up in many cells. One
// diagnostic is kept per (code, place): identical ones are dropped, and when the message differs
// between cells (it quotes a cell's value) the first is kept and names its cell and how many
// other cells have the problem.
import type { Span } from '../ast.js';
import { codeInfo } from '../codes/index.js';
import type { Diagnostic, Related } from '../diagnostics/types.js';

export interface Spanned {
  span: Span;
}

interface Entry {
  d: Diagnostic;
  cell: string | undefined;
  otherCells: Set<string>;
}

export class Reporter {
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  /** The sweep cell being lowered (set by the lowering for studies with sweep axes). */
  cell: string | undefined;

  report(code: string, message: string, node: Spanned | undefined, hint?: string, related?: Related[]): void {
    const span = node?.span;
    const key = `${code}|${span?.file}|${span?.start.offset}|${span?.end.offset}`;
    const prev = this.byKey.get(key);
    if (prev) {
      if (prev.d.message !== message && this.cell !== undefined && this.cell !== prev.cell) prev.otherCells.add(this.cell);
      return;
    }
    const d: Diagnostic = { severity: codeInfo(code)?.severity ?? 'error', code, message };
    if (span) d.span = span;
    if (hint) d.hint = hint;
    if (related && related.length > 0) d.related = related;
    const entry = { d, cell: this.cell, otherCells: new Set<string>() };
    this.entries.push(entry);
    this.byKey.set(key, entry);
  }

  get diagnostics(): Diagnostic[] {
    return this.entries.map(({ d, cell, otherCells }) => {
      if (otherCells.size === 0) return d;
      const n = otherCells.size;
      return { ...d, message: `${d.message} (in cell \`${cell}\`; ${n} other cell${n === 1 ? '' : 's'} too)` };
    });
  }
}
