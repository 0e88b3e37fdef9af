// Source text to AST plus syntax diagnostics: lex, check literals, bound bracket depth, parse
// with recovery, build the AST. Never throws; every problem becomes a GTV01xx diagnostic.
import {
  createTokenInstance,
  EOF,
  type ILexingError,
  type IRecognitionException,
  type IToken,
} from '../grammar/chevrotain.js';
import type { SourceFile, Span } from './ast.js';
import type { Diagnostic } from './diagnostics/types.js';
import { AstBuilder } from './cst-to-ast.js';
import { LineIndex } from './line-index.js';
import { gtvErrorMessages } from '../grammar/messages.js';
import { parser } from '../grammar/parser.js';
import type { FileCstNode } from '../grammar/cst.js';
import { decodeString, splitNumber } from '../grammar/literals.js';
import {
  DeclKeyword,
  GtvOffsetLexer,
  Ident,
  Import,
  LBracket,
  Let,
  LParen,
  Plot,
  RBracket,
  RCurly,
  RParen,
  StringLit,
  Study,
  Sweep,
  UnterminatedString,
  NumberLit,
} from '../grammar/tokens.js';

/**
 * Brackets nested deeper than this are cut out before parsing: the parser recurses on them, and
 * Chevrotain's error recovery needs about 13 KB of stack per level (32 levels use half of Node's
 * default stack; real studies nest fewer than 6).
 */
export const MAX_BRACKET_DEPTH = 32;
/** Syntax diagnostics listed per file; a note says when more were dropped. */
export const MAX_SYNTAX_ERRORS = 100;

export interface ParseResult {
  ast: SourceFile;
  diagnostics: Diagnostic[];
}

const INVALID_CHAR_HINTS: Record<string, string> = {
  ';': 'statements end at the end of the line; remove the `;`',
  ':': 'use `=` to give a value',
  "'": 'strings use double quotes: "..."',
  '\u201c': 'use straight double quotes: "..."',
  '\u201d': 'use straight double quotes: "..."',
  '\u2212': 'use the ASCII minus sign `-`',
  '\u00d7': 'use `*` for multiplication',
  '\u2013': 'use the ASCII minus sign `-`, or `..` for a range',
  '\u2026': 'use `..` for a range',
  '!': 'gtv has no `!` operator',
  '@': 'gtv has no decorators or `@` operator',
  '`': 'strings use double quotes: "..."',
};

function describeChars(s: string): string {
  const shown = [...s].slice(0, 8).map((ch) => {
    const cp = ch.codePointAt(0)!;
    const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    return cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) ? code : `\`${ch}\` (${code})`;
  });
  const more = [...s].length > 8 ? ', ...' : '';
  return `${shown.join(', ')}${more}`;
}

export function parseSource(text: string, file: string): ParseResult {
  const lines = new LineIndex(text, file);
  const diagnostics: Diagnostic[] = [];
  const report = (code: string, message: string, start: number, end: number, hint?: string) => {
    const d: Diagnostic = { severity: 'error', code, message, span: lines.span(start, end) };
    if (hint) d.hint = hint;
    diagnostics.push(d);
  };
  const emptyAst = (): SourceFile => ({
    kind: 'file',
    path: file,
    items: [],
    comments: [],
    span: lines.span(0, text.length),
  });

  try {
    const lexed = GtvOffsetLexer.tokenize(text);
    reportLexErrors(text, lexed.errors, report);
    const tokens = checkLiterals(lexed.tokens, report);
    const { tokens: bounded, tooDeep } = boundBracketDepth(tokens, report);

    const builder = new AstBuilder({ comments: lexed.groups.comments ?? [], lines, tooDeep, report });
    gtvErrorMessages.reset(bounded, (o) => (Number.isFinite(o) ? lines.position(o).line : Number.NaN));
    parser.input = bounded;
    parser.sink = builder.sink;
    const cst = parser.file() as FileCstNode | undefined;
    // After a syntax error, recovery often trips again a few tokens later on the same line (a
    // missing `=` makes the rest of the line look wrong): only the first parser error per line is kept.
    const errorLines = new Set<number>();
    for (const err of parser.errors) {
      const { start, end } = errorRange(err, lines);
      const line = lines.position(start).line;
      if (errorLines.has(line)) continue;
      errorLines.add(line);
      reportParseError(err, start, end, report, (s, e) => lines.span(s, e), diagnostics);
    }

    const ast = builder.file(cst);
    return { ast, diagnostics: finish(diagnostics, lines) };
  } catch (e) {
    // A bug, not a user error; still reported as a diagnostic because parsing must never throw.
    const why = e instanceof RangeError ? 'the input nests too deeply for the parser' : String(e);
    report('GTV0110', `internal parser error: ${why}`, 0, 0);
    return { ast: emptyAst(), diagnostics: finish(diagnostics, lines) };
  } finally {
    parser.input = [];
    parser.sink = undefined;
    gtvErrorMessages.reset([]);
  }
}

