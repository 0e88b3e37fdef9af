// A stable reading order for diagnostics: files in the order they first appear, then by
// position; diagnostics without a span (about the whole invocation) come last.
import type { Diagnostic } from './types.js';

export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  const fileRank = new Map<string, number>();
  for (const d of diags) {
    if (d.span && !fileRank.has(d.span.file)) fileRank.set(d.span.file, fileRank.size);
  }
  return diags
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const sa = a.d.span;
      const sb = b.d.span;
      if (!sa || !sb) return (sa ? 0 : 1) - (sb ? 0 : 1) || a.i - b.i;
      return fileRank.get(sa.file)! - fileRank.get(sb.file)! || sa.start.offset - sb.start.offset || a.i - b.i;
    })
    .map((x) => x.d);
}

export function countBySeverity(diags: readonly Diagnostic[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diags) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 errors, 1 warning"; "no problems" when there is nothing to report. */
export function summaryLine(diags: readonly Diagnostic[]): string {
  const { errors, warnings, infos } = countBySeverity(diags);
  const parts: string[] = [];
  if (errors) parts.push(plural(errors, 'error'));
  if (warnings) parts.push(plural(warnings, 'warning'));
  if (infos) parts.push(plural(infos, 'note'));
  return parts.length ? parts.join(', ') : 'no problems';
}
