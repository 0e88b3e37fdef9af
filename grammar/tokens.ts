// The .gtv token vocabulary. Order in ALL_TOKENS is the lexer's match order (first match wins),
// so keywords come before Ident (with Ident as their longer_alt) and `..` before numbers like `.5`.
import { createToken, Lexer, type TokenType } from './chevrotain.js';

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** `#` to the end of the line; kept in the `comments` group for SourceFile.comments. */
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });

/** Double-quoted, `\"` and `\\` escapes, on one line. */
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/ });

/**
 * A string missing its closing quote (it runs to the end of the line). The lexer keeps it so the
 * parser can go on; parse.ts reports it and hands the parser a StringLit in its place.
 */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
});

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);

/**
 * Numbers: `12`, `1.5`, `.5`, `1e-4`, `2.5E+3`, each optionally followed directly by a unit
 * (`22.5deg`). A hand-written matcher rather than a regex because `1..5` must lex as `1`, `..`,
 * `5`, and because near-misses (`1.`, `1e-`) should become one token that parse.ts reports as a
 * malformed number instead of a cascade of unrelated errors.
 */
function matchNumber(text: string, offset: number): [string] | null {
  let i = offset;
  const digits = () => {
    const from = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    return i > from;
  };
  if (text.charCodeAt(i) === 46 /* . */) {
    i++;
    if (!digits()) return null;
  } else {
    if (!digits()) return null;
    if (text.charCodeAt(i) === 46 && text.charCodeAt(i + 1) !== 46) {
      i++; // a trailing `1.` is kept in the token and reported as malformed
      digits();
    }
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69 /* e E */) {
    const sign = text.charCodeAt(i + 1);
    const hasSign = sign === 43 || sign === 45;
    const expStart = i + (hasSign ? 2 : 1);
    if (isDigit(text.charCodeAt(expStart))) {
      i = expStart;
      digits();
    } else if (hasSign) {
      i = expStart; // `1e-` : reported as malformed
    }
  }
  if (isIdentStart(text.charCodeAt(i))) {
    while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
  }
  return [text.slice(offset, i)];
}

export const NumberLit = createToken({
  name: 'NumberLit',
  pattern: { exec: matchNumber },
  line_breaks: false,
  start_chars_hint: ['.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
});

/**
 * Category for argument names: an Ident or any keyword, because built-in parameters are named
 * `data`, `forward`, `by`, ... (`linear(phi, data = train)`); `name =` makes them unambiguous.
 */
export const ArgName = createToken({ name: 'ArgName', pattern: Lexer.NA });

export const Ident = createToken({ name: 'Ident', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: ArgName });

/** Category matched by `decl`: any of the seven declaration keywords. */
export const DeclKeyword = createToken({ name: 'DeclKeyword', pattern: Lexer.NA });

const keyword = (word: string, decl = false) =>
  createToken({
    name: word[0].toUpperCase() + word.slice(1),
    pattern: word,
    longer_alt: Ident,
    categories: decl ? [DeclKeyword, ArgName] : [ArgName],
  });

export const Import = keyword('import');
export const Study = keyword('study');
export const Let = keyword('let');
export const Sweep = keyword('sweep');
export const Plot = keyword('plot');
export const By = keyword('by');
export const To = keyword('to');
export const True = keyword('true');
export const False = keyword('false');
export const Data = keyword('data', true);
export const Forward = keyword('forward', true);
export const Features = keyword('features', true);
export const Model = keyword('model', true);
export const Sample = keyword('sample', true);
export const Map = keyword('map', true);
export const Metric = keyword('metric', true);

export const KEYWORDS: readonly TokenType[] = [
  Import,
  Study,
  Let,
  Sweep,
  Plot,
  By,
  To,
  True,
  False,
  Data,
  Forward,
  Features,
  Model,
  Sample,
  Map,
  Metric,
];

export const DotDot = createToken({ name: 'DotDot', pattern: '..' });
export const Equals = createToken({ name: 'Equals', pattern: '=' });
export const Comma = createToken({ name: 'Comma', pattern: ',' });
export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const LBracket = createToken({ name: 'LBracket', pattern: '[' });
export const RBracket = createToken({ name: 'RBracket', pattern: ']' });
export const LCurly = createToken({ name: 'LCurly', pattern: '{' });
export const RCurly = createToken({ name: 'RCurly', pattern: '}' });
export const Plus = createToken({ name: 'Plus', pattern: '+' });
export const Minus = createToken({ name: 'Minus', pattern: '-' });
export const Star = createToken({ name: 'Star', pattern: '*' });
export const Slash = createToken({ name: 'Slash', pattern: '/' });
export const Caret = createToken({ name: 'Caret', pattern: '^' });

export const PUNCTUATION: readonly TokenType[] = [
  DotDot,
  Equals,
  Comma,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
  RCurly,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
];

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  UnterminatedString,
  DotDot,
  NumberLit,
  ...KEYWORDS,
  Ident,
  ...PUNCTUATION.filter((t) => t !== DotDot),
  DeclKeyword,
  ArgName,
];

/** Tokens with lines, columns and end offsets, for the editor features that lex text themselves. */
export const GtvLexer = new Lexer(ALL_TOKENS, {
  positionTracking: 'full',
  ensureOptimizations: true,
});

/**
 * The parser's lexer: start offsets only (a token ends at startOffset + image.length; lines come
 * from compiler/line-index.ts where a message needs one). Tracking the rest made lexing about 1.5x
 * slower and every token, all live until the parse ends, larger.
 */
export const GtvOffsetLexer = new Lexer(ALL_TOKENS, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
});