/** Exclusive end offset (Chevrotain's endOffset is inclusive; the offset-only lexer sets none). */
const endOf = (t: IToken) => (t.endOffset ?? t.startOffset + t.image.length - 1) + 1;

type Report = (code: string, message: string, start: number, end: number, hint?: string) => void;

function reportLexErrors(text: string, errors: ILexingError[], report: Report): void {
  // The lexer reports each run of unmatched characters once; adjacent runs are merged here.
  let i = 0;
  while (i < errors.length) {
    const start = errors[i].offset;
    let end = start + errors[i].length;
    while (i + 1 < errors.length && errors[i + 1].offset === end) end += errors[++i].length;
    i++;
    const chars = text.slice(start, end);
    const plural = [...chars].length > 1 ? 'characters' : 'character';
    let hint = INVALID_CHAR_HINTS[chars[0]];
    if (chars.startsWith('//')) hint = 'comments start with `#`';
    report('GTV0105', `invalid ${plural} ${describeChars(chars)}`, start, end, hint);
  }
}

/** Reports malformed numbers, bad escapes and unterminated strings; the parser sees plain literals. */
function checkLiterals(tokens: IToken[], report: Report): IToken[] {
  for (const tok of tokens) {
    const end = endOf(tok);
    if (tok.tokenType === NumberLit) {
      const { problem } = splitNumber(tok.image);
      if (problem)
        report(
          'GTV0106',
          `malformed number \`${tok.image}\`: ${problem.split(':')[0]}`,
          tok.startOffset,
          end,
          problem.split(': ')[1],
        );
    } else if (tok.tokenType === StringLit || tok.tokenType === UnterminatedString) {
      const parts = decodeString(tok.image);
      for (const at of parts.badEscapes) {
        const esc = tok.image.slice(at, at + 2);
        report(
          'GTV0108',
          `unknown escape \`${esc}\` in a string`,
          tok.startOffset + at,
          tok.startOffset + at + 2,
          'only `\\"` and `\\\\` are escapes; write `\\\\` for a backslash',
        );
      }
      if (!parts.terminated) {
        report(
          'GTV0104',
          'unterminated string: it has no closing `"` on this line',
          tok.startOffset,
          end,
          'add a closing `"`',
        );
        tok.tokenType = StringLit;
        tok.tokenTypeIdx = StringLit.tokenTypeIdx!;
      }
    }
  }
  return tokens;
}

const isStatementStart = (t: IToken) =>
  [Import, Study, Let, Sweep, Plot, RCurly].includes(t.tokenType) || t.tokenType.CATEGORIES?.includes(DeclKeyword);

/**
 * The parser recurses once per bracket, so a bracket group nested deeper than MAX_BRACKET_DEPTH is
 * replaced by one stand-in Ident token (cst-to-ast turns it into an ErrorExpr). The cut ends at the
 * group's closing bracket, or before the next statement keyword if it never closes.
 */
