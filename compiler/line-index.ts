// Turns character offsets into the Positions of compiler/ast.ts (1-based line and column, column
// in UTF-16 code units). Line breaks are `\n`, `\r\n` and a lone `\r`, as in the lexer.
import type { Position, Span } from './ast.js';

export class LineIndex {
  private readonly starts: number[] = [0];
  /** Line (0-based) of the last lookup: callers mostly ask in source order, so it is the next answer. */
  private last = 0;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts;
    const n = starts.length;
    let k = this.last;
    if (!(starts[k] <= o && (k + 1 === n || o < starts[k + 1]))) {
      if (k + 1 < n && starts[k + 1] <= o && (k + 2 === n || o < starts[k + 2])) k++;
      else k = this.search(o);
      this.last = k;
    }
    return { offset: o, line: k + 1, column: o - starts[k] + 1 };
  }

  /** The last line starting at or before `o`. */
  private search(o: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Span of [start, end) offsets; `end` is clamped to be at least `start`. */
  span(start: number, end: number): Span {
    return { file: this.file, start: this.position(start), end: this.position(Math.max(start, end)) };
  }
}
