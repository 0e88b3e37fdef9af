// Compiler diagnostics to LSP diagnostics. A problem inside an imported file is shown on the
// `import` line that brings it in, so the user sees it without opening that file.
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic, Severity } from '../../compiler/diagnostics/types.js';
import { uriOf, type Analysis } from './analysis.js';
import { spanToRange } from './positions.js';
import { importTargetPath } from './scope.js';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function toLspDiagnostics(analysis: Analysis): LspDiagnostic[] {
  return analysis.diagnostics.map((d) => {
    const message = d.hint ? `${d.message}\n${d.hint}` : d.message;
    const base = {
      severity: SEVERITY[d.severity],
      code: d.code,
      source: 'gtv',
      relatedInformation: d.related?.map((r) => ({
        message: r.message,
        location: { uri: uriOf(analysis, r.span.file), range: spanToRange(r.span) },
      })),
    };
    if (!d.span) return { ...base, message, range: START };
    if (path.resolve(d.span.file) === analysis.path) return { ...base, message, range: spanToRange(d.span) };
    const where = `${path.relative(path.dirname(analysis.path), path.resolve(d.span.file))}:${d.span.start.line}:${d.span.start.column}`;
    return { ...base, message: `in ${where}: ${message}`, range: importLineFor(analysis, d) };
  });
}

function importLineFor(analysis: Analysis, d: Diagnostic) {
  const imports = analysis.ast?.items.filter((i) => i.kind === 'import') ?? [];
  const file = path.resolve(d.span!.file);
  const direct = imports.find((i) => importTargetPath(analysis.ast!, i.path.value) === file);
  const chosen = direct ?? imports[0];
  return chosen ? spanToRange(chosen.span) : START;
}