function boundBracketDepth(tokens: IToken[], report: Report): { tokens: IToken[]; tooDeep: Set<IToken> } {
  const tooDeep = new Set<IToken>();
  let depth = 0;
  let out: IToken[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const t = tok.tokenType;
    if (t === LParen || t === LBracket) {
      if (depth === MAX_BRACKET_DEPTH) {
        out ??= tokens.slice(0, i);
        // A call is cut with its name, so the name is not left behind to look like a variable.
        let first = tok;
        if (t === LParen && i > 0 && tokens[i - 1].tokenType === Ident && out.at(-1) === tokens[i - 1])
          first = out.pop()!;
        let inner = 0;
        let j = i;
        for (; j < tokens.length; j++) {
          const u = tokens[j].tokenType;
          if (u === LParen || u === LBracket) inner++;
          else if (u === RParen || u === RBracket) inner--;
          else if (isStatementStart(tokens[j])) break;
          if (inner === 0) break;
        }
        const last = tokens[Math.min(j, tokens.length - 1) - (j < tokens.length && inner === 0 ? 0 : 1)] ?? tok;
        report(
          'GTV0107',
          `brackets nested too deeply (more than ${MAX_BRACKET_DEPTH} levels)`,
          first.startOffset,
          endOf(last),
          'split the expression into several `let` definitions',
        );
        // No lines or columns: the lexer tracks offsets only, and lines are looked up from those.
        const stand = createTokenInstance(
          Ident,
          '',
          first.startOffset,
          endOf(last) - 1,
          Number.NaN,
          Number.NaN,
          Number.NaN,
          Number.NaN,
        );
        tooDeep.add(stand);
        out.push(stand);
        i = inner === 0 ? j : j - 1;
        continue;
      }
      depth++;
    } else if ((t === RParen || t === RBracket) && depth > 0) depth--;
    out?.push(tok);
  }
  return { tokens: out ?? tokens, tooDeep };
}

const isPlaced = (t: IToken | undefined): t is IToken => !!t && t.tokenType !== EOF && Number.isFinite(t.startOffset);

/** Where a parser error is shown: on the found token, or just after the previous one. */
function errorRange(err: IRecognitionException, lines: LineIndex): { start: number; end: number } {
  const info = gtvErrorMessages.info(err.message);
  const tok = err.token;
  const prev = (err as { previousToken?: IToken }).previousToken;
  if (
    isPlaced(tok) &&
    !(info.missing && isPlaced(prev) && lines.position(tok.startOffset).line > lines.position(endOf(prev) - 1).line)
  ) {
    return { start: tok.startOffset, end: endOf(tok) };
  }
  // Missing at the end of a line (or of the file): point just after what came before.
  const at = isPlaced(prev) ? endOf(prev) : lines.text.length;
  return { start: at, end: at };
}

function reportParseError(
  err: IRecognitionException,
  start: number,
  end: number,
  report: Report,
  span: (s: number, e: number) => Span,
  diagnostics: Diagnostic[],
): void {
  const info = gtvErrorMessages.info(err.message);
  report(info.code, err.message, start, end, info.hint);
  if (info.opener && isPlaced(info.opener)) {
    diagnostics[diagnostics.length - 1].related = [
      { message: `\`${info.opener.image}\` opened here`, span: span(info.opener.startOffset, endOf(info.opener)) },
    ];
  }
}

/** Source order, one diagnostic per (code, place, message), at most MAX_SYNTAX_ERRORS of them. */
function finish(diagnostics: Diagnostic[], lines: LineIndex): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.code}@${d.span?.start.offset}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => (a.span?.start.offset ?? 0) - (b.span?.start.offset ?? 0));
  if (unique.length <= MAX_SYNTAX_ERRORS) return unique;
  const kept = unique.slice(0, MAX_SYNTAX_ERRORS);
  const hidden = unique.length - MAX_SYNTAX_ERRORS;
  const at = kept[kept.length - 1].span?.end.offset ?? 0;
  kept.push({
    severity: 'info',
    code: 'GTV0109',
    message: `${hidden} more syntax ${hidden === 1 ? 'error' : 'errors'} not shown`,
    span: lines.span(at, at),
  });
  return kept;
}
