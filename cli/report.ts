// Printing diagnostics in the format the user chose (`--format human|compact|json`).
import type { Diagnostic } from '../compiler/diagnostics/types.js';
import { renderHuman, renderSummary } from '../compiler/diagnostics/render-human.js';
import { renderCompact } from '../compiler/diagnostics/render-compact.js';
import { renderJson } from '../compiler/diagnostics/render-json.js';
import { countBySeverity, sortDiagnostics } from '../compiler/diagnostics/order.js';
import { choice } from './args.js';
import { EXIT_INPUT, EXIT_OK } from './exit.js';
import { useColor, type CliIo } from './io.js';

export const FORMATS = ['human', 'compact', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export const FORMAT_OPTION = { type: 'string', short: 'f' } as const;
export const FORMAT_HELP = '-f, --format FORMAT   human (default), compact or json';

export function formatOf(value: unknown): Format {
  return choice(value, FORMATS, 'format', 'human');
}

/** Same diagnostic reached twice (a library imported by two checked files) is shown once. */
export function dedupe(diags: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = JSON.stringify([d.code, d.message, d.span?.file, d.span?.start.offset, d.span?.end.offset]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Writes the diagnostics to `stream` and returns the exit code they imply.
 * `okLine` is the human-format line printed when there is nothing to report (null: silent).
 */
export function reportDiagnostics(
  raw: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  format: Format,
  io: CliIo,
  stream: 'stdout' | 'stderr',
  okLine: string | null,
): number {
  const diags = sortDiagnostics(dedupe(raw));
  const write = (t: string) => (stream === 'stdout' ? io.stdout(t) : io.stderr(t));
  if (format === 'json') {
    write(renderJson(diags));
  } else if (format === 'compact') {
    write(renderCompact(diags));
  } else if (diags.length > 0) {
    const color = useColor(io, stream);
    write(renderHuman(diags, sources, { color }) + '\n' + renderSummary(diags, { color }));
  } else if (okLine !== null) {
    write(okLine + '\n');
  }
  return countBySeverity(diags).errors > 0 ? EXIT_INPUT : EXIT_OK;
}
