// The formatter's safety net (after stanc3): the formatted text is parsed again and its tree
// compared with the input's, ignoring only positions. Any difference, or a comment that did not
// survive, is a formatter bug reported as an internal error instead of written out.
import { parseSource } from '../../compiler/parse.js';

/** Keys that hold positions or bookkeeping rather than meaning. */
const IGNORED = new Set(['span', 'keyword', 'path', 'comments']);

export class FormatterInternalError extends Error {
  constructor(file: string, what: string) {
    super(
      `internal formatter error in ${file}: ${what}. The file was not changed; this is a bug in ` +
        'the gtv formatter, please report it with the input.',
    );
  }
}

/** Throws FormatterInternalError unless `after` is `before` with only layout changed. */
export function assertSameMeaning(before: string, after: string, file: string): void {
  const a = parseSource(before, file);
  const b = parseSource(after, file);
  const error = b.diagnostics.find((d) => d.severity === 'error');
  if (error) {
    const at = error.span ? ` at ${error.span.start.line}:${error.span.start.column}` : '';
    throw new FormatterInternalError(file, `the formatted text does not parse (${error.message}${at})`);
  }
  const diff = firstDifference(a.ast, b.ast, 'file');
  if (diff) throw new FormatterInternalError(file, `formatting changed ${diff}`);
  // Compared as multisets: a comment in an odd spot (inside `lo .. hi`) may move to the end of
  // its line, past another comment, but none may be lost or merged into another.
  const before_ = a.ast.comments.map((c) => c.text.trimEnd()).sort();
  const after_ = b.ast.comments.map((c) => c.text.trimEnd()).sort();
  const lost = before_.find((c, i) => after_[i] !== c);
  if (lost !== undefined || before_.length !== after_.length) {
    const which = lost !== undefined ? `comment \`${lost}\`` : 'the number of comments';
    throw new FormatterInternalError(file, `${which} did not survive formatting`);
  }
}

/** Where two trees differ, as a readable path, or null when they are the same. */
export function firstDifference(a: unknown, b: unknown, at: string): string | null {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${at} (list vs non-list)`;
    if (a.length !== b.length) return `${at} (${a.length} vs ${b.length} elements)`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !IGNORED.has(k)));
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${at} (${JSON.stringify(a)} -> ${JSON.stringify(b)})`;
}
