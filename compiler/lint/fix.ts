// `gtv check --fix`: the safe fixes. Only removals of what nothing uses: an unused constant or
// declaration (GTV0701) and an unused sweep axis (GTV0702). Neither can change what any output
// computes; removing an axis merges its identical cells, so cell ids and the seeds derived from
// them change (the results stay statistically the same). Each fix is kept only if the file still
// compiles without errors afterwards, so a fix can never break a study.
import type { SourceFile, Span, Stmt, TopLevel } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import type { CompileOutput } from '../driver.js';
import type { Diagnostic } from '../diagnostics/types.js';

export const FIXABLE: readonly string[] = [SEM.unusedDefinition, SEM.unusedSweep];

export interface FixResult {
  text: string;
  /** One line per applied fix, e.g. "removed the unused sweep axis `P` (line 5)". */
  applied: string[];
  /** Fixable diagnostics whose fix was not applied, with why. */
  skipped: string[];
}

/**
 * Applies the fixes of `diagnostics` (those in `path` with a FIXABLE code) one at a time,
 * recompiling after each with `compile` and keeping it only when no error appears.
 */
export function applyFixes(
  path: string,
  text: string,
  ast: SourceFile,
  diagnostics: readonly Diagnostic[],
  compile: (text: string) => CompileOutput,
): FixResult {
  const result: FixResult = { text, applied: [], skipped: [] };
  const targets = diagnostics.filter((d) => FIXABLE.includes(d.code) && d.span?.file === path);
  // Back to front, so earlier offsets stay valid in the original text.
  const edits = targets
    .map((d) => ({ d, range: statementLines(ast, text, d.span!) }))
    .filter((e): e is { d: Diagnostic; range: [number, number] } => e.range !== undefined)
    .sort((a, b) => b.range[0] - a.range[0]);
  for (const { d, range } of edits) {
    const candidate = result.text.slice(0, range[0]) + result.text.slice(range[1]);
    const what = `${d.code === SEM.unusedSweep ? 'the unused sweep axis' : 'the unused definition'} \`${d.message.match(/`([^`]+)`/)?.[1] ?? '?'}\` (line ${d.span!.start.line})`;
    if (compile(candidate).diagnostics.some((x) => x.severity === 'error')) {
      result.skipped.push(`kept ${what}: removing it would not compile`);
      continue;
    }
    result.text = candidate;
    result.applied.push(`removed ${what}`);
  }
  result.applied.reverse();
  return result;
}

/** [start, end) of the statement named at `name`, as whole lines when it is alone on them. */
function statementLines(ast: SourceFile, text: string, name: Span): [number, number] | undefined {
  const stmts = ast.items.flatMap((i): (Stmt | TopLevel)[] => (i.kind === 'study' ? i.body : [i]));
  const stmt = stmts.find(
    (s) =>
      (s.kind === 'let' || s.kind === 'sweep' || s.kind === 'decl') && s.name.span.start.offset === name.start.offset,
  );
  if (!stmt) return undefined;
  const start = stmt.span.start.offset;
  const end = stmt.span.end.offset;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const nl = text.indexOf('\n', end);
  const lineEnd = nl === -1 ? text.length : nl + 1;
  const before = text.slice(lineStart, start);
  // A trailing comment on the statement's own line is about the statement: it goes too.
  const after = text.slice(end, lineEnd).replace(/^[ \t]*#.*/, '');
  if (before.trim() === '' && after.trim() === '') {
    // Between two blank lines, take one of them too, so no double blank line is left behind.
    const prevBlank = lineStart >= 2 && /\n[ \t]*\n$/.test(text.slice(0, lineStart));
    const next = /^[ \t]*\r?\n/.exec(text.slice(lineEnd));
    return prevBlank && next ? [lineStart, lineEnd + next[0].length] : [lineStart, lineEnd];
  }
  // Shares its line with other code (a `;`-free language has none, but keep the rest intact).
  return [start, end];
}
