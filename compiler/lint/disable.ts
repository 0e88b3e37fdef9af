// Disable comments, read from the comments the parser keeps:
//   # gtv-disable-next-line [rule, ...]   the next line that is not blank or only a comment
//   stmt  # gtv-disable-line [rule, ...]  its own line
// Rules are named by name or code, separated by commas or spaces; no rule means every rule.
// A reason may follow after ` -- ` (as in ESLint).
// Naming an unknown rule is a GTV0800 error, so a typo never silently disables nothing.
import type { SourceFile, Span } from '../ast.js';
import { closest } from '../checks/suggest.js';
import { LINT } from '../codes/lint.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { CONFIGURABLE, ruleCode } from './registry.js';

const DIRECTIVE = /^#\s*gtv-disable-(next-line|line)\b(.*)$/;

export interface Disables {
  /** line -> codes disabled on it ('*' for all). */
  byLine: Map<number, Set<string>>;
  /** [first line, last line] of every statement, to match a finding inside a broken statement. */
  statements: [number, number][];
  diagnostics: Diagnostic[];
}

export function readDisables(file: SourceFile, text: string): Disables {
  const statements = file.items.flatMap((i): { span: Span }[] => (i.kind === 'study' ? i.body : [i]));
  const out: Disables = {
    byLine: new Map(),
    statements: statements.map((st) => [st.span.start.line, st.span.end.line]),
    diagnostics: [],
  };
  const lines = text.split(/\r\n|\r|\n/);
  const codeOnly = (line: number) => {
    const l = lines[line - 1]?.trim() ?? '';
    return l !== '' && !l.startsWith('#');
  };
  for (const c of file.comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    let line = c.span.start.line;
    if (m[1] === 'next-line') {
      line++;
      while (line <= lines.length && !codeOnly(line)) line++;
    }
    const names = m[2]
      .split(/\s--(\s|$)/)[0]
      .split(/[\s,]+/)
      .filter((s) => s !== '');
    const set = out.byLine.get(line) ?? new Set<string>();
    if (names.length === 0) set.add('*');
    for (const name of names) {
      const code = ruleCode(name);
      if (code) set.add(code);
      else {
        const near = closest(
          name,
          CONFIGURABLE.map((r) => r.name),
        );
        out.diagnostics.push({
          severity: 'error',
          code: LINT.lintConfig,
          message: `unknown lint rule \`${name}\` in a disable comment`,
          span: c.span,
          hint: near ? `did you mean \`${near}\`?` : 'run `gtv explain` for the rule names',
        });
      }
    }
    out.byLine.set(line, set);
  }
  return out;
}

/**
 * A finding is disabled by a directive on its own line, or on the first or last line of the
 * statement it lies in: `gtv fmt` may break a long statement over lines, and a comment above it
 * (or after it) must keep covering every argument.
 */
export function isDisabled(d: Diagnostic, byFile: ReadonlyMap<string, Disables>): boolean {
  if (!d.span) return false;
  const file = byFile.get(d.span.file);
  if (!file) return false;
  const line = d.span.start.line;
  const stmt = file.statements.find(([a, b]) => a <= line && line <= b);
  const lines = stmt ? [line, stmt[0], stmt[1]] : [line];
  return lines.some((l) => {
    const set = file.byLine.get(l);
    return !!set && (set.has('*') || set.has(d.code));
  });
}
