// Turning spans into what a terminal shows: line lookup from offsets, display columns (tabs,
// wide and zero-width characters) and sanitised source lines. Renderers use offsets, not the
// span's line/column, so CRLF files and spans past the last newline come out right. Line breaks
// are `\n`, `\r\n` and a lone `\r`, as in the lexer, so line numbers agree with the spans'.
import type { Span } from '../ast.js';

/** Tab stops are fixed at 4 columns so carets line up whatever the terminal's tab width is. */
export const TAB_WIDTH = 4;

export interface LineTable {
  text: string;
  /** Offset of the first character of each line (0-based lines). */
  starts: number[];
}

export function lineTable(text: string): LineTable {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return { text, starts };
}

/** 0-based index of the line holding `offset` (offsets past the end land on the last line). */
export function lineIndexAt(table: LineTable, offset: number): number {
  const { starts } = table;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The line's text without its terminator. */
export function lineText(table: LineTable, index: number): string {
  const start = table.starts[index];
  let end = index + 1 < table.starts.length ? table.starts[index + 1] : table.text.length;
  if (end > start && table.text.charCodeAt(end - 1) === 10) end--;
  if (end > start && table.text.charCodeAt(end - 1) === 13) end--;
  return table.text.slice(start, end);
}

// East Asian Wide / Fullwidth blocks and the common emoji planes: two terminal cells each.
const WIDE_RANGES: [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060\ufeff]$/u;

function cellWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (ZERO_WIDTH.test(ch)) return 0;
  for (const [lo, hi] of WIDE_RANGES) {
    if (cp >= lo && cp <= hi) return 2;
  }
  return 1;
}

/** What a terminal should print for one code point of source (controls would corrupt it). */
function visible(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp === 9) return ' '.repeat(TAB_WIDTH);
  if (cp < 32 || cp === 127 || (cp >= 0x80 && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff)) {
    return '\ufffd';
  }
  return ch;
}

/** Terminal columns that `s` occupies once sanitised. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0) === 9 ? TAB_WIDTH : cellWidth(visible(ch));
  return w;
}

/** The line as it is printed: tabs expanded, control characters and lone surrogates replaced. */
export function sanitize(s: string): string {
  let out = '';
  for (const ch of s) out += visible(ch);
  return out;
}

/** Lines wider than this are cut to a window around the span (generated or garbage input). */
export const MAX_LINE_CELLS = 160;
/** Cells of context kept before the span in a cut line. */
const CONTEXT_CELLS = 40;
const ELLIPSIS = '...';

/** The printed line and the underline's cells, cut to MAX_LINE_CELLS around [a, b) if needed. */
function windowed(text: string, a: number, b: number): { text: string; from: number; width: number } {
  if (displayWidth(text) <= MAX_LINE_CELLS) {
    return {
      text: sanitize(text),
      from: displayWidth(text.slice(0, a)),
      width: Math.max(1, displayWidth(text.slice(a, b))),
    };
  }
  // Code points with their offsets, so the cut never splits a surrogate pair.
  const starts: number[] = [];
  for (let i = 0; i < text.length; i += text.codePointAt(i)! > 0xffff ? 2 : 1) starts.push(i);
  let lo = starts.findIndex((i) => i >= a);
  if (lo < 0) lo = starts.length;
  let before = 0;
  while (lo > 0 && before + displayWidth(text.slice(starts[lo - 1], starts[lo])) <= CONTEXT_CELLS) {
    before += displayWidth(text.slice(starts[lo - 1], starts[lo]));
    lo--;
  }
  const budget = MAX_LINE_CELLS - 2 * ELLIPSIS.length;
  let hi = lo;
  let cells = 0;
  while (hi < starts.length) {
    const next = hi + 1 < starts.length ? starts[hi + 1] : text.length;
    const w = displayWidth(text.slice(starts[hi], next));
    if (cells + w > budget) break;
    cells += w;
    hi++;
  }
  const ws = lo < starts.length ? starts[lo] : text.length;
  const we = hi < starts.length ? starts[hi] : text.length;
  const head = ws > 0 ? ELLIPSIS : '';
  const tail = we < text.length ? ELLIPSIS : '';
  const from = head.length + displayWidth(text.slice(ws, Math.max(a, ws)));
  const visibleEnd = Math.min(b, we);
  return {
    text: head + sanitize(text.slice(ws, we)) + tail,
    from,
    width: Math.max(1, displayWidth(text.slice(Math.max(a, ws), Math.max(visibleEnd, a)))),
  };
}

/** One source line of an excerpt, with the underlined cell range on it. */
export interface ExcerptLine {
  /** 1-based line number. */
  number: number;
  text: string;
  /** Underline start in display cells, and its width (at least 1). */
  from: number;
  width: number;
}

/**
 * The lines a span covers: one line for a single-line span, the first and last for a
 * multi-line one (`skipped` says whether lines between them were left out). Returns undefined
 * when the span does not fit the text (e.g. the file changed since it was parsed).
 */
export function excerpt(table: LineTable, span: Span): { lines: ExcerptLine[]; skipped: boolean } | undefined {
  const startOff = span.start.offset;
  const endOff = Math.max(span.end.offset, startOff);
  if (!(startOff >= 0 && endOff <= table.text.length)) return undefined;
  const first = lineIndexAt(table, startOff);
  // An exclusive end at the start of a line belongs to the line before it.
  let last = lineIndexAt(table, endOff);
  if (last > first && table.starts[last] === endOff) last--;
  const make = (index: number, from: number, to: number): ExcerptLine => {
    const text = lineText(table, index);
    const lineStart = table.starts[index];
    const a = Math.min(Math.max(from - lineStart, 0), text.length);
    const b = Math.min(Math.max(to - lineStart, a), text.length);
    return { number: index + 1, ...windowed(text, a, b) };
  };
  if (first === last) return { lines: [make(first, startOff, endOff)], skipped: false };
  const lastText = lineText(table, last);
  const indent = lastText.length - lastText.trimStart().length;
  return {
    lines: [make(first, startOff, table.text.length), make(last, table.starts[last] + indent, endOff)],
    skipped: last > first + 1,
  };
}
