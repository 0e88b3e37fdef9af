// Printing diagnostics in the format the user chose (`--format human|compact|json`).
import type { Diagnostic } from '../compiler/diagnostics/types.js';
import { renderHuman, renderSummary } from '../compiler/diagnostics/render-human.js';
import { renderCompact } from '../compiler/diagnostics/render-compact.js';
import { renderJson } from '../compiler/diagnostics/render-json.js';
import { countBySeverity, sortDiagnostics } from '../compiler/diagnostics/order.js';
import { codeInfo } from '../compiler/codes/index.js';
import { choice } from './args.js';
import { BUG_HINT, EXIT_INPUT, EXIT_OK, EXIT_USAGE } from './exit.js';
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

/** A compiler failure reported as a diagnostic (GTV0900, GTV0110, ...): a bug, not bad input. */
export function isInternal(d: Diagnostic): boolean {
  return codeInfo(d.code)?.name.startsWith('internal-') ?? false;
}

/** Internal errors keep only their first line (stack frames go) unless GTV_DEBUG=1. */
function withoutStack(d: Diagnostic, debug: boolean): Diagnostic {
  return debug || !isInternal(d) ? d : { ...d, message: d.message.split('\n')[0] };
}

/**
 * Writes the diagnostics to `stream` and returns the exit code they imply: 2 when one is an
 * internal error, 1 for errors in the input, else 0.
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
  const debug = io.env.GTV_DEBUG === '1';
  const diags = sortDiagnostics(dedupe(raw)).map((d) => withoutStack(d, debug));
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
  if (diags.some(isInternal)) {
    io.stderr(`gtv: internal error\n${BUG_HINT}${debug ? '' : 'Set GTV_DEBUG=1 to see the details.\n'}`);
    return EXIT_USAGE;
  }
  return countBySeverity(diags).errors > 0 ? EXIT_INPUT : EXIT_OK;
}
