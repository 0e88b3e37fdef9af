// The human format (design.md section 3):
//
//   error[GTV0204]: unknown forward process `vp_cosin`
//     --> studies/gap.gtv:5:17
//      |
//    5 |   forward vp = vp_cosin(beta_min = 0.1)
//      |                ^^^^^^^^ did you mean `vp_cosine`?
//
// Related spans follow as `note:` blocks underlined with `-`.
import type { Span } from '../ast.js';
import type { Diagnostic } from './types.js';
import { COLOR, PLAIN, type Palette } from './ansi.js';
import { excerpt, lineTable, type LineTable } from './excerpt.js';
import { summaryLine } from './order.js';

export interface HumanOptions {
  color?: boolean;
}

/** Source texts by span file name; a missing file only drops the excerpt, never the message. */
export type SourceMap = ReadonlyMap<string, string>;

export function renderHuman(diags: readonly Diagnostic[], sources: SourceMap, options: HumanOptions = {}): string {
  const palette = options.color ? COLOR : PLAIN;
  const tables = new Map<string, LineTable | undefined>();
  const tableFor = (file: string): LineTable | undefined => {
    if (!tables.has(file)) {
      const text = sources.get(file);
      tables.set(file, text === undefined ? undefined : lineTable(text));
    }
    return tables.get(file);
  };
  return diags.map((d) => renderOne(d, tableFor, palette)).join('\n');
}

/** The closing line of a human report, e.g. "2 errors, 1 warning". */
export function renderSummary(diags: readonly Diagnostic[], options: HumanOptions = {}): string {
  const palette = options.color ? COLOR : PLAIN;
  return palette.bold(summaryLine(diags)) + '\n';
}

function renderOne(d: Diagnostic, tableFor: (file: string) => LineTable | undefined, p: Palette): string {
  const out: string[] = [];
  out.push(`${p.severity(d.severity, `${d.severity}[${d.code}]`)}${p.bold(`: ${d.message}`)}`);
  const spans = [d.span, ...(d.related ?? []).map((r) => r.span)].filter((s): s is Span => !!s);
  const gutter = gutterWidth(spans);
  if (d.span) {
    out.push(...snippet(d.span, tableFor, gutter, '^', (s) => p.severity(d.severity, s), d.hint, p));
  } else if (d.hint) {
    out.push(`${' '.repeat(gutter)} ${p.gutter('=')} hint: ${d.hint}`);
  }
  for (const r of d.related ?? []) {
    out.push(`${' '.repeat(gutter)} ${p.gutter('=')} ${p.note('note')}: ${r.message}`);
    out.push(...snippet(r.span, tableFor, gutter, '-', p.note, undefined, p));
  }
  return out.join('\n') + '\n';
}

/** Width of the line-number column: the widest line number shown, plus one space. */
function gutterWidth(spans: Span[]): number {
  let widest = 1;
  for (const s of spans) widest = Math.max(widest, String(Math.max(s.end.line, s.start.line)).length);
  return widest + 1;
}

function location(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

function snippet(
  span: Span,
  tableFor: (file: string) => LineTable | undefined,
  gutter: number,
  mark: string,
  markStyle: (s: string) => string,
  label: string | undefined,
  p: Palette,
): string[] {
  const pad = ' '.repeat(gutter);
  const out = [`${pad}${p.gutter('-->')} ${location(span)}`];
  const table = tableFor(span.file);
  const ex = table && excerpt(table, span);
  if (!ex) {
    if (label) out.push(`${pad} ${p.gutter('=')} ${label}`);
    return out;
  }
  const bar = p.gutter('|');
  out.push(`${pad} ${bar}`);
  ex.lines.forEach((line, i) => {
    if (i === 1 && ex.skipped) out.push(`${p.gutter('...'.padStart(gutter))}`);
    const num = p.gutter(String(line.number).padStart(gutter));
    out.push(`${num} ${bar}${line.text ? ' ' + line.text : ''}`);
    const isLast = i === ex.lines.length - 1;
    const underline = markStyle(mark.repeat(line.width));
    // A multi-line label continues aligned with its first line, right of the underline.
    const [first, ...more] = isLast && label ? label.split(/\r?\n/) : [];
    const tail = first !== undefined ? ` ${markStyle(first)}` : '';
    out.push(`${pad} ${bar} ${' '.repeat(line.from)}${underline}${tail}`);
    const indent = ' '.repeat(line.from + line.width + 1);
    for (const l of more) out.push(`${pad} ${bar} ${indent}${markStyle(l)}`);
  });
  return out;
}
