// The Prettier parser: gtv's own front end, with its first syntax error turned into the error
// shape Prettier renders with a code frame (`loc.start` with a 1-based line and column).
import type { ParserOptions } from 'prettier';
import type { SourceFile } from '../../compiler/ast.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { parseSource } from '../../compiler/parse.js';
import type { AttachedComment, GtvNode } from './comments.js';

export const locStart = (node: GtvNode): number => node.span.start.offset;
export const locEnd = (node: GtvNode): number => node.span.end.offset;

/** The path diagnostics name when Prettier formats text that has no file. */
export const ANONYMOUS = '<input>';

export class GtvSyntaxError extends SyntaxError {
  readonly loc?: { start: { line: number; column: number }; end: { line: number; column: number } };
  constructor(readonly diagnostic: Diagnostic) {
    super(`${diagnostic.message} (${diagnostic.code})${diagnostic.hint ? `; ${diagnostic.hint}` : ''}`);
    const span = diagnostic.span;
    if (span) {
      this.loc = {
        start: { line: span.start.line, column: span.start.column },
        end: { line: span.end.line, column: span.end.column },
      };
    }
  }
}

export function parse(text: string, options: Partial<ParserOptions<GtvNode>>): GtvNode {
  const { ast, diagnostics } = parseSource(text, options.filepath ?? ANONYMOUS);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new GtvSyntaxError(error);
  const comments: AttachedComment[] = ast.comments.map((c) => ({ ...c, value: c.text }));
  return { ...ast, comments } as SourceFile as GtvNode;
}
