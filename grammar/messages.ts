// Syntax-error messages in words. Chevrotain's defaults list raw token sequences; this provider
// says what was expected and what was found ("expected `=` after the name `vp` in a forward
// declaration, found `(`") and, for each message it builds, records the diagnostic code, a hint
// and (for unclosed brackets) the opening token, which parse.ts looks up by message text.
import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from './chevrotain.js';
import {
  ArgName,
  By,
  Caret,
  Comma,
  DeclKeyword,
  DotDot,
  Equals,
  Ident,
  Import,
  KEYWORDS,
  LBracket,
  LCurly,
  LParen,
  Minus,
  NumberLit,
  Plot,
  Plus,
  RBracket,
  RCurly,
  RParen,
  Slash,
  Star,
  StringLit,
  Study,
  Sweep,
  To,
  Let,
} from './tokens.js';

/** The GTV01xx codes the parser emits (the lexer-level ones are chosen in compiler/parse.ts). */
export const UNEXPECTED_TOKEN = 'GTV0101';
export const MISSING_TOKEN = 'GTV0102';
export const UNCLOSED_BRACKET = 'GTV0103';

export interface MessageInfo {
  code: string;
  hint?: string;
  /** The bracket a "missing closing bracket" error refers to. */
  opener?: IToken;
  /**
   * Something is missing before the found token (rather than the token being wrong): when the
   * found token is on a later line, the error is better shown right after the previous token.
   */
  missing?: boolean;
}

const PUNCT_TEXT = new Map<TokenType, string>([
  [DotDot, '..'],
  [Equals, '='],
  [Comma, ','],
  [LParen, '('],
  [RParen, ')'],
  [LBracket, '['],
  [RBracket, ']'],
  [LCurly, '{'],
  [RCurly, '}'],
  [Plus, '+'],
  [Minus, '-'],
  [Star, '*'],
  [Slash, '/'],
  [Caret, '^'],
]);
const OPENERS = new Map<TokenType, TokenType>([
  [RParen, LParen],
  [RBracket, LBracket],
  [RCurly, LCurly],
]);
const CLOSERS = new Map<TokenType, TokenType>([...OPENERS].map(([c, o]) => [o, c]));
const VALUE_STARTS: TokenType[] = [NumberLit, StringLit, Ident, LBracket, LParen];
/** How far back context lookups scan, so pathological inputs with many errors stay linear. */
const SCAN_LIMIT = 512;

const clip = (s: string, n = 24) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const isKeyword = (t: TokenType) => KEYWORDS.includes(t);
const isEof = (tok: IToken | undefined) => !tok || tok.tokenType === EOF;

/** The found token, in words: "the name `vp`", "the number `1e-4`", "`(`", "the end of the file". */
export function describeToken(tok: IToken | undefined): string {
  if (isEof(tok)) return 'the end of the file';
  const t = tok!.tokenType;
  if (t === Ident) return `the name \`${clip(tok!.image)}\``;
  if (t === NumberLit) return `the number \`${clip(tok!.image)}\``;
  if (t === StringLit) return `the string \`${clip(tok!.image)}\``;
  if (isKeyword(t)) return `the keyword \`${tok!.image}\``;
  return `\`${clip(tok!.image)}\``;
}

/** An expected token type, in words: "a name", "`=`", "the end of the file". */
export function describeType(t: TokenType): string {
  if (t === EOF) return 'the end of the file';
  if (t === Ident || t === ArgName) return 'a name';
  if (t === NumberLit) return 'a number';
  if (t === StringLit) return 'a string';
  if (t === DeclKeyword) return 'a declaration keyword';
  const p = PUNCT_TEXT.get(t);
  if (p) return `\`${p}\``;
  return `\`${String(t.PATTERN)}\``;
}

