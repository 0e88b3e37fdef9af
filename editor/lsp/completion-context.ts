// What may be typed at the cursor, read from the tokens before it. Completion runs on text that
// is usually mid-edit and does not parse, so this works on the lexer's tokens (the same lexer as
// the compiler) rather than on the AST.
import type { IToken } from '../../grammar/chevrotain.js';
import { DECL_KINDS, type DeclKind } from '../../compiler/ast.js';
import { GtvLexer } from '../../grammar/tokens.js';
import type { ExprContext } from './builtins.js';

export type CompletionContext =
  /** Nothing sensible to offer: inside a comment or string, or naming a new definition. */
  | { kind: 'none' }
  /** Where a statement starts. */
  | { kind: 'statement'; inStudy: boolean }
  /** Inside a plot's `by (...)`: sweep axes. */
  | { kind: 'axes' }
  /** Inside an expression; `call` is the innermost call whose argument list holds the cursor. */
  | {
      kind: 'expression';
      inStudy: boolean;
      context: ExprContext | undefined;
      call?: CallContext;
    };

export interface CallContext {
  callee: string;
  /** Argument names given so far (before the cursor). */
  usedNames: string[];
  /** The cursor is where an argument begins (right after `(` or `,`). */
  atArgumentStart: boolean;
  /** Name of the argument the cursor is in, once it is written as `name = ...`. */
  argName?: string;
  /** How many positional (unnamed) arguments come before the one the cursor is in. */
  positional: number;
}

interface Frame {
  open: '(' | '[';
  callee?: string;
  afterBy: boolean;
  usedNames: string[];
  argName?: string;
  positional: number;
}

const OPERATORS = new Set(['=', '+', '-', '*', '/', '^', '..', ',', '(', '[']);
const NAMING = new Set(['let', 'sweep', 'study', ...DECL_KINDS]);

/** The word the cursor is in the middle of (replaced by the completion), as [start, end). */
export function wordAt(text: string, offset: number): { start: number; end: number } {
  let start = offset;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end])) end++;
  return { start, end };
}

export function completionContext(text: string, offset: number): CompletionContext {
  const before = text.slice(0, wordAt(text, offset).start);
  const lexed = GtvLexer.tokenize(before);
  const comments: IToken[] = lexed.groups.comments ?? [];
  const lastComment = comments[comments.length - 1];
  if (lastComment && lastComment.endOffset! + 1 === before.length) return { kind: 'none' };
  const tokens = lexed.tokens;
  const last = tokens[tokens.length - 1];
  if (last?.tokenType.name === 'UnterminatedString') return { kind: 'none' };

  let inStudy = false;
  let context: ExprContext | undefined;
  const frames: Frame[] = [];
  tokens.forEach((tok, i) => {
    const image = tok.image;
    const prev = tokens[i - 1]?.image;
    const next = tokens[i + 1]?.image;
    if (image === '(' || image === '[') {
      const callee = image === '(' && tokens[i - 1]?.tokenType.name === 'Ident' ? prev : undefined;
      frames.push({ open: image, callee, afterBy: prev === 'by', usedNames: [], positional: 0 });
    } else if (image === ')' || image === ']') {
      frames.pop();
    } else if (frames.length > 0) {
      const top = frames[frames.length - 1];
      // Keywords may name arguments too (`data = train`), so match on the word, not the token type.
      if (image === ',') {
        if (!top.argName) top.positional++;
        top.argName = undefined;
      } else if (/^[A-Za-z_]\w*$/.test(image) && next === '=' && (prev === '(' || prev === ',')) {
        top.usedNames.push(image);
        top.argName = image;
      }
    } else if (image === '{' && tokens[i - 2]?.image === 'study') {
      inStudy = true;
    } else if (image === '}') {
      inStudy = false;
      context = undefined;
    } else if ((DECL_KINDS as readonly string[]).includes(image)) {
      context = image as DeclKind;
    } else if (image === 'let' || image === 'sweep' || image === 'plot') {
      context = image;
    } else if (
      tok.tokenType.name === 'Ident' &&
      next === '=' &&
      !OPERATORS.has(prev ?? '') &&
      !NAMING.has(prev ?? '') &&
      prev !== 'plot'
    ) {
      context = 'setting';
    }
  });

  const prev = last?.image;
  if (prev !== undefined && NAMING.has(prev)) return { kind: 'none' };
  if (prev === 'import' || prev === 'to') return { kind: 'none' };
  if (prev === 'plot' && frames.length === 0) return { kind: 'expression', inStudy, context: 'plot' };
  if (frames.length === 0 && (prev === undefined || !OPERATORS.has(prev))) return { kind: 'statement', inStudy };

  const top = frames[frames.length - 1];
  if (top?.afterBy) return { kind: 'axes' };
  if (!top?.callee) return { kind: 'expression', inStudy, context };
  const atArgumentStart = prev === '(' || prev === ',';
  return {
    kind: 'expression',
    inStudy,
    context,
    call: {
      callee: top.callee,
      usedNames: top.usedNames,
      atArgumentStart,
      argName: top.argName,
      positional: top.positional,
    },
  };
}
