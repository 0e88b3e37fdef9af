// One line per diagnostic, in the `file:line:col: severity CODE: message (hint)` form that
// editors' problem matchers and grep understand. Newlines inside messages are flattened so
// the one-line promise holds.
import type { Diagnostic } from './types.js';

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ');

export function renderCompactLine(d: Diagnostic): string {
  const where = d.span ? `${d.span.file}:${d.span.start.line}:${d.span.start.column}: ` : '';
  const hint = d.hint ? ` (${oneLine(d.hint)})` : '';
  return `${where}${d.severity} ${d.code}: ${oneLine(d.message)}${hint}`;
}

export function renderCompact(diags: readonly Diagnostic[]): string {
  return diags.map((d) => renderCompactLine(d) + '\n').join('');
}