function joinOr(words: string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function describeAlternatives(firsts: TokenType[]): string {
  if (VALUE_STARTS.every((t) => firsts.includes(t))) {
    return 'a value (a number, string, name, list or parenthesized expression)';
  }
  return joinOr(firsts.map(describeType));
}

const TOP_LEVEL = '`import`, `study`, `let` or a declaration (`data`, `forward`, `model`, ...)';
const STATEMENT = 'a statement (a setting `name = value`, `let`, `sweep`, a declaration or `plot`)';

/** The 1-based line of a character offset; NaN for the unplaced tokens recovery inserts. */
export type LineOf = (offset: number) => number;

export class GtvErrorMessages implements IParserErrorMessageProvider {
  private tokens: IToken[] = [];
  private infos = new Map<string, MessageInfo>();
  private lineOf: LineOf = () => Number.NaN;

  /** Called before each parse with the tokens the parser will see (the lexer tracks no lines). */
  reset(tokens: IToken[], lineOf: LineOf = () => Number.NaN): void {
    this.tokens = tokens;
    this.lineOf = lineOf;
    this.infos.clear();
  }

  private startLine(tok: IToken): number {
    return this.lineOf(tok.startOffset);
  }

  private endLine(tok: IToken): number {
    return this.lineOf(tok.endOffset ?? tok.startOffset + tok.image.length - 1);
  }

  /** The code, hint and opener recorded for a message this provider built. */
  info(message: string): MessageInfo {
    return this.infos.get(message) ?? { code: UNEXPECTED_TOKEN };
  }

  private record(message: string, info: MessageInfo, hint?: string): string {
    this.infos.set(message, hint ? { ...info, hint } : info);
    return message;
  }

  private indexOf(tok: IToken | undefined): number {
    if (!tok || !Number.isFinite(tok.startOffset)) return -1;
    let lo = 0;
    let hi = this.tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const off = this.tokens[mid].startOffset;
      if (off === tok.startOffset) return mid;
      if (off < tok.startOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The innermost `kind` bracket still open at token index `at` (inclusive), if any. */
  private openerBefore(at: number, kind: TokenType): IToken | undefined {
    const closer = CLOSERS.get(kind);
    let depth = 0;
    for (let i = at; i >= 0 && i > at - SCAN_LIMIT; i--) {
      const t = this.tokens[i].tokenType;
      if (t === closer) depth++;
      else if (t === kind && depth-- === 0) return this.tokens[i];
    }
    return undefined;
  }

  private tokenBefore(tok: IToken | undefined): IToken | undefined {
    const i = this.indexOf(tok);
    return i > 0 ? this.tokens[i - 1] : undefined;
  }

  /** The statement keyword (`forward`, `let`, ...) that starts the construct `previous` is in. */
  private statementKeyword(previous: IToken | undefined): IToken | undefined {
    const at = this.indexOf(previous);
    for (let i = at; i >= 0 && i > at - SCAN_LIMIT; i--) {
      const t = this.tokens[i].tokenType;
      if (tokenMatcher(this.tokens[i], DeclKeyword) || [Let, Sweep, Plot, Import, Study].includes(t)) {
        return this.tokens[i];
      }
    }
    return undefined;
  }

  private studyName(previous: IToken | undefined): string | undefined {
    const at = this.indexOf(previous);
    for (let i = at; i >= 0 && i > at - 4 * SCAN_LIMIT; i--) {
      if (this.tokens[i].tokenType === Study) {
        const name = this.tokens[i + 1];
        return name?.tokenType === Ident ? name.image : undefined;
      }
    }
    return undefined;
  }

  /** "in a forward declaration", "in the arguments of `gauss`", ... */
  private where(ruleName: string, previous: IToken | undefined): string {
    switch (ruleName) {
      case 'file':
      case 'item':
        return 'at the top level';
      case 'importStmt':
        return 'in an import';
      case 'study':
        return 'in a study header';
      case 'stmt': {
        const name = this.studyName(previous);
        return name ? `in study \`${name}\`` : 'in a study';
      }
      case 'setting':
        return 'in a setting';
      case 'letStmt':
        return 'in a `let` definition';
      case 'sweep':
        return 'in a sweep';
      case 'decl': {
        const kw = this.statementKeyword(previous);
        return kw && tokenMatcher(kw, DeclKeyword) ? `in a ${kw.image} declaration` : 'in a declaration';
      }
      case 'plot':
        return 'in a plot';
      case 'nameOrCall':
      case 'args':
      case 'arg': {
        const open = this.openerBefore(this.indexOf(previous), LParen);
        const callee = this.tokenBefore(open);
        return callee?.tokenType === Ident ? `in the arguments of \`${callee.image}\`` : 'in a call';
      }
      case 'list':
      case 'items':
        return 'in a list';
      default: {
        const kw = this.statementKeyword(previous);
        if (kw && tokenMatcher(kw, DeclKeyword)) return `in a ${kw.image} declaration`;
        return 'in an expression';
      }
    }
  }

  private after(previous: IToken | undefined): string {
    return isEof(previous) || !previous?.image ? '' : ` after ${describeToken(previous)}`;
  }

  buildMismatchTokenMessage(o: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
    const { expected, actual, previous, ruleName } = o;
    const found = describeToken(actual);

    if (expected === EOF && (ruleName === 'file' || ruleName === 'item')) {
      return this.topLevelJunk(actual);
    }
    if (expected === RCurly && ruleName === 'study') return this.studyJunk(actual, previous);
    const openerType = OPENERS.get(expected);
    if (openerType) {
      const opener = this.openerBefore(this.indexOf(previous), openerType);
      const what = opener
        ? `to close ${this.bracketPurpose(opener)}`
        : `${this.after(previous)} ${this.where(ruleName, previous)}`;
      const msg = `expected \`${PUNCT_TEXT.get(expected)}\` ${what.trim()}, found ${found}`;
      let hint: string | undefined;
      if (VALUE_STARTS.includes(actual.tokenType) && expected !== RCurly) {
        hint = expected === RBracket ? 'separate list items with `,`' : 'separate arguments with `,`';
      } else if (opener) {
        hint = `the \`${opener.image}\` at line ${this.startLine(opener)} is never closed`;
      }
      return this.record(msg, { code: UNCLOSED_BRACKET, opener, missing: true }, hint);
    }
    const where = this.where(ruleName, previous);
    if (expected === StringLit) {
      const kw = previous?.tokenType;
      const what = kw === Import ? 'a quoted file path' : kw === To ? 'a quoted file name' : 'a string';
      const hint =
        kw === Import ? 'write `import "lib/datasets.gtv"`' : kw === To ? 'write `to "figure.svg"`' : undefined;
      return this.record(
        `expected ${what}${this.after(previous)}, found ${found}`,
        { code: MISSING_TOKEN, missing: true },
        hint,
      );
    }
    const msg = `expected ${describeType(expected)}${this.after(previous)} ${where}, found ${found}`;
    return this.record(
      msg,
      { code: MISSING_TOKEN, missing: true },
      this.mismatchHint(expected, actual, ruleName, previous),
    );
  }

  private mismatchHint(expected: TokenType, actual: IToken, ruleName: string, previous: IToken): string | undefined {
    if (expected === Ident && isKeyword(actual.tokenType)) {
      return `\`${actual.image}\` is a keyword and cannot be used as a name; try \`${actual.image}_\``;
    }
    if (expected === Ident && actual.tokenType === NumberLit) return 'names start with a letter or `_`';
    if (expected === Ident && previous?.tokenType === Study) return 'a study needs a name: `study my_study { ... }`';
    if (expected === Equals) {
      const kw = this.statementKeyword(previous);
      const name = previous?.tokenType === Ident ? previous.image : 'name';
      if (ruleName === 'setting') {
        const before = this.tokenBefore(previous);
        if (before && this.endLine(before) === this.startLine(previous) && before.tokenType !== LCurly) {
          return `\`${name}\` follows a complete statement on its line; is an operator or \`,\` missing before it?`;
        }
        return `a setting is written \`${name} = value\``;
      }
      if (kw) return `write \`${kw.image} ${name} = ...\``;
    }
    if (expected === LParen && ruleName === 'plot') return 'write `by (axis1, axis2)`';
    return undefined;
  }

  /** What a bracket opens, in words, for "expected `)` to close ...". */
  private bracketPurpose(opener: IToken): string {
    if (opener.tokenType === LBracket) return `the list opened at line ${this.startLine(opener)}`;
    const before = this.tokenBefore(opener);
    if (opener.tokenType === LCurly) {
      const study = before?.tokenType === Ident ? ` \`${before.image}\`` : '';
      return `study${study} (opened at line ${this.startLine(opener)})`;
    }
    if (before?.tokenType === Ident) return `the arguments of \`${before.image}\``;
    if (before?.tokenType === By) return 'the `by (...)` axes';
    return `the parenthesis opened at line ${this.startLine(opener)}`;
  }

  private onSameLine(before: IToken | undefined, tok: IToken): boolean {
    return !!before && this.endLine(before) === this.startLine(tok);
  }

  private topLevelJunk(actual: IToken): string {
    const msg = `expected ${TOP_LEVEL} at the top level, found ${describeToken(actual)}`;
    const t = actual.tokenType;
    const next = this.tokens[this.indexOf(actual) + 1];
    let hint: string | undefined;
    if (t === Ident && next?.tokenType === Equals) {
      hint = `settings belong inside a \`study name { ... }\` block; at the top level write \`let ${actual.image} = ...\``;
    } else if (t === Sweep || t === Plot) {
      hint = `\`${actual.image}\` statements belong inside a \`study name { ... }\` block`;
    } else if (t === RCurly || t === RParen || t === RBracket) {
      hint = `this \`${actual.image}\` has no matching opening bracket`;
    } else if (t === Slash && next?.tokenType === Slash) {
      hint = 'comments start with `#`';
    } else if (this.onSameLine(this.tokenBefore(actual), actual)) {
      hint = 'is an operator or `,` missing before it?';
    }
    return this.record(msg, { code: UNEXPECTED_TOKEN }, hint);
  }

  private studyJunk(actual: IToken, previous: IToken): string {
    const name = this.studyName(previous);
    const study = name ? `study \`${name}\`` : 'the study';
    if (isEof(actual)) {
      const opener = this.openerBefore(this.indexOf(previous), LCurly);
      const msg = `expected \`}\` to close ${study}, found the end of the file`;
      return this.record(msg, { code: UNCLOSED_BRACKET, opener });
    }
    const msg = `expected ${STATEMENT} or \`}\` in ${study}, found ${describeToken(actual)}`;
    const t = actual.tokenType;
    const next = this.tokens[this.indexOf(actual) + 1];
    let hint: string | undefined;
    if (t === Import) hint = 'imports go at the top level, before the study';
    else if (t === Study) hint = `studies cannot be nested; is the \`}\` of ${study} missing?`;
    else if (t === Slash && next?.tokenType === Slash) hint = 'comments start with `#`';
    else if (t === RParen || t === RBracket) hint = `this \`${actual.image}\` has no matching opening bracket`;
    else if (VALUE_STARTS.includes(t) || t === Minus || t === Plus) {
      hint = 'each statement starts on a name or keyword; is an operator or `,` missing on the line above?';
    }
    return this.record(msg, { code: UNEXPECTED_TOKEN }, hint);
  }

  buildNotAllInputParsedMessage(o: { firstRedundant: IToken; ruleName: string }): string {
    return this.topLevelJunk(o.firstRedundant);
  }

  buildNoViableAltMessage(o: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const firsts = o.expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0])).filter(Boolean);
    const actual = o.actual[0];
    const msg = `expected ${describeAlternatives(firsts)}${this.after(o.previous)} ${this.where(o.ruleName, o.previous)}, found ${describeToken(actual)}`;
    let hint: string | undefined;
    let missing = false;
    if (o.ruleName === 'atom') {
      if (
        isEof(actual) ||
        [RParen, RBracket, RCurly, Comma].includes(actual.tokenType) ||
        isKeyword(actual.tokenType)
      ) {
        hint = 'the value is missing';
        missing = true;
      } else if (actual.tokenType === Star && this.tokenBefore(actual)?.tokenType === Star) {
        hint = 'powers are written with `^`, e.g. `2^3`';
      }
      if (actual && actual.tokenType === Slash && this.tokens[this.indexOf(actual) + 1]?.tokenType === Slash) {
        hint = 'comments start with `#`';
      }
    }
    return this.record(msg, { code: UNEXPECTED_TOKEN, missing }, hint);
  }

  buildEarlyExitMessage(o: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const firsts = o.expectedIterationPaths.map((p) => p[0]).filter(Boolean);
    const msg = `expected ${describeAlternatives(firsts)}${this.after(o.previous)} ${this.where(o.ruleName, o.previous)}, found ${describeToken(o.actual[0])}`;
    return this.record(msg, { code: UNEXPECTED_TOKEN });
  }
}

export const gtvErrorMessages = new GtvErrorMessages();
