// The one way checks report problems: (code, message, node, hint). The severity comes from the
// code registry and the span from the node, so no check computes a position or picks a severity
// that disagrees with `gtv explain`.
//
// Lowering runs once per sweep cell, so the same problem can come up in many cells. One
// diagnostic is kept per (code, place), the first. A problem found in every cell with the same
// message is reported as it is; otherwise the message names the first cell that has it and how
// many others do.
import type { Span } from '../ast.js';
import { codeInfo } from '../codes/index.js';
import type { Diagnostic, Related } from '../diagnostics/types.js';

export interface Spanned {
  span: Span;
}

interface Entry {
  d: Diagnostic;
  /** Cells that reported it (empty outside cells), the number of cells, and whether messages differed. */
  cells: string[];
  total: number;
  differs: boolean;
}

export class Reporter {
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  /** The sweep cell being lowered and how many cells the study has (set by the lowering). */
  cell: string | undefined;
  totalCells = 0;

  report(code: string, message: string, node: Spanned | undefined, hint?: string, related?: Related[]): void {
    const span = node?.span;
    const key = `${code}|${span?.file}|${span?.start.offset}|${span?.end.offset}`;
    const prev = this.byKey.get(key);
    if (prev) {
      if (this.cell !== undefined && !prev.cells.includes(this.cell)) prev.cells.push(this.cell);
      if (prev.d.message !== message) prev.differs = true;
      return;
    }
    const d: Diagnostic = { severity: codeInfo(code)?.severity ?? 'error', code, message };
    if (span) d.span = span;
    if (hint) d.hint = hint;
    if (related && related.length > 0) d.related = related;
    const entry: Entry = {
      d,
      cells: this.cell === undefined ? [] : [this.cell],
      total: this.totalCells,
      differs: false,
    };
    this.entries.push(entry);
    this.byKey.set(key, entry);
  }

  get diagnostics(): Diagnostic[] {
    return this.entries.map(({ d, cells, total, differs }) => {
      if (cells.length === 0 || (cells.length === total && !differs)) return d;
      const n = cells.length - 1;
      const others = n === 0 ? '' : ` and ${n} other${n === 1 ? '' : 's'}`;
      return { ...d, message: `${d.message} (in cell \`${cells[0]}\`${others})` };
    });
  }
}
